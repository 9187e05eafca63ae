import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import type { Reference } from "../../core/reference/index.ts";
import type { SignatureStorage } from "../../core/registries-d/index.ts";
import type { HostEnvironment } from "../config/environment.ts";
import { writeFileAtomic } from "../fs/atomic.ts";
import type { HttpClient } from "../http/client.ts";

/** Most signatures read for one image, and the largest one: a hostile lookaside cannot make berth read forever. */
const maxSignatures = 64;
const maxSignatureBytes = 4 * 1024 * 1024;

/**
 * Where simple signatures of an image live when registries.d says nothing:
 * containers-registries.d(5)'s built-in default, /var/lib/containers/sigstore
 * for root, ~/.local/share/containers/sigstore for others.
 */
export const defaultLookaside = (host: HostEnvironment): string =>
  host.uid === 0 ? "file:///var/lib/containers/sigstore" : `file://${host.home}/.local/share/containers/sigstore`;

/** `BASE/PATH@sha256=HEX/signature-N`, PATH being the repository without its registry, as containers/image lays them out. */
const signatureUrl = (base: string, reference: Reference, manifestDigest: string, n: number): string =>
  `${base.replace(/\/+$/, "")}/${reference.path}@${manifestDigest.replace(":", "=")}/signature-${n}`;

/** The lookaside base an image's signatures are read from. */
export const readBase = (host: HostEnvironment, storage: SignatureStorage | undefined): string | undefined =>
  storage === undefined ? defaultLookaside(host) : storage.lookaside;

/** The lookaside base new signatures are written to (staging first). */
export const writeBase = (host: HostEnvironment, storage: SignatureStorage | undefined): string | undefined =>
  storage === undefined ? defaultLookaside(host) : (storage.lookasideStaging ?? storage.lookaside);

const readOne = async (url: string, http: HttpClient | undefined): Promise<E.Either<Failure, Uint8Array | undefined>> => {
  if (url.startsWith("file://")) {
    const bytes = await readFile(fileURLToPath(url)).catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" || e.code === "ENOTDIR" ? undefined : e));
    if (bytes instanceof Error) return E.left(failure("SIGNATURE_READ", `${url}: ${bytes.message}`));
    if (bytes !== undefined && bytes.byteLength > maxSignatureBytes) return E.left(failure("INVALID_SIGNATURE", `${url}: larger than ${maxSignatureBytes} bytes`));
    return E.right(bytes === undefined ? undefined : new Uint8Array(bytes));
  }
  if ((url.startsWith("https://") || url.startsWith("http://")) && http !== undefined) {
    try {
      const r = await http.request({ method: "GET", url });
      if (r.status === 404) {
        await r.dump();
        return E.right(undefined);
      }
      if (r.status !== 200) {
        await r.dump();
        return E.left(failure("SIGNATURE_READ", `${url}: the server answered ${r.status}`));
      }
      return E.right(await r.bytes(maxSignatureBytes));
    } catch (e) {
      return E.left(failure("SIGNATURE_READ", `${url}: ${(e as Error).message}`));
    }
  }
  return E.left(failure("SIGNATURE_READ", `${url}: unsupported lookaside URL (file://, http:// or https://)`));
};

/** The signatures of an image in a lookaside store: signature-1, -2, … until one is missing. */
export const readLookaside = async (base: string, reference: Reference, manifestDigest: string, http?: HttpClient): Promise<E.Either<Failure, Uint8Array[]>> => {
  const out: Uint8Array[] = [];
  for (let n = 1; n <= maxSignatures; n++) {
    const one = await readOne(signatureUrl(base, reference, manifestDigest, n), http);
    if (E.isLeft(one)) return one;
    if (one.right === undefined) break;
    out.push(one.right);
  }
  return E.right(out);
};

/** Adds a signature after those already there (file:// stores only, as containers/image writes them). */
export const writeLookaside = async (base: string, reference: Reference, manifestDigest: string, signature: Uint8Array): Promise<E.Either<Failure, string>> => {
  if (!base.startsWith("file://")) return E.left(failure("UNSUPPORTED", `${base}: signatures can only be written to a file:// lookaside`));
  const existing = await readLookaside(base, reference, manifestDigest);
  if (E.isLeft(existing)) return existing;
  const url = signatureUrl(base, reference, manifestDigest, existing.right.length + 1);
  try {
    await writeFileAtomic(fileURLToPath(url), signature);
    return E.right(url);
  } catch (e) {
    return E.left(failure("SIGNATURE_WRITE", `${url}: ${(e as Error).message}`));
  }
};
