import * as E from "fp-ts/lib/Either.js";
import { isNameOnly, parseNormalizedNamed, referenceString, repositoryName, type Reference } from "../reference/index.ts";
import type { IdentityMatcher } from "./document.ts";

const parsed = (text: string): Reference | undefined => {
  const r = parseNormalizedNamed(text);
  return E.isRight(r) ? r.right : undefined;
};

const exact = (image: Reference, signed: Reference): boolean => !isNameOnly(image) && !isNameOnly(signed) && referenceString(image) === referenceString(signed);
const sameRepository = (a: Reference, b: Reference): boolean => repositoryName(a) === repositoryName(b);
const repoDigestOrExact = (image: Reference, signed: Reference): boolean =>
  image.digest !== undefined ? sameRepository(image, signed) : image.tag !== undefined && exact(image, signed);

/**
 * Whether `prefix` is a prefix of the reference's fully expanded form at a
 * boundary: the whole name, or followed by `/`, `:` or `@`.
 */
const startsWithPrefix = (full: string, prefix: string): boolean =>
  full === prefix || (full.startsWith(prefix) && ["/", ":", "@"].includes(full.charAt(prefix.length)));

/**
 * Whether a signature claiming identity `signed` satisfies `matcher` for an
 * image known as `image` (undefined when its transport has no registry name,
 * e.g. `dir:`; then only the matchers that name an identity themselves can pass).
 * A signed identity that is not a valid reference never matches.
 */
export const identityMatches =
  (matcher: IdentityMatcher) =>
  (image: Reference | undefined, signed: string): boolean => {
    const claimed = parsed(signed);
    if (claimed === undefined) return false;
    switch (matcher.type) {
      case "matchExact":
        return image !== undefined && exact(image, claimed);
      case "matchRepoDigestOrExact":
        return image !== undefined && repoDigestOrExact(image, claimed);
      case "matchRepository":
        return image !== undefined && sameRepository(image, claimed);
      case "exactReference": {
        const want = parsed(matcher.dockerReference);
        return want !== undefined && exact(want, claimed);
      }
      case "exactRepository": {
        const want = parsed(matcher.dockerRepository);
        return want !== undefined && sameRepository(want, claimed);
      }
      case "remapIdentity": {
        if (image === undefined) return false;
        const full = referenceString(image);
        const remapped = startsWithPrefix(full, matcher.prefix) ? parsed(matcher.signedPrefix + full.slice(matcher.prefix.length)) : image;
        return remapped !== undefined && repoDigestOrExact(remapped, claimed);
      }
    }
  };
