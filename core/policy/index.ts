/** Signature policy (containers-policy.json(5)): the strict document, scopes, identity matchers and the decision. */
export { parsePolicy, type IdentityMatcher, type KeySource, type Policy, type PolicyError, type Requirement } from "./document.ts";
export {
  evaluate,
  requirementsFor,
  type ApplicableRequirements,
  type Decision,
  type PolicyImage,
  type SignatureEvidence,
  type VerifiedSignature,
} from "./evaluate.ts";
export { identityMatches } from "./identity.ts";
export {
  anyScope,
  cleanAbsolutePath,
  defaultScopeOnly,
  pathScopes,
  pathWithOptionalName,
  repositoryScopes,
  type PolicyTarget,
  type ScopeRule,
  type ScopeRules,
} from "./scopes.ts";
export { parseStrictJson } from "./strict-json.ts";
