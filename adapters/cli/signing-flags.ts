import type { SignRequest } from "../api/berth.ts";
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
      --remove-signatures                   Do not copy the source's signatures
`;

/** How the flags ask to sign; `undefined` when they do not. */
export const signRequestOf = (values: Readonly<Record<string, unknown>>): SignRequest | undefined => {
  const signBy = stringOption(values, "sign-by");
  const key = stringOption(values, "sign-by-sigstore-private-key");
  const passphraseFile = stringOption(values, "sign-passphrase-file");
  const identity = stringOption(values, "sign-identity");
  if (signBy === undefined && key === undefined) return identity === undefined ? undefined : { identity };
  return {
    ...(signBy === undefined ? {} : { signBy }),
    ...(key === undefined ? {} : { sigstorePrivateKey: key }),
    ...(passphraseFile === undefined ? {} : { passphraseFile }),
    ...(identity === undefined ? {} : { identity }),
  };
};
