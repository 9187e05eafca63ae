import type { Digest } from "../reference/index.ts";
import type { ImageConfig, ImageManifest, RunConfig } from "./documents.ts";
import { mediaTypes } from "./media-types.ts";

/** What `import` knows about the one layer it made and the image around it. */
export interface ImportFacts {
  /** sha256 of the uncompressed tar. */
  readonly diffId: Digest;
  /** The layer blob as stored (berth stores imported layers uncompressed, so digest = diffId). */
  readonly layerDigest: Digest;
  readonly layerSize: number;
  /** RFC 3339, the caller's clock. */
  readonly created: string;
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly config: RunConfig;
  /** `--message`, kept as the history comment. */
  readonly message?: string;
  /** What was imported, for messages (the history does not record it, as podman's does not). */
  readonly source: string;
}

/** The image config of an imported root filesystem: one layer, one history entry. */
export const importedConfig = (f: ImportFacts): ImageConfig => ({
  created: f.created,
  architecture: f.architecture,
  os: f.os,
  ...(f.variant === undefined ? {} : { variant: f.variant }),
  config: f.config,
  rootfs: { type: "layers", diff_ids: [f.diffId] },
  // As podman's import writes it: the layer, not where it came from (a host path is nobody's business), and its comment.
  history: [{ created: f.created, created_by: `/bin/sh -c #(nop) ADD file:${f.diffId.replace(/^sha256:/, "")} in /`, comment: f.message ?? "imported from tarball" }],
});

/** The OCI manifest tying a config blob to the imported layer. */
export const importedManifest = (f: ImportFacts, config: { digest: Digest; size: number }): ImageManifest => ({
  schemaVersion: 2,
  mediaType: mediaTypes.ociManifest,
  config: { mediaType: mediaTypes.ociConfig, digest: config.digest, size: config.size },
  layers: [{ mediaType: mediaTypes.ociLayer, digest: f.layerDigest, size: f.layerSize }],
});
