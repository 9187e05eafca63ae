import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../failure.ts";
import { parseStrictJson } from "../policy/strict-json.ts";
import { printable } from "../text.ts";

/** What a signature's payload claims: the image identity and the manifest digest it vouches for. */
export interface SignedClaim {
  readonly dockerReference: string;
  readonly manifestDigest: string;
}

/** A payload that is not a valid signature claim. */
export type PayloadError = Failure<"INVALID_SIGNATURE">;

/** The `critical.type` of sigstore (cosign) payloads. */
export const sigstorePayloadType = "cosign container image signature";
/** The `critical.type` of GPG simple-signing payloads. */
export const simpleSigningPayloadType = "atomic container signature";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const onlyKeys = (v: Record<string, unknown>, keys: ReadonlyArray<string>, where: string): string | undefined => {
  const extra = Object.keys(v).find((k) => !keys.includes(k));
  return extra === undefined ? undefined : `${where}: unknown field "${printable(extra)}"`;
};

/**
 * Reads a signature payload (containers-signature(5), the same JSON shape for
 * simple signing and sigstore), strictly: `critical` must hold exactly
 * `type`, `image.docker-manifest-digest` and `identity.docker-reference`,
 * with the type expected; `optional` may hold anything.
 */
export const parsePayload =
  (expectedType: string) =>
  (bytes: Uint8Array): E.Either<PayloadError, SignedClaim> => {
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return E.left(failure("INVALID_SIGNATURE", "signature payload is not UTF-8"));
    }
    const doc = parseStrictJson("signature payload")(text);
    if (E.isLeft(doc)) return E.left(failure("INVALID_SIGNATURE", doc.left.message));
    const bad = (why: string) => E.left(failure("INVALID_SIGNATURE", `signature payload: ${why}`));
    const top = doc.right;
    if (!isObject(top) || !isObject(top["critical"])) return bad("no critical section");
    const topExtra = onlyKeys(top, ["critical", "optional"], "payload");
    if (topExtra !== undefined) return bad(topExtra);
    const critical = top["critical"];
    const criticalExtra = onlyKeys(critical, ["type", "image", "identity"], "critical");
    if (criticalExtra !== undefined) return bad(criticalExtra);
    if (critical["type"] !== expectedType) return bad(`type is "${printable(String(critical["type"]))}", not "${expectedType}"`);
    const image = critical["image"];
    const identity = critical["identity"];
    if (!isObject(image) || typeof image["docker-manifest-digest"] !== "string") return bad("no critical.image.docker-manifest-digest");
    if (!isObject(identity) || typeof identity["docker-reference"] !== "string") return bad("no critical.identity.docker-reference");
    const imageExtra = onlyKeys(image, ["docker-manifest-digest"], "critical.image");
    if (imageExtra !== undefined) return bad(imageExtra);
    const identityExtra = onlyKeys(identity, ["docker-reference"], "critical.identity");
    if (identityExtra !== undefined) return bad(identityExtra);
    return E.right({ dockerReference: identity["docker-reference"], manifestDigest: image["docker-manifest-digest"] });
  };

/**
 * A payload claiming `claim`, in the layout containers/image writes (so a
 * signature berth makes is what skopeo would make): `critical` then `optional`.
 */
export const makePayload = (type: string, claim: SignedClaim, creator: string, timestamp: number): Uint8Array =>
  new TextEncoder().encode(
    JSON.stringify({
      critical: { identity: { "docker-reference": claim.dockerReference }, image: { "docker-manifest-digest": claim.manifestDigest }, type },
      optional: { creator, timestamp },
    }),
  );
