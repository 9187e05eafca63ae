import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { tempDirectory } from "../fs/temp-names.ts";
import { failure, type Failure } from "../../core/failure.ts";
import type { KeySource, SignatureEvidence } from "../../core/policy/index.ts";
import { parsePayload, simpleSigningPayloadType } from "../../core/signature/index.ts";
// node:child_process is loaded on first use (process.getBuiltinModule): most commands start no program, and loading it at start cost each one ~3 ms.

/**
 * GPG simple signing through the gpg program, as containers/image does it
 * through gpgme: verification imports the policy's keys into a private,
 * temporary keyring, so only those keys can make a signature valid; signing
 * uses the user's keyring (GNUPGHOME) and agent.
 */
interface Run {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

const gpg = (args: ReadonlyArray<string>, input?: Uint8Array, env: NodeJS.ProcessEnv = process.env): Promise<Run> =>
  new Promise((resolve) => {
    const child = process.getBuiltinModule("node:child_process").spawn("gpg", ["--batch", "--no-tty", ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    child.on("error", (e) => resolve({ status: null, stdout: Buffer.alloc(0), stderr: e.message }));
    child.on("close", (status) => resolve({ status, stdout: Buffer.concat(out), stderr: err }));
    child.stdin.on("error", () => undefined);
    child.stdin.end(input === undefined ? undefined : Buffer.from(input));
  });

const lastLine = (text: string): string => text.trim().split("\n").filter((l) => !l.startsWith("gpg: WARNING")).pop() ?? "gpg failed";

/** The keys a requirement names, as keyring bytes (files, or base64 in the policy). */
const keyrings = async (keys: KeySource): Promise<E.Either<Failure, Uint8Array[]>> => {
  const out: Uint8Array[] = [];
  for (const item of keys.kind === "paths" ? keys.paths : keys.data) {
    if (keys.kind === "data") out.push(new Uint8Array(Buffer.from(item, "base64")));
    else {
      const bytes = await readFile(item).catch(() => undefined);
      if (bytes === undefined) return E.left(failure("CONFIG_NOT_FOUND", `${item}: cannot read the GPG keyring`));
      out.push(new Uint8Array(bytes));
    }
  }
  return E.right(out);
};

/**
 * Verifies simple-signing signatures (OpenPGP signed messages holding the
 * payload) against a signedBy requirement's keys; what verified is returned
 * with its claim, the rest with the reason.
 */
export const verifySimpleSigning = async (keys: KeySource, signatures: ReadonlyArray<Uint8Array>): Promise<SignatureEvidence> => {
  const rings = await keyrings(keys);
  if (E.isLeft(rings)) return { verified: [], refused: [rings.left.message] };
  const home = await tempDirectory("gpg");
  const env = { ...process.env, GNUPGHOME: home };
  try {
    for (const ring of rings.right) {
      const imported = await gpg(["--import"], ring, env);
      if (imported.status !== 0) return { verified: [], refused: [`importing the policy's keys: ${lastLine(imported.stderr)}`] };
    }
    const verified: { dockerReference: string; manifestDigest: string }[] = [];
    const refused: string[] = [];
    for (const [i, sig] of signatures.entries()) {
      const file = join(home, `signature-${i}`);
      const out = join(home, `payload-${i}`);
      await writeFile(file, sig);
      const r = await gpg(["--trust-model", "always", "--status-fd", "1", "--output", out, "--decrypt", file], undefined, env);
      const valid = r.stdout.toString("utf8").split("\n").some((l) => l.startsWith("[GNUPG:] VALIDSIG "));
      if (r.status !== 0 || !valid) {
        refused.push("a signature does not verify with the trusted keys");
        continue;
      }
      const claim = parsePayload(simpleSigningPayloadType)(new Uint8Array(await readFile(out)));
      if (E.isLeft(claim)) refused.push(claim.left.message);
      else verified.push(claim.right);
    }
    return { verified, refused };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
};

/** Signs a payload with the key `fingerprint` of the user's keyring; the passphrase comes from a file if given. */
export const signSimple = async (payload: Uint8Array, fingerprint: string, passphraseFile?: string): Promise<E.Either<Failure, Uint8Array>> => {
  const pass = passphraseFile === undefined ? [] : ["--pinentry-mode", "loopback", "--passphrase-file", passphraseFile];
  const r = await gpg([...pass, "--local-user", fingerprint, "--output", "-", "--sign"], payload);
  if (r.status !== 0 || r.stdout.byteLength === 0) return E.left(failure("SIGNING_FAILED", `signing with ${fingerprint}: ${lastLine(r.stderr)}`));
  return E.right(new Uint8Array(r.stdout));
};

/**
 * Verifies one simple-signing signature with the user's own keyring
 * (GNUPGHOME, as skopeo standalone-verify does): the fingerprint of the key
 * that made it and the payload it holds, or why not.
 */
export const verifyWithUserKeyring = async (signature: Uint8Array): Promise<E.Either<Failure, { readonly fingerprint: string; readonly payload: Uint8Array }>> => {
  const home = await tempDirectory("gpg-verify");
  try {
    const file = join(home, "signature");
    const out = join(home, "payload");
    await writeFile(file, signature);
    const r = await gpg(["--status-fd", "1", "--output", out, "--decrypt", file]);
    const valid = r.stdout
      .toString("utf8")
      .split("\n")
      .find((l) => l.startsWith("[GNUPG:] VALIDSIG "));
    const fingerprint = valid?.split(" ")[2];
    if (r.status !== 0 || fingerprint === undefined) return E.left(failure("INVALID_SIGNATURE", `the signature does not verify with the keys of your keyring: ${lastLine(r.stderr)}`));
    return E.right({ fingerprint, payload: new Uint8Array(await readFile(out)) });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
};
