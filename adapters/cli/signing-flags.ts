import type { KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { parseNormalizedNamed, referenceString, type Reference } from "../../core/reference/index.ts";
import { storageFor } from "../../core/registries-d/index.ts";
import type { RegistryClient } from "../../plugins/docker/registry.ts";
import type { HostEnvironment } from "../config/environment.ts";
import { loadRegistriesD } from "../config/registries-d.ts";
import { attachSigstoreSignature } from "../signature/sigstore-sign.ts";
import { openSigstoreKey } from "../signature/sigstore-keys.ts";
import { stringOption } from "./args.ts";

/** The flags of the commands that write to a registry and can sign what they wrote. */
export const signingFlags = {
  "sign-by": { type: "string" },
  "sign-by-sigstore-private-key": { type: "string" },
  "sign-passphrase-file": { type: "string" },
  "sign-identity": { type: "string" },
  "remove-signatures": { type: "boolean" },
} as const;

/** Their help lines. */
export const signingHelp = `      --sign-by-sigstore-private-key PATH   Sign what was pushed with this sigstore key (registries.d must enable use-sigstore-attachments)
      --sign-passphrase-file PATH           The key's passphrase (first line)
      --sign-identity REF                   The identity to sign (default: the destination's name)
      --remove-signatures                   Do not copy signatures (berth copies none yet)
`;

/** A key ready to sign, and the identity override if one was given. */
export interface Signer {
  readonly key: KeyObject;
  readonly identity?: Reference;
}

/** Reads the signing flags: nothing to sign, a signer, or why not (before anything is copied). */
export const signerFromFlags = async (values: Readonly<Record<string, unknown>>): Promise<E.Either<Failure, Signer | undefined>> => {
  if (stringOption(values, "sign-by") !== undefined) return E.left(failure("UNSUPPORTED", "--sign-by (GPG simple signing) is not supported by berth yet; use --sign-by-sigstore-private-key"));
  const keyPath = stringOption(values, "sign-by-sigstore-private-key");
  if (keyPath === undefined) return E.right(undefined);
  const passFile = stringOption(values, "sign-passphrase-file");
  if (passFile === undefined) return E.left(failure("UNSUPPORTED", "--sign-by-sigstore-private-key needs --sign-passphrase-file"));
  const [keyText, passText] = await Promise.all([readFile(keyPath, "utf8").catch(() => undefined), readFile(passFile, "utf8").catch(() => undefined)]);
  if (keyText === undefined) return E.left(failure("CONFIG_NOT_FOUND", `${keyPath}: cannot read the private key`));
  if (passText === undefined) return E.left(failure("CONFIG_NOT_FOUND", `${passFile}: cannot read the passphrase file`));
  const key = await openSigstoreKey(keyText, new TextEncoder().encode(passText.split("\n")[0] ?? ""), keyPath);
  if (E.isLeft(key)) return key;
  const identityText = stringOption(values, "sign-identity");
  if (identityText === undefined) return E.right({ key: key.right });
  const identity = parseNormalizedNamed(identityText);
  if (E.isLeft(identity) || (identity.right.tag === undefined && identity.right.digest === undefined)) {
    return E.left(failure("INVALID_REFERENCE", `--sign-identity "${identityText}": must be a full reference with a tag or digest`));
  }
  return E.right({ key: key.right, identity: identity.right });
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
  if (storageFor(destination)(config.right)?.useSigstoreAttachments !== true) {
    return E.left(failure("UNSUPPORTED", `cannot store a sigstore signature for ${referenceString(destination)}: use-sigstore-attachments is not enabled for it in registries.d`));
  }
  return attachSigstoreSignature(client(), { dockerReference: referenceString(signer.identity ?? destination), manifestDigest }, signer.key, Date.now());
};
