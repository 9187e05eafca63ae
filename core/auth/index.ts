/** Registry credentials: the auth-file model, lookup, editing and file locations. */
export { authDocument, decodeAuthFile, type AuthDocument, type AuthEntry, type AuthFields, type AuthFile, type AuthFileLocation } from "./document.ts";
export { removeAllCredentials, removeCredentials, setCredentials } from "./edit.ts";
export { lookupKeys, normalizeAuthKey, normalizeRegistry, registryOf, sameRegistry } from "./keys.ts";
export {
  findCredentials,
  isCredentialProblem,
  type CredentialProblem,
  type CredentialSource,
  type HelperCredentials,
  type InlineCredentials,
} from "./lookup.ts";
export { authFileSearchPath, primaryAuthFile, type AuthEnvironment } from "./paths.ts";
export { parseChallenges, repositoryScope, type Challenge } from "./challenge.ts";
