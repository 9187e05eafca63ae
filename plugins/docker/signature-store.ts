/** Where a registry image's signatures live (registries.d): reading them for the policy, carrying them along copies, and signing what was pushed. */
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { referenceString, type Reference } from "../../core/reference/index.ts";
import { makePayload, simpleSigningPayloadType } from "../../core/signature/index.ts";
import { storageFor } from "../../core/registries-d/index.ts";
import type { SignedClaim, StoredSignature } from "../../core/signature/index.ts";
import type { HostEnvironment } from "../../adapters/config/environment.ts";
import { splitSignatures, type SignatureSources } from "../../adapters/config/policy.ts";
import { loadRegistriesD } from "../../adapters/config/registries-d.ts";
import type { HttpClient } from "../../adapters/http/client.ts";
import { signSimple } from "../../adapters/signature/gpg.ts";
import { readBase, readLookaside, writeBase, writeLookaside } from "../../adapters/signature/lookaside.ts";
import type { Signer } from "../../adapters/signature/signer.ts";
import { attachSigstoreSignature, putAttachment, readAttachedSignatures } from "./attachments.ts";
import type { RegistryClient } from "./registry.ts";

/** Reading and writing a registry image's signatures where registries.d says they live. */
export interface RegistrySignatureStore {
  /** Whether registries.d enables sigstore attachments for the image. */
  readonly attachments: boolean;
  readonly read: (manifestDigest: string) => Promise<E.Either<Failure, ReadonlyArray<StoredSignature>>>;
  readonly write: (manifestDigest: string, signatures: ReadonlyArray<StoredSignature>) => Promise<E.Either<Failure, void>>;
}

/**
 * The signature store of one registry image, as containers/image keeps it:
 * simple signatures in the lookaside store (staging for writes), sigstore
 * signatures as attachments where registries.d enables them.
 */
export const registrySignatureStore = async (
  host: HostEnvironment,
  reference: Reference,
  client: () => RegistryClient,
  http: HttpClient,
  registriesDir?: string,
): Promise<E.Either<Failure, RegistrySignatureStore>> => {
  const config = await loadRegistriesD(host, registriesDir);
  if (E.isLeft(config)) return config;
  const storage = storageFor(reference)(config.right);
  const attachments = storage?.useSigstoreAttachments === true;
  return E.right({
    attachments,
    read: async (digest) => {
      const base = readBase(host, storage);
      const simple = base === undefined ? E.right([]) : await readLookaside(base, reference, digest, http);
      if (E.isLeft(simple)) return simple;
      const sigstore = attachments ? await readAttachedSignatures(client(), digest) : E.right([]);
      if (E.isLeft(sigstore)) return sigstore;
      return E.right([...simple.right.map((bytes) => ({ kind: "simple" as const, bytes })), ...sigstore.right.map((s) => ({ kind: "sigstore" as const, ...s }))]);
    },
    write: async (digest, signatures) => {
      for (const s of signatures) {
        if (s.kind === "simple") {
          const base = writeBase(host, storage);
          if (base === undefined) return E.left({ code: "UNSUPPORTED", message: "registries.d gives no lookaside-staging or lookaside to write signatures to" });
          const w = await writeLookaside(base, reference, digest, s.bytes);
          if (E.isLeft(w)) return w;
        } else {
          if (!attachments) return E.left({ code: "UNSUPPORTED", message: "cannot store a sigstore signature: use-sigstore-attachments is not enabled in registries.d" });
          const w = await putAttachment(client(), digest, s.payload, s.signature);
          if (E.isLeft(w)) return w;
        }
      }
      return E.right(undefined);
    },
  });
};

/**
 * Where a registry image's signatures are read for the policy: the image's
 * signature store as registries.d places it for the name the policy judges
 * (`logical`); sigstore signatures only where attachments are enabled, so the
 * policy can say so. A broken registries.d is an error.
 */
export const registrySignatureSources = async (
  host: HostEnvironment,
  logical: Reference,
  client: () => RegistryClient,
  registriesDir: string | undefined,
  http: HttpClient,
): Promise<E.Either<Failure, SignatureSources>> => {
  const store = await registrySignatureStore(host, logical, client, http, registriesDir);
  return E.isLeft(store) ? store : E.right(splitSignatures(store.right.read, store.right.attachments));
};

/** Where simple signatures of `destination` are written: registries.d's lookaside-staging or lookaside for it, else the default store. */
export const lookasideWriteBase = async (host: HostEnvironment, destination: Reference, registriesDir: string | undefined): Promise<E.Either<Failure, string>> => {
  const config = await loadRegistriesD(host, registriesDir);
  if (E.isLeft(config)) return config;
  const base = writeBase(host, storageFor(destination)(config.right));
  return base === undefined ? E.left(failure("UNSUPPORTED", `cannot store a signature for ${referenceString(destination)}: registries.d gives it no lookaside-staging or lookaside`)) : E.right(base);
};

/** Signs `claim` with a GPG key and adds the signature to the lookaside store at `base`, under `destination` (file:// only). */
export const signIntoLookaside = async (
  base: string,
  signer: { readonly fingerprint: string; readonly passphraseFile?: string },
  destination: Reference,
  claim: SignedClaim,
): Promise<E.Either<Failure, void>> => {
  const signature = await signSimple(makePayload(simpleSigningPayloadType, claim, "berth", Math.floor(Date.now() / 1000)), signer.fingerprint, signer.passphraseFile);
  if (E.isLeft(signature)) return signature;
  const written = await writeLookaside(base, destination, claim.manifestDigest, signature.right);
  return E.isLeft(written) ? written : E.right(undefined);
};

/** Signs a pushed manifest as `destination` (or the signer's identity), where registries.d lets its signatures be stored. */
export const signPushed = async (
  host: HostEnvironment,
  signer: Signer,
  destination: Reference,
  manifestDigest: string,
  client: () => RegistryClient,
  registriesDir: string | undefined,
): Promise<E.Either<Failure, void>> => {
  const claim = { dockerReference: referenceString(signer.identity ?? destination), manifestDigest };
  if (signer.kind === "gpg") {
    const base = await lookasideWriteBase(host, destination, registriesDir);
    return E.isLeft(base) ? base : signIntoLookaside(base.right, signer, destination, claim);
  }
  const config = await loadRegistriesD(host, registriesDir);
  if (E.isLeft(config)) return config;
  const storage = storageFor(destination)(config.right);
  if (storage?.useSigstoreAttachments !== true) {
    return E.left(failure("UNSUPPORTED", `cannot store a sigstore signature for ${referenceString(destination)}: use-sigstore-attachments is not enabled for it in registries.d`));
  }
  return attachSigstoreSignature(client(), claim, signer.key, Date.now());
};
