import * as E from "fp-ts/lib/Either.js";
import { referenceError, type ReferenceError } from "./error.ts";
import { isDigestShape, isLowerHexString } from "./grammar.ts";

/** The digest algorithms berth can compute and verify, with their hex lengths. */
export const digestAlgorithms = { sha256: 64, sha384: 96, sha512: 128 } as const;

/** A supported digest algorithm name. */
export type DigestAlgorithm = keyof typeof digestAlgorithms;

declare const digestBrand: unique symbol;

/**
 * A validated content digest, `algorithm:hex`, with a supported algorithm and
 * lowercase hex of the right length. Only {@link parseDigest} makes one, so a
 * `Digest` is always safe to use as a path segment or in a URL.
 */
export type Digest = string & { readonly [digestBrand]: true };

const isSupported = (a: string): a is DigestAlgorithm => Object.hasOwn(digestAlgorithms, a);

/**
 * Validates a digest string as go-digest does: a malformed string is
 * `invalid checksum digest format`, an unknown but well-formed algorithm is
 * `unsupported digest algorithm`, a wrong hex length is
 * `invalid checksum digest length`.
 */
export const parseDigest = (s: string): E.Either<ReferenceError, Digest> => {
  const colon = s.indexOf(":");
  if (colon <= 0 || colon + 1 === s.length) return E.left(referenceError("digest-invalid-format", s));
  const algorithm = s.slice(0, colon);
  const encoded = s.slice(colon + 1);
  if (!isSupported(algorithm)) {
    return E.left(referenceError(isDigestShape(s) ? "digest-unsupported" : "digest-invalid-format", s));
  }
  if (encoded.length !== digestAlgorithms[algorithm]) return E.left(referenceError("digest-invalid-length", s));
  return isLowerHexString(encoded) ? E.right(s as Digest) : E.left(referenceError("digest-invalid-format", s));
};

/** The algorithm part of a digest. */
export const digestAlgorithm = (d: Digest): DigestAlgorithm => d.slice(0, d.indexOf(":")) as DigestAlgorithm;

/** The hex part of a digest. */
export const digestHex = (d: Digest): string => d.slice(d.indexOf(":") + 1);
