import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../failure.ts";
import type { Descriptor, ImageManifest } from "./documents.ts";
import { mediaTypes } from "./media-types.ts";

/** The manifest formats berth writes: OCI, or Docker schema 2 (`v2s2`, as skopeo names it). */
export type ManifestFormat = "oci" | "v2s2";

/** The image manifest media type of a format. */
export const manifestTypeOf = (format: ManifestFormat): string => (format === "oci" ? mediaTypes.ociManifest : mediaTypes.dockerManifest);

/** The format a manifest media type belongs to, if it is an image manifest berth can convert. */
export const formatOf = (mediaType: string): ManifestFormat | undefined =>
  mediaType === mediaTypes.ociManifest ? "oci" : mediaType === mediaTypes.dockerManifest ? "v2s2" : undefined;

// Layer and config types that have a counterpart in the other format. Anything
// else (zstd, artifacts) cannot be expressed there and refuses to convert.
const ociToDocker: Readonly<Record<string, string>> = {
  [mediaTypes.ociConfig]: mediaTypes.dockerConfig,
  [mediaTypes.ociLayerGzip]: mediaTypes.dockerLayerGzip,
  [mediaTypes.ociLayer]: mediaTypes.dockerLayer,
  [mediaTypes.ociForeignLayerGzip]: mediaTypes.dockerForeignLayerGzip,
  [mediaTypes.ociForeignLayer]: mediaTypes.dockerForeignLayer,
};
const dockerToOci: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(ociToDocker).map(([k, v]) => [v, k]));

/**
 * Serialises like Go's encoding/json, so that a converted manifest has the
 * digest containers/image would give it: no spaces, and `<`, `>`, `&`, U+2028
 * and U+2029 escaped.
 */
export const goJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** Types each format has that the other lacks, kept as they are. */
const ownTypes: Readonly<Record<ManifestFormat, ReadonlyArray<string>>> = { oci: [mediaTypes.ociLayerZstd], v2s2: [] };

const convertDescriptor = (d: Descriptor, table: Readonly<Record<string, string>>, to: ManifestFormat, where: string): E.Either<Failure, Descriptor> => {
  const mediaType = table[d.mediaType] ?? (Object.values(table).includes(d.mediaType) || ownTypes[to].includes(d.mediaType) ? d.mediaType : undefined);
  if (mediaType === undefined) {
    return E.left(failure("UNSUPPORTED_MANIFEST", `${where}: a blob of type "${d.mediaType}" cannot be written in a ${to === "oci" ? "OCI" : "Docker schema 2"} manifest`));
  }
  const urls = d.urls === undefined || d.urls.length === 0 ? {} : { urls: d.urls };
  // Field order as containers/image writes each format: Docker puts size before digest.
  return E.right(
    to === "v2s2"
      ? { mediaType, size: d.size, digest: d.digest, ...urls }
      : { mediaType, digest: d.digest, size: d.size, ...urls, ...(d.annotations === undefined || Object.keys(d.annotations).length === 0 ? {} : { annotations: d.annotations }) },
  );
};

/**
 * Rewrites an image manifest in the other format: media types of the manifest,
 * config and layers change; digests of blobs do not (the config and layer
 * bytes are the same in both). Docker schema 2 has no annotations, so they are
 * dropped on the way there. Returns the new bytes, to be hashed by the caller.
 */
export const convertManifest =
  (to: ManifestFormat, where: string) =>
  (manifest: ImageManifest): E.Either<Failure, { readonly mediaType: string; readonly bytes: Uint8Array }> => {
    const table = to === "v2s2" ? ociToDocker : dockerToOci;
    const config = convertDescriptor(manifest.config, table, to, where);
    if (E.isLeft(config)) return config;
    const layers: Descriptor[] = [];
    for (const l of manifest.layers) {
      const c = convertDescriptor(l, table, to, where);
      if (E.isLeft(c)) return c;
      layers.push(c.right);
    }
    const mediaType = manifestTypeOf(to);
    const doc =
      to === "v2s2"
        ? { schemaVersion: 2, mediaType, config: config.right, layers }
        : {
            schemaVersion: 2,
            mediaType,
            config: config.right,
            layers,
            ...(manifest.annotations === undefined || Object.keys(manifest.annotations).length === 0 ? {} : { annotations: manifest.annotations }),
          };
    return E.right({ mediaType, bytes: new TextEncoder().encode(goJson(doc)) });
  };

/**
 * The manifest with its layers replaced (their compression changed on the
 * way), written as `target`: in the same format, every other field of the
 * source document stays as read; in the other, it is converted. A layer keeps
 * its annotations and URLs.
 */
export const rewriteLayers =
  (target: ManifestFormat, where: string, layers: ReadonlyArray<Descriptor>) =>
  (manifest: ImageManifest, bytes: Uint8Array, mediaType: string): E.Either<Failure, { readonly mediaType: string; readonly bytes: Uint8Array }> => {
    if (layers.length !== manifest.layers.length) return E.left(failure("INVALID_MANIFEST", `${where}: ${layers.length} layers to write where the manifest has ${manifest.layers.length}`));
    const merged = manifest.layers.map((l, i) => {
      const n = layers[i] ?? l;
      return { ...l, mediaType: n.mediaType, digest: n.digest, size: n.size };
    });
    if (formatOf(mediaType) !== target) return convertManifest(target, where)({ ...manifest, layers: merged });
    let doc: unknown;
    try {
      doc = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      return E.left(failure("INVALID_MANIFEST", `${where}: the manifest is not JSON`));
    }
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return E.left(failure("INVALID_MANIFEST", `${where}: the manifest is not a JSON object`));
    const original = (doc as { layers?: unknown }).layers;
    const layerDocs = merged.map((l, i) => {
      const was = Array.isArray(original) ? (original[i] as unknown) : undefined;
      const base = typeof was === "object" && was !== null && !Array.isArray(was) ? (was as Record<string, unknown>) : {};
      return target === "v2s2" ? { ...base, mediaType: l.mediaType, size: l.size, digest: l.digest } : { ...base, mediaType: l.mediaType, digest: l.digest, size: l.size };
    });
    return E.right({ mediaType: manifestTypeOf(target), bytes: new TextEncoder().encode(goJson({ ...(doc as Record<string, unknown>), layers: layerDocs })) });
  };
