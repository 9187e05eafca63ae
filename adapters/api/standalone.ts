/**
 * skopeo's standalone signing: a simple-signing (GPG) signature of a manifest
 * file for an image name, made or checked without any registry or store.
 */
import { writeFile } from "node:fs/promises";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { manifestPayload, maxManifestBytes } from "../../core/manifest/index.ts";
import { parseNormalizedNamed, referenceString } from "../../core/reference/index.ts";
import { makePayload, parsePayload, simpleSigningPayloadType } from "../../core/signature/index.ts";
import { readSmallFile } from "../fs/small-file.ts";
import { signSimple, verifyWithUserKeyring } from "../signature/gpg.ts";
import { sha256Digest } from "../store/hash.ts";

/** The digest of the manifest in `file`, as skopeo computes it. */
export const manifestFileDigest = async (file: string): Promise<E.Either<Failure, string>> => {
  const bytes = await readSmallFile(file, maxManifestBytes, "manifest");
  if (E.isLeft(bytes)) return bytes;
  const payload = manifestPayload(bytes.right);
  return E.isLeft(payload) ? E.left(failure(payload.left.code, `${file}: ${payload.left.message}`)) : E.right(sha256Digest(payload.right));
};

/** A fully qualified name, as a signature claims it (`docker.io/library/x:1`), or why it is not one. */
const signedIdentity = (name: string): E.Either<Failure, string> => {
  const r = parseNormalizedNamed(name);
  return E.isLeft(r) ? E.left(failure("INVALID_REFERENCE", `"${name}": ${r.left.message}`)) : E.right(referenceString(r.right));
};

/** `skopeo standalone-sign`: signs the manifest in `manifestFile` for `name` with the GPG key `fingerprint`, into `output`. */
export const standaloneSign = async (manifestFile: string, name: string, fingerprint: string, output: string, passphraseFile?: string): Promise<E.Either<Failure, void>> => {
  const identity = signedIdentity(name);
  if (E.isLeft(identity)) return identity;
  const digest = await manifestFileDigest(manifestFile);
  if (E.isLeft(digest)) return digest;
  const signature = await signSimple(makePayload(simpleSigningPayloadType, { dockerReference: identity.right, manifestDigest: digest.right }, "berth", Math.floor(Date.now() / 1000)), fingerprint, passphraseFile);
  if (E.isLeft(signature)) return signature;
  try {
    await writeFile(output, signature.right);
    return E.right(undefined);
  } catch (e) {
    return E.left(failure("SIGNATURE_WRITE", `writing the signature to ${output}: ${(e as Error).message.split("\n")[0] ?? ""}`));
  }
};

/** What `standaloneVerify` found: the key that signed, and the manifest digest it vouches for. */
export interface StandaloneVerified {
  readonly fingerprint: string;
  readonly digest: string;
}

/**
 * `skopeo standalone-verify`: the signature in `signatureFile` must verify
 * with the user's keyring, by one of `fingerprints`, for `name` and for the
 * manifest in `manifestFile`.
 */
export const standaloneVerify = async (manifestFile: string, name: string, fingerprints: ReadonlyArray<string>, signatureFile: string): Promise<E.Either<Failure, StandaloneVerified>> => {
  const identity = signedIdentity(name);
  if (E.isLeft(identity)) return identity;
  const digest = await manifestFileDigest(manifestFile);
  if (E.isLeft(digest)) return digest;
  const signature = await readSmallFile(signatureFile, 4 * 1024 * 1024, "signature");
  if (E.isLeft(signature)) return signature;
  const verified = await verifyWithUserKeyring(signature.right);
  if (E.isLeft(verified)) return verified;
  const wanted = fingerprints.map((f) => f.toUpperCase());
  if (!wanted.includes(verified.right.fingerprint.toUpperCase())) {
    return E.left(failure("INVALID_SIGNATURE", `signature by key ${verified.right.fingerprint} does not match expected fingerprints ${fingerprints.join(", ")}`));
  }
  const claim = parsePayload(simpleSigningPayloadType)(verified.right.payload);
  if (E.isLeft(claim)) return claim;
  if (claim.right.manifestDigest !== digest.right) return E.left(failure("INVALID_SIGNATURE", `the signature is for manifest ${claim.right.manifestDigest}, not ${digest.right}`));
  const claimed = signedIdentity(claim.right.dockerReference);
  if (E.isLeft(claimed) || claimed.right !== identity.right) return E.left(failure("INVALID_SIGNATURE", `the signature is for ${claim.right.dockerReference}, not ${name}`));
  return E.right({ fingerprint: verified.right.fingerprint, digest: digest.right });
};
