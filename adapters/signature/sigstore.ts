import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import type { KeySource, SignatureEvidence } from "../../core/policy/index.ts";
import { parsePayload, sigstorePayloadType } from "../../core/signature/index.ts";
import { parseManifest } from "../../core/manifest/index.ts";
import type { RegistryClient } from "../../plugins/docker/registry.ts";
import { sha256Digest } from "../store/hash.ts";

/** One sigstore signature as stored: the payload bytes and the base64 signature over them. */
export interface SigstoreSignature {
  readonly payload: Uint8Array;
  readonly signature: string;
}

/** The annotation on an attachment layer that holds the signature. */
export const signatureAnnotation = "dev.cosignproject.cosign/signature";
/** The media type of a sigstore signature payload layer. */
export const sigstorePayloadMediaType = "application/vnd.dev.cosign.simplesigning.v1+json";

/** The tag under which sigstore keeps the signatures of a manifest: `sha256-HEX.sig`. */
export const attachmentTag = (manifestDigest: string): string => `${manifestDigest.replace(":", "-")}.sig`;

const maxPayload = 4 * 1024 * 1024;

const collect = async (stream: AsyncIterable<Uint8Array>, cap: number): Promise<Uint8Array | undefined> => {
  const chunks: Uint8Array[] = [];
  let n = 0;
  for await (const c of stream) {
    n += c.byteLength;
    if (n > cap) return undefined;
    chunks.push(c);
  }
  return new Uint8Array(Buffer.concat(chunks));
};

/**
 * The sigstore signatures attached to a manifest in its repository (the
 * `sha256-HEX.sig` manifest; none when that tag does not exist). Each
 * payload's bytes are checked against the digest the attachment names.
 */
export const readAttachedSignatures = async (client: RegistryClient, manifestDigest: string): Promise<E.Either<Failure, SigstoreSignature[]>> => {
  const m = await client.getManifest(attachmentTag(manifestDigest));
  if (E.isLeft(m)) return m.left.code === "NOT_FOUND" ? E.right([]) : m;
  // The attachment is a manifest from the registry: its digests pass the codec before any reaches a URL.
  const doc = parseManifest(m.right.bytes, m.right.mediaType, attachmentTag(manifestDigest));
  if (E.isLeft(doc)) return E.left(failure("INVALID_SIGNATURE", doc.left.message));
  if (doc.right.kind !== "image") return E.left(failure("INVALID_SIGNATURE", `${attachmentTag(manifestDigest)}: not an image manifest`));
  const out: SigstoreSignature[] = [];
  for (const layer of doc.right.manifest.layers) {
    const signature = layer.annotations?.[signatureAnnotation];
    if (layer.mediaType !== sigstorePayloadMediaType || signature === undefined) continue;
    if (layer.size > maxPayload) return E.left(failure("INVALID_SIGNATURE", `${layer.digest}: a signature payload larger than ${maxPayload} bytes`));
    const blob = await client.getBlob(layer.digest);
    if (E.isLeft(blob)) return blob;
    const payload = await collect(blob.right, maxPayload);
    if (payload === undefined) return E.left(failure("INVALID_SIGNATURE", `${layer.digest}: a signature payload larger than ${maxPayload} bytes`));
    const got = sha256Digest(payload);
    if (got !== layer.digest) return E.left(failure("DIGEST_MISMATCH", `signature payload ${layer.digest} has content with digest ${got}`));
    out.push({ payload, signature });
  }
  return E.right(out);
};

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
