/**
 * Reading an image's small documents from a source, verified: an instance
 * manifest of an index, and a config (its bytes, its JSON, its decoded form).
 */
import { createHash } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import { decodeDocument } from "../../core/codec.ts";
import { failure, type Failure } from "../../core/failure.ts";
import { imageConfig, type ImageConfig, type ImageManifest, type IndexEntry } from "../../core/manifest/index.ts";
import type { ImageSource, RawManifest } from "../../plugins/contract.ts";
import { sha256Digest } from "../store/hash.ts";

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

/** One instance's manifest of an index, as the source serves it, checked against the digest the index names it by. */
export const instanceManifest = async (src: ImageSource, entry: IndexEntry, where: string): Promise<E.Either<Failure, RawManifest>> => {
  const m = await src.manifest(entry.digest);
  if (E.isLeft(m)) return m;
  return sha256Digest(m.right.bytes) === entry.digest ? m : E.left(failure("DIGEST_MISMATCH", `${where}: instance ${entry.digest} has another digest`));
};

/** An image's config from the source: its text, its JSON (for fields the codec does not name) and its decoded form, verified. */
export const imageConfigOf = async (
  src: ImageSource,
  manifest: ImageManifest,
  where: string,
): Promise<E.Either<Failure, { readonly text: string; readonly doc: unknown; readonly config: ImageConfig }>> => {
  const stream = await src.blob(manifest.config);
  if (E.isLeft(stream)) return stream;
  const bytes = await readConfigStream(stream.right, manifest.config, where);
  if (E.isLeft(bytes)) return bytes;
  const text = bytes.right.toString("utf8");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return E.left(failure("INVALID_CONFIG", `config of ${where}: ${(e as Error).message}`));
  }
  const config = decodeDocument(imageConfig, `config of ${where}`)(doc);
  return E.isLeft(config) ? config : E.right({ text, doc, config: config.right });
};
