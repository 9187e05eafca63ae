import { isIdentifier, isLowerHexString } from "./grammar.ts";

const stripAlgorithm = (s: string): string => (s.startsWith("sha256:") ? s.slice("sha256:".length) : s);

/**
 * Whether `prefix` names the image whose full ID is `fullId`: a non-empty
 * prefix of its 64 hex digits, with or without `sha256:` on either side.
 * (The seed had these arguments the wrong way round.)
 */
export const matchesId = (fullId: string, prefix: string): boolean => {
  const id = stripAlgorithm(fullId);
  const p = stripAlgorithm(prefix);
  return isIdentifier(id) && isLowerHexString(p) && id.startsWith(p);
};

/** Whether `s` is a full image ID, bare or as `sha256:HEX`. */
export const isFullId = (s: string): boolean => isIdentifier(stripAlgorithm(s));
