/** Sigstore signatures as registry attachments (the `sha256-HEX.sig` manifest beside an image), as containers/image and cosign keep them. */
import { sign, type KeyObject } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { imageManifest, mediaTypes, parseManifest, type Descriptor } from "../../core/manifest/index.ts";
import { decodeDocument } from "../../core/codec.ts";
import { makePayload, sigstorePayloadType, type SignedClaim } from "../../core/signature/index.ts";
import type { RegistryClient } from "./registry.ts";
import { sha256Digest } from "../../adapters/store/hash.ts";
import type { SigstoreSignature } from "../../adapters/signature/sigstore.ts";

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
  const payloadDigest = sha256Digest(payload);
  if (!layers.some((l) => l.digest === payloadDigest)) layers.push({ mediaType: sigstorePayloadMediaType, digest: payloadDigest, size: payload.byteLength, annotations: { [signatureAnnotation]: signature } });
  const config = new TextEncoder().encode(
    JSON.stringify({ architecture: "", os: "", config: {}, rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) } }),
  );
  for (const [bytes, digest] of [
    [payload, payloadDigest],
    [config, sha256Digest(config)],
  ] as const) {
    const put = await client.putBlob(digest, bytes.byteLength, once(bytes));
    if (E.isLeft(put)) return put;
  }
  const manifest = new TextEncoder().encode(
    JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.ociManifest, config: { mediaType: mediaTypes.ociConfig, size: config.byteLength, digest: sha256Digest(config) }, layers }),
  );
  const put = await client.putManifest(tag, manifest, mediaTypes.ociManifest);
  return E.isLeft(put) ? E.left(failure(put.left.code, `storing the signature: ${put.left.message}`)) : E.right(undefined);
};
