/** Reading a small blob (an image config) whole from a stream, verified. */
import { createHash } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";

/** The most a config may be: registries cap manifests at 4 MiB, and configs are smaller still. */
const maxConfigBytes = 4 << 20;

/**
 * A config's bytes, read from its stream: no more than its descriptor's size
 * (and 4 MiB), and checked against its digest, so that a source that serves
 * something else is caught before the bytes are believed. `where` names the
 * image in messages.
 */
export const readConfigStream = async (stream: AsyncIterable<Uint8Array>, d: { readonly digest: string; readonly size: number }, where: string): Promise<E.Either<Failure, Buffer>> => {
  const cap = Math.min(d.size, maxConfigBytes);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const hash = createHash("sha256");
  for await (const c of stream) {
    size += c.byteLength;
    if (size > cap) return E.left(failure("CONFIG_TOO_LARGE", `${where}: config ${d.digest} is larger than ${cap} bytes`));
    hash.update(c);
    chunks.push(c);
  }
  if (size !== d.size) return E.left(failure("SIZE_MISMATCH", `${where}: config ${d.digest}: got ${size} bytes, expected ${d.size}`));
  const got = `sha256:${hash.digest("hex")}`;
  if (got !== d.digest) return E.left(failure("DIGEST_MISMATCH", `${where}: config ${d.digest} has digest ${got}`));
  return E.right(Buffer.concat(chunks));
};
