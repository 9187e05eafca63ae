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

