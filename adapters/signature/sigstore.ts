import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import type { KeySource, SignatureEvidence } from "../../core/policy/index.ts";
import { parsePayload, sigstorePayloadType } from "../../core/signature/index.ts";

/** One sigstore signature as stored: the payload bytes and the base64 signature over them. */
export interface SigstoreSignature {
  readonly payload: Uint8Array;
  readonly signature: string;
}

/** The public keys a requirement names: PEM files, or base64 of PEM in the policy itself. */
export const loadPublicKeys = async (keys: KeySource): Promise<E.Either<Failure, KeyObject[]>> => {
  const out: KeyObject[] = [];
  const texts = keys.kind === "paths" ? keys.paths : keys.data;
  for (const item of texts) {
    let pem: string;
    try {
      pem = keys.kind === "paths" ? await readFile(item, "utf8") : Buffer.from(item, "base64").toString("utf8");
    } catch (e) {
      return E.left(failure("INVALID_CONFIG", `${item}: ${(e as Error).message}`));
    }
    try {
      out.push(createPublicKey(pem));
    } catch (e) {
      return E.left(failure("INVALID_CONFIG", `${keys.kind === "paths" ? item : "keyData"}: not a public key: ${(e as Error).message}`));
    }
  }
  return E.right(out);
};

/**
 * Checks signatures against a requirement's keys: each must verify with one
 * of them (ECDSA or Ed25519, as cosign makes them) and carry a valid payload;
 * what verified is returned with its claim, the rest with the reason.
 */
export const verifySigstore = (keys: ReadonlyArray<KeyObject>, signatures: ReadonlyArray<SigstoreSignature>): SignatureEvidence => {
  const verified: { dockerReference: string; manifestDigest: string }[] = [];
  const refused: string[] = [];
  for (const s of signatures) {
    const raw = Buffer.from(s.signature, "base64");
    const ok = keys.some((k) => {
      try {
        return verify(k.asymmetricKeyType === "ed25519" ? null : "sha256", s.payload, k, raw);
      } catch {
        return false;
      }
    });
    if (!ok) {
      refused.push("a signature does not verify with the trusted keys");
      continue;
    }
    const claim = parsePayload(sigstorePayloadType)(s.payload);
    if (E.isLeft(claim)) refused.push(claim.left.message);
    else verified.push(claim.right);
  }
  return { verified, refused };
};
