import type { ImageConfig, ImageManifest } from "../../core/manifest/index.ts";
import { parentOf, repoDigests, type ImageRecord, type StoreState } from "../../core/store/index.ts";

/** podman's `image inspect` JSON for one image. */
export const inspectJson = (i: ImageRecord, state: StoreState, manifest: ImageManifest, config: ImageConfig) => ({
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

