import type { HistoryEntry, ImageConfig, ImageManifest, RunConfig } from "../../core/manifest/index.ts";
import { parentOf, repoDigests, type ImageRecord, type StoreState } from "../../core/store/index.ts";

/** An image as `inspect` shows it: the fields of podman's `image inspect`. */
export interface ImageDetails {
  readonly Id: string;
  readonly Digest: string;
  readonly RepoTags: ReadonlyArray<string>;
  readonly RepoDigests: ReadonlyArray<string>;
  readonly Parent: string;
  readonly Comment: string;
  readonly Created: string;
  readonly Config: RunConfig;
  readonly Version: string;
  readonly Author: string;
  readonly Architecture: string;
  readonly Os: string;
  readonly Variant?: string;
  readonly Size: number;
  readonly VirtualSize: number;
  readonly Labels: Readonly<Record<string, string>>;
  readonly Annotations: Readonly<Record<string, string>>;
  readonly ManifestType: string;
  readonly User: string;
  readonly RootFS: { readonly Type: string; readonly Layers: ReadonlyArray<string> };
  readonly History: ReadonlyArray<HistoryEntry>;
  readonly NamesHistory: ReadonlyArray<string>;
}

/** One row of `berth history`, newest first, as podman shows it: the image ID on the newest row only, the layer each entry made. */
export interface HistoryRow {
  /** The image ID on the newest entry, `<missing>` on the others. */
  readonly id: string;
  readonly created: string;
  readonly createdBy: string;
  /** Bytes of the layer this entry made (0 for an empty layer). */
  readonly size: number;
  readonly comment: string;
  /** The image's names, on the newest entry. */
  readonly tags: ReadonlyArray<string>;
}

/** An image's history as `history` lists it: newest first, each entry that made a layer taking the next layer from the top. */
export const historyRows = (image: ImageRecord, manifest: ImageManifest, config: ImageConfig): ReadonlyArray<HistoryRow> => {
  const layers = [...manifest.layers];
  return [...(config.history ?? [])].reverse().map((h, n) => {
    const layer = h.empty_layer === true ? undefined : layers.pop();
    return {
      id: n === 0 ? image.id : "<missing>",
      created: h.created ?? "",
      createdBy: h.created_by ?? "",
      size: layer?.size ?? 0,
      comment: h.comment ?? "",
      tags: n === 0 ? image.names : [],
    };
  });
};

/** podman's `image inspect` JSON for one image. */
export const inspectJson = (i: ImageRecord, state: StoreState, manifest: ImageManifest, config: ImageConfig): ImageDetails => ({
  Id: i.id,
  Digest: i.manifestDigest,
  RepoTags: i.names,
  RepoDigests: repoDigests(i.names, i.digests),
  Parent: parentOf(i, state.images)?.id ?? "",
  Comment: config.history?.[config.history.length - 1]?.comment ?? "",
  Created: i.created,
  Config: config.config ?? {},
  Version: "",
  Author: config.author ?? "",
  Architecture: config.architecture,
  Os: config.os,
  ...(config.variant === undefined ? {} : { Variant: config.variant }),
  Size: i.size,
  VirtualSize: i.size,
  Labels: i.labels,
  Annotations: manifest.annotations ?? {},
  ManifestType: i.manifestMediaType,
  User: config.config?.User ?? "",
  RootFS: { Type: config.rootfs.type, Layers: config.rootfs.diff_ids },
  History: config.history ?? [],
  NamesHistory: i.names,
});

