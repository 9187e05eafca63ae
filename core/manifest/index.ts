/** Image documents: manifests, configs, media types, `--change` instructions and imported images. */
export { applyChanges, type ChangeError } from "./changes.ts";
export { convertManifest, formatOf, goJson, manifestTypeOf, rewriteLayers, type ManifestFormat } from "./convert.ts";
export { descriptor, digestCodec, imageConfig, imageManifest, runConfig, sizeCodec, type Descriptor, type HistoryEntry, type ImageConfig, type ImageManifest, type RunConfig } from "./documents.ts";
export { importedConfig, importedManifest, type ImportFacts } from "./import.ts";
export { mediaTypes } from "./media-types.ts";
export { manifestPayload } from "./signed.ts";
export { choosePlatform, imageIndex, maxManifestBytes, parseManifest, parsePlatform, type ImageIndex, type IndexEntry, type ParsedManifest, type Platform } from "./parse.ts";
