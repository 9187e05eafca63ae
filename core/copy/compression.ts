import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../failure.ts";
import { mediaTypes, type Descriptor } from "../manifest/index.ts";

/** The compressions a layer may have on the wire. */
export type LayerCompression = "none" | "gzip" | "zstd";

/** The compressions berth writes. */
export type CompressionFormat = "gzip" | "zstd";

/** What a destination wants done to layers by default: compress uncompressed ones (registries, OCI layouts) or keep them as they are. */
export type DestinationCompression = "compress" | "preserve";

/**
 * What was asked about layer compression (podman's `--compression-format`,
 * `--compression-level`, `--force-compression`; skopeo's `--dest-compress`,
 * `--dest-compress-format`, `--dest-compress-level`, `--dest-decompress`).
 */
export interface CompressionOptions {
  /** The format for layers that are compressed on the way; naming one also recompresses layers compressed otherwise. */
  readonly format?: CompressionFormat;
  readonly level?: number;
  /** Compress even where the destination keeps layers as they are (skopeo `--dest-compress`). */
  readonly compress?: boolean;
  /** Write every layer uncompressed (skopeo `--dest-decompress`). */
  readonly decompress?: boolean;
  /** Recompress layers already compressed with another format, and use no counterpart of another format (podman `--force-compression`). */
  readonly force?: boolean;
}

/** What happens to one layer's bytes on the way. */
export type LayerChange =
  | { readonly action: "compress"; readonly from: LayerCompression; readonly to: CompressionFormat; readonly level?: number }
  | { readonly action: "decompress"; readonly from: CompressionFormat };

/** The levels each format takes (gzip's as zlib's; zstd's as the zstd program's without --ultra). */
export const levelRange: Readonly<Record<CompressionFormat, readonly [number, number]>> = { gzip: [1, 9], zstd: [1, 19] };

/** Whether a media type is a layer berth may recompress: a distributable tar layer of either format (foreign layers stay as they are). */
const layerTypes: Readonly<Record<string, { readonly compression: LayerCompression; readonly format: "oci" | "docker" }>> = {
  [mediaTypes.ociLayer]: { compression: "none", format: "oci" },
  [mediaTypes.ociLayerGzip]: { compression: "gzip", format: "oci" },
  [mediaTypes.ociLayerZstd]: { compression: "zstd", format: "oci" },
  [mediaTypes.dockerLayer]: { compression: "none", format: "docker" },
  [mediaTypes.dockerLayerGzip]: { compression: "gzip", format: "docker" },
};

/** The compression a layer's media type says it has; `undefined` for anything that is not a plain tar layer (configs, artifacts, foreign layers). */
export const compressionOf = (mediaType: string): LayerCompression | undefined => layerTypes[mediaType]?.compression;

/** The layer media type of a compression, in the family (OCI or Docker) of `like`; `undefined` where that family has none (zstd in Docker schema 2). */
export const layerTypeFor = (compression: LayerCompression, like: string): string | undefined => {
  const docker = layerTypes[like]?.format === "docker";
  if (docker) return compression === "none" ? mediaTypes.dockerLayer : compression === "gzip" ? mediaTypes.dockerLayerGzip : undefined;
  return compression === "none" ? mediaTypes.ociLayer : compression === "gzip" ? mediaTypes.ociLayerGzip : mediaTypes.ociLayerZstd;
};

/** Checks a level against its format's range; a level without a format is gzip's. */
export const checkCompression = (options: CompressionOptions): E.Either<Failure, CompressionOptions> => {
  if (options.decompress === true && (options.compress === true || options.format !== undefined || options.force === true)) {
    return E.left(failure("INVALID_ARGUMENT", "decompressing layers cannot be combined with compressing them"));
  }
  if (options.level !== undefined) {
    const [low, high] = levelRange[options.format ?? "gzip"];
    if (!Number.isInteger(options.level) || options.level < low || options.level > high) {
      return E.left(failure("INVALID_ARGUMENT", `compression level ${options.level} is not one ${options.format ?? "gzip"} takes (${low} to ${high})`));
    }
  }
  return E.right(options);
};

/**
 * What happens to a layer's compression, as podman and skopeo decide it: with
 * `decompress`, every compressed layer is decompressed; where the destination
 * compresses (or `compress` asks it), an uncompressed layer is compressed in
 * the asked format (gzip by default), and a layer compressed otherwise is
 * recompressed when a format was named; a layer already in the wanted shape,
 * and anything that is not a plain tar layer, is left alone.
 */
export const layerChange = (layer: Descriptor, wants: DestinationCompression, options: CompressionOptions): LayerChange | undefined => {
  const has = compressionOf(layer.mediaType);
  if (has === undefined) return undefined;
  if (options.decompress === true) return has === "none" ? undefined : { action: "decompress", from: has };
  const compressing = wants === "compress" || options.compress === true || options.format !== undefined;
  if (!compressing) return undefined;
  const to = options.format ?? "gzip";
  const level = options.level === undefined ? {} : { level: options.level };
  if (has === "none") return { action: "compress", from: "none", to, ...level };
  if (has !== to && (options.format !== undefined || options.force === true)) return { action: "compress", from: has, to, ...level };
  return undefined;
};

/** The compression a layer has once a change is made. */
export const compressionAfter = (layer: Descriptor, change: LayerChange | undefined): LayerCompression | undefined =>
  change === undefined ? compressionOf(layer.mediaType) : change.action === "compress" ? change.to : "none";

/** A change in words, for `--dry-run`. */
export const describeChange = (change: LayerChange): string =>
  change.action === "decompress"
    ? `decompress (${change.from})`
    : `${change.from === "none" ? "compress" : `recompress (${change.from}) as`} ${change.to}${change.level === undefined ? "" : ` level ${change.level}`}`;
