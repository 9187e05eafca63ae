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

const convertDescriptor = (d: Descriptor, table: Readonly<Record<string, string>>, to: ManifestFormat, where: string): E.Either<Failure, Descriptor> => {
  const mediaType = table[d.mediaType] ?? (Object.values(table).includes(d.mediaType) ? d.mediaType : undefined);
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
