import { readFile } from "node:fs/promises";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { parseNormalizedNamed } from "../../core/reference/index.ts";
import type { HostEnvironment } from "../config/environment.ts";
import type { LoadedPolicy } from "../config/policy.ts";
import type { Signer } from "../signature/signer.ts";
import { policyFromFlags } from "./policy-flags.ts";
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
export const signingHelp = `      --sign-by FINGERPRINT                 Sign what was pushed with this GPG key (keyring from GNUPGHOME), into the lookaside store
      --sign-by-sigstore-private-key PATH   Sign what was pushed with this sigstore key (registries.d must enable use-sigstore-attachments)
      --sign-passphrase-file PATH           The key's passphrase (first line; for GPG, the whole file)
      --sign-identity REF                   The identity to sign (default: the destination's name)
      --remove-signatures                   Do not copy signatures (berth copies none yet)
`;

/** The signature policy and the signer a copying command's flags choose, read before anything is copied. */
export const policyAndSigner = async (host: HostEnvironment, values: Readonly<Record<string, unknown>>): Promise<E.Either<Failure, { policy: LoadedPolicy; signer: Signer | undefined }>> => {
  const policy = await policyFromFlags(host, values);
  if (E.isLeft(policy)) return policy;
  const signer = await signerFromFlags(values);
  return E.isLeft(signer) ? signer : E.right({ policy: policy.right, signer: signer.right });
};

/** Reads the signing flags: nothing to sign, a signer, or why not (before anything is copied). */
export const signerFromFlags = async (values: Readonly<Record<string, unknown>>): Promise<E.Either<Failure, Signer | undefined>> => {
  const identityText = stringOption(values, "sign-identity");
  const identity = identityText === undefined ? undefined : parseNormalizedNamed(identityText);
  if (identity !== undefined && (E.isLeft(identity) || (identity.right.tag === undefined && identity.right.digest === undefined))) {
    return E.left(failure("INVALID_REFERENCE", `--sign-identity "${identityText ?? ""}": must be a full reference with a tag or digest`));
  }
  const withIdentity = identity === undefined || E.isLeft(identity) ? {} : { identity: identity.right };
  const fingerprint = stringOption(values, "sign-by");
  const keyPath = stringOption(values, "sign-by-sigstore-private-key");
  const passFile = stringOption(values, "sign-passphrase-file");
  if (fingerprint !== undefined && keyPath !== undefined) return E.left(failure("UNSUPPORTED", "give only one of --sign-by and --sign-by-sigstore-private-key"));
  if (fingerprint !== undefined) return E.right({ kind: "gpg", fingerprint, ...(passFile === undefined ? {} : { passphraseFile: passFile }), ...withIdentity });
  if (keyPath === undefined) return E.right(undefined);
  if (passFile === undefined) return E.left(failure("UNSUPPORTED", "--sign-by-sigstore-private-key needs --sign-passphrase-file"));
  const [keyText, passText] = await Promise.all([readFile(keyPath, "utf8").catch(() => undefined), readFile(passFile, "utf8").catch(() => undefined)]);
  if (keyText === undefined) return E.left(failure("CONFIG_NOT_FOUND", `${keyPath}: cannot read the private key`));
  if (passText === undefined) return E.left(failure("CONFIG_NOT_FOUND", `${passFile}: cannot read the passphrase file`));
  const key = await openSigstoreKey(keyText, new TextEncoder().encode(passText.split("\n")[0] ?? ""), keyPath);
  return E.isLeft(key) ? key : E.right({ kind: "sigstore", key: key.right, ...withIdentity });
};

