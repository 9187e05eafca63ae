/** Image references: grammar, normalisation, digests and image IDs. */
export { digestAlgorithm, digestAlgorithms, digestHex, parseDigest, type Digest, type DigestAlgorithm } from "./digest.ts";
export type { ReferenceError, ReferenceErrorReason } from "./error.ts";
export { isTag } from "./grammar.ts";
export { isFullId, matchesId } from "./id.ts";
export { isNameOnly, referenceString, repositoryName, tagNameOnly, trimmedName, type Reference } from "./model.ts";
export {
  defaultDomain,
  defaultTag,
  familiarName,
  familiarString,
  legacyDefaultDomain,
  officialRepoPrefix,
  parseNormalizedNamed,
} from "./normalize.ts";
export { nameTotalLengthMax, parseReference } from "./parse.ts";
