import type { KeyObject } from "node:crypto";
import type { Reference } from "../../core/reference/index.ts";

/** A key ready to sign (a sigstore key, or a GPG key of the user's keyring), and the identity override if one was given. */
export type Signer = ({ readonly kind: "sigstore"; readonly key: KeyObject } | { readonly kind: "gpg"; readonly fingerprint: string; readonly passphraseFile?: string }) & {
  readonly identity?: Reference;
};
