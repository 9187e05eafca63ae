import { readFile } from "node:fs/promises";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { parseNormalizedNamed } from "../../core/reference/index.ts";
import { writeFileAtomic } from "../fs/atomic.ts";
import { systemMessage } from "../fs/errors.ts";
import type { Signer } from "../signature/signer.ts";
import { generateSigstoreKey, openSigstoreKey } from "../signature/sigstore-keys.ts";

/** How to sign what a push or copy writes, as the flags say it (`--sign-by`, `--sign-by-sigstore-private-key`, …). */
export interface SignRequest {
  /** A GPG key fingerprint of the user's keyring (GNUPGHOME). */
  readonly signBy?: string;
  /** A sigstore private key file (cosign's sealed format). */
  readonly sigstorePrivateKey?: string;
  /** The key's passphrase: the file's first line (for GPG, the whole file goes to gpg). */
  readonly passphraseFile?: string;
  /** The identity to sign instead of the destination's name: a full reference with a tag or digest. */
  readonly identity?: string;
}

const firstLine = async (path: string): Promise<E.Either<Failure, string>> => {
  const text = await readFile(path, "utf8").catch(() => undefined);
  return text === undefined ? E.left(failure("CONFIG_NOT_FOUND", `${path}: cannot read the passphrase file`)) : E.right(text.split("\n")[0] ?? "");
};

/** The signer a request names: nothing to sign, a key ready to sign, or why not (before anything is copied). */
export const signerFor = async (req: SignRequest): Promise<E.Either<Failure, Signer | undefined>> => {
  const identity = req.identity === undefined ? undefined : parseNormalizedNamed(req.identity);
  if (identity !== undefined && (E.isLeft(identity) || (identity.right.tag === undefined && identity.right.digest === undefined))) {
    return E.left(failure("INVALID_REFERENCE", `--sign-identity "${req.identity ?? ""}": must be a full reference with a tag or digest`));
  }
  const withIdentity = identity === undefined || E.isLeft(identity) ? {} : { identity: identity.right };
  if (req.signBy !== undefined && req.sigstorePrivateKey !== undefined) return E.left(failure("UNSUPPORTED", "give only one of --sign-by and --sign-by-sigstore-private-key"));
  if (req.signBy !== undefined) return E.right({ kind: "gpg", fingerprint: req.signBy, ...(req.passphraseFile === undefined ? {} : { passphraseFile: req.passphraseFile }), ...withIdentity });
  if (req.sigstorePrivateKey === undefined) return E.right(undefined);
  if (req.passphraseFile === undefined) return E.left(failure("UNSUPPORTED", "--sign-by-sigstore-private-key needs --sign-passphrase-file"));
  const keyText = await readFile(req.sigstorePrivateKey, "utf8").catch(() => undefined);
  if (keyText === undefined) return E.left(failure("CONFIG_NOT_FOUND", `${req.sigstorePrivateKey}: cannot read the private key`));
  const pass = await firstLine(req.passphraseFile);
  if (E.isLeft(pass)) return pass;
  const key = await openSigstoreKey(keyText, new TextEncoder().encode(pass.right), req.sigstorePrivateKey);
  return E.isLeft(key) ? key : E.right({ kind: "sigstore", key: key.right, ...withIdentity });
};

/**
 * Generates a sigstore key pair and writes `PREFIX.private` (sealed with the
 * passphrase, 0600) and `PREFIX.pub`, in the format skopeo and cosign read.
 * The passphrase is given, or is the first line of `passphraseFile`.
 */
export const writeSigstoreKeyPair = async (prefix: string, passphrase: { readonly text: string } | { readonly file: string }): Promise<E.Either<Failure, { readonly privateKey: string; readonly publicKey: string }>> => {
  const pass = "text" in passphrase ? E.right(passphrase.text) : await firstLine(passphrase.file);
  if (E.isLeft(pass)) return pass;
  const pair = await generateSigstoreKey(new TextEncoder().encode(pass.right));
  const out = { privateKey: `${prefix}.private`, publicKey: `${prefix}.pub` };
  try {
    await writeFileAtomic(out.privateKey, pair.privatePem, { mode: 0o600 });
    await writeFileAtomic(out.publicKey, pair.publicPem, { mode: 0o644 });
  } catch (e) {
    return E.left(failure("KEY_WRITE", `${prefix}: ${systemMessage(e)}`));
  }
  return E.right(out);
};
