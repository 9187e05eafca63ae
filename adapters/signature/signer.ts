import type { KeyObject } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { referenceString, type Reference } from "../../core/reference/index.ts";
import { storageFor } from "../../core/registries-d/index.ts";
import { makePayload, simpleSigningPayloadType } from "../../core/signature/index.ts";
import type { RegistryClient } from "../../plugins/docker/registry.ts";
import type { HostEnvironment } from "../config/environment.ts";
import { loadRegistriesD } from "../config/registries-d.ts";
import { signSimple } from "./gpg.ts";
import { writeBase, writeLookaside } from "./lookaside.ts";
import { attachSigstoreSignature } from "./sigstore-sign.ts";

/** A key ready to sign (a sigstore key, or a GPG key of the user's keyring), and the identity override if one was given. */
export type Signer = ({ readonly kind: "sigstore"; readonly key: KeyObject } | { readonly kind: "gpg"; readonly fingerprint: string; readonly passphraseFile?: string }) & {
  readonly identity?: Reference;
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
  const config = await loadRegistriesD(host, registriesDir);
  if (E.isLeft(config)) return config;
  const storage = storageFor(destination)(config.right);
  const claim = { dockerReference: referenceString(signer.identity ?? destination), manifestDigest };
  if (signer.kind === "gpg") {
    const base = writeBase(host, storage);
    if (base === undefined) return E.left(failure("UNSUPPORTED", `cannot store a signature for ${referenceString(destination)}: registries.d gives it no lookaside-staging or lookaside`));
    const signature = await signSimple(makePayload(simpleSigningPayloadType, claim, "berth", Math.floor(Date.now() / 1000)), signer.fingerprint, signer.passphraseFile);
    if (E.isLeft(signature)) return signature;
    const written = await writeLookaside(base, destination, manifestDigest, signature.right);
    return E.isLeft(written) ? written : E.right(undefined);
  }
  if (storage?.useSigstoreAttachments !== true) {
    return E.left(failure("UNSUPPORTED", `cannot store a sigstore signature for ${referenceString(destination)}: use-sigstore-attachments is not enabled for it in registries.d`));
  }
  return attachSigstoreSignature(client(), claim, signer.key, Date.now());
};
