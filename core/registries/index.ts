/** registries.conf: the model, validation, merging, prefix matching, pull sources, short names and local lookup. */
export { decodeRegistriesDocument, type DecodedRegistries, type MirrorDocument, type RegistriesDocument, type RegistryDocument, type V1List } from "./document.ts";
export { configError, type RegistriesConfigError } from "./errors.ts";
export { registriesFragment } from "./fragment.ts";
export { findLocalImage, localLookupOrder, type LocalImage, type LocalLookupError, type LocalLookupPlan } from "./local-lookup.ts";
export { findRegistry, prefixMatchLength } from "./match.ts";
export { mergeFragment, mergeRegistriesConfig } from "./merge.ts";
export {
  emptyRegistriesConfig,
  type Alias,
  type Mirror,
  type PullFromMirror,
  type RegistriesConfig,
  type RegistriesFragment,
  type RegistryEntry,
  type ShortNameMode,
} from "./model.ts";
export {
  chooseCandidate,
  hasRegistry,
  resolveShortName,
  type AliasCache,
  type Candidate,
  type CandidateOrigin,
  type ResolutionContext,
  type ResolutionError,
  type ResolutionPlan,
} from "./short-names.ts";
export { pullSources, type PullSource, type PullSourceError } from "./sources.ts";
export { decodeAliasCache, loadRegistriesConfig, type LoadedRegistries, type SourceDocument } from "./load.ts";
