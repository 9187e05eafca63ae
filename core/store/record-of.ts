import type { ImageConfig, ImageManifest } from "../manifest/index.ts";
import type { ImageRecord } from "./records.ts";

/** What the store knows when it writes an image. */
export interface WrittenImage {
  readonly manifest: ImageManifest;
  readonly manifestDigest: string;
  readonly manifestMediaType: string;
  readonly manifestSize: number;
  readonly config: ImageConfig;
  readonly configDigest: string;
  readonly names: ReadonlyArray<string>;
}

/**
 * The record listing needs, computed once from the image's documents.
 * `digestOf` names each history entry by a digest of its JSON (the adapter has the hash).
 */
export const imageRecordOf = (w: WrittenImage, digestOf: (text: string) => string): ImageRecord => ({
  id: w.configDigest.replace(/^sha256:/, ""),
  names: [...w.names],
  manifestDigest: w.manifestDigest,
  manifestMediaType: w.manifestMediaType,
  manifestSize: w.manifestSize,
  digests: [w.manifestDigest],
  created: w.config.created ?? "",
  size: w.manifestSize + w.manifest.config.size + w.manifest.layers.reduce((n, l) => n + l.size, 0),
  labels: { ...(w.config.config?.Labels ?? {}) },
  os: w.config.os,
  architecture: w.config.architecture,
  ...(w.config.variant === undefined ? {} : { variant: w.config.variant }),
  diffIds: [...w.config.rootfs.diff_ids],
  history: (w.config.history ?? []).map((h) => digestOf(JSON.stringify(h))),
  blobs: [w.manifestDigest, w.manifest.config.digest, ...w.manifest.layers.map((l) => l.digest)],
});

/** Blobs nothing uses any more (`inUse`: what the records that stay keep alive, see `blobsInUse`), among those `removed` used. */
export const orphanedBlobs = (removed: ReadonlyArray<ImageRecord>, inUse: ReadonlySet<string>): ReadonlyArray<string> =>
  [...new Set(removed.flatMap((i) => i.blobs))].filter((b) => !inUse.has(b));
