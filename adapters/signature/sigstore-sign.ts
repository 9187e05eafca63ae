import { sign, type KeyObject } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { imageManifest, mediaTypes, type Descriptor } from "../../core/manifest/index.ts";
import { decodeDocument } from "../../core/codec.ts";
import { makePayload, sigstorePayloadType, type SignedClaim } from "../../core/signature/index.ts";
import type { RegistryClient } from "../../plugins/docker/registry.ts";
import { sha256Digest as sha256 } from "../store/hash.ts";
import { attachmentTag, signatureAnnotation, sigstorePayloadMediaType } from "./sigstore.ts";

const once = (b: Uint8Array) =>
  async function* (): AsyncIterable<Uint8Array> {
    yield b;
  };

type Layer = Descriptor;

/**
 * Signs `claim` with a sigstore private key and attaches the signature to the
 * manifest in the repository `client` talks to, as containers/image does: a
 * payload blob annotated with the signature, listed in the `sha256-HEX.sig`
 * manifest next to the signatures already there.
 */
export const attachSigstoreSignature = async (client: RegistryClient, claim: SignedClaim, key: KeyObject, now: number): Promise<E.Either<Failure, void>> => {
  const payload = makePayload(sigstorePayloadType, claim, "berth", Math.floor(now / 1000));
  const signature = sign(key.asymmetricKeyType === "ed25519" ? null : "sha256", payload, key).toString("base64");
  return putAttachment(client, claim.manifestDigest, payload, signature);
};

/** Adds one signed payload to the `sha256-HEX.sig` attachment of a manifest, keeping those already there. */
export const putAttachment = async (client: RegistryClient, manifestDigest: string, payload: Uint8Array, signature: string): Promise<E.Either<Failure, void>> => {
  const tag = attachmentTag(manifestDigest);
  const layers: Layer[] = [];
  const existing = await client.getManifest(tag);
  if (E.isRight(existing)) {
    // An unreadable attachment is replaced by ours alone; layers are kept only as the manifest codec checks them.
    try {
      const doc = decodeDocument(imageManifest, tag)(JSON.parse(new TextDecoder().decode(existing.right.bytes)));
      if (E.isRight(doc)) layers.push(...doc.right.layers);
    } catch {
      // not JSON
    }
  } else if (existing.left.code !== "NOT_FOUND") return existing;
  const payloadDigest = sha256(payload);
  if (!layers.some((l) => l.digest === payloadDigest)) layers.push({ mediaType: sigstorePayloadMediaType, digest: payloadDigest, size: payload.byteLength, annotations: { [signatureAnnotation]: signature } });
  const config = new TextEncoder().encode(
    JSON.stringify({ architecture: "", os: "", config: {}, rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) } }),
  );
  for (const [bytes, digest] of [
    [payload, payloadDigest],
    [config, sha256(config)],
  ] as const) {
    const put = await client.putBlob(digest, bytes.byteLength, once(bytes));
    if (E.isLeft(put)) return put;
  }
  const manifest = new TextEncoder().encode(
    JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.ociManifest, config: { mediaType: mediaTypes.ociConfig, size: config.byteLength, digest: sha256(config) }, layers }),
  );
  const put = await client.putManifest(tag, manifest, mediaTypes.ociManifest);
  return E.isLeft(put) ? E.left(failure(put.left.code, `storing the signature: ${put.left.message}`)) : E.right(undefined);
};
