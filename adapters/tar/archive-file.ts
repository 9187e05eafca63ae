import { createReadStream, createWriteStream } from "node:fs";
import { open, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { tempDirectory } from "../fs/temp-names.ts";
import { decompressed, detectCompression } from "./compression.ts";
import { indexTar, type TarEntryLocation } from "./index.ts";

/** A tar archive opened for reading in place: where its bytes are (a decompressed copy for a compressed one) and where its entries start. */
export interface ArchiveFile {
  /** The plain tar to read from. */
  readonly path: string;
  /** The name the user gave, for messages. */
  readonly shown: string;
  readonly entries: Map<string, TarEntryLocation>;
  /** Removes a decompressed copy; nothing for a plain archive. */
  readonly release: () => Promise<void>;
}

/** A decompressed copy may be this many times larger than the compressed file (at least 2 GiB): more is a bomb. */
const maxExpansion = 200;
const minExpansionCap = 2 * 1024 * 1024 * 1024;

/**
 * The archive as a plain tar: the file itself, or for a gzip-compressed one
 * (found by its magic bytes, not its name) a decompressed copy in a private
 * temp directory, capped so that a gzip bomb stops with an error (at 200
 * times the file's size, and never below `minCap`).
 */
export const plainTar = async (
  path: string,
  label: string,
  minCap = minExpansionCap,
): Promise<E.Either<Failure, { path: string; release: () => Promise<void> }>> => {
  const head = Buffer.alloc(6);
  let size: number;
  try {
    const h = await open(path, "r");
    try {
      await h.read(head, 0, 6, 0);
      size = (await h.stat()).size;
    } finally {
      await h.close();
    }
  } catch (e) {
    return E.left(failure("NOT_FOUND", `${path}: ${(e as Error).message}`));
  }
  const compression = detectCompression(head);
  if (compression === "none") return E.right({ path, release: async () => undefined });
  if (compression !== "gzip" && compression !== "zstd") {
    return E.left(failure("INVALID_ARCHIVE", `${path}: ${compression}-compressed ${label} archives are not supported (berth decodes gzip and zstd); decompress it first`));
  }
  const dir = await tempDirectory("archive");
  const release = () => rm(dir, { recursive: true, force: true });
  const copy = join(dir, "archive.tar");
  const cap = Math.max(minCap, size * maxExpansion);
  try {
    const { stream } = await decompressed(createReadStream(path, { highWaterMark: 1 << 20 }));
    await pipeline(Readable.from(stream), capBytes(cap), createWriteStream(copy, { flags: "wx", mode: 0o600 }));
  } catch (e) {
    await release();
    return E.left(failure("INVALID_ARCHIVE", `${path}: decompressing: ${(e as Error).message}`));
  }
  return E.right({ path: copy, release });
};

/** A pass-through that fails once more than `cap` bytes went by. */
const capBytes = (cap: number): Transform => {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.byteLength;
      done(seen > cap ? new Error(`expands to more than ${cap} bytes (a decompression bomb?)`) : null, chunk);
    },
  });
};

/** Opens an archive (plain, gzip or zstd) and indexes it; `label` names its kind (`OCI`, `docker`) in messages. */
export const openArchive = async (path: string, label: string): Promise<E.Either<Failure, ArchiveFile>> => {
  const plain = await plainTar(path, label);
  if (E.isLeft(plain)) return plain;
  try {
    return E.right({ path: plain.right.path, shown: path, entries: await indexTar(plain.right.path), release: plain.right.release });
  } catch (e) {
    await plain.right.release();
    return E.left(failure("INVALID_ARCHIVE", `${path}: ${(e as Error).message}`));
  }
};

/** Opens an archive and reads it with `read`; the decompressed copy is released if reading fails (else the reader releases it when done). */
export const withArchive = async <A>(path: string, label: string, read: (archive: ArchiveFile) => Promise<E.Either<Failure, A>>): Promise<E.Either<Failure, A>> => {
  const archive = await openArchive(path, label);
  if (E.isLeft(archive)) return archive;
  const r = await read(archive.right);
  if (E.isLeft(r)) await archive.right.release();
  return r;
};

/** One entry's bytes, refused when larger than `cap`; `what` names it in messages. */
export const readEntry = async (path: string, at: TarEntryLocation, cap: number, what: string, shown = path): Promise<E.Either<Failure, Uint8Array>> => {
  if (at.size > cap) return E.left(failure("INVALID_ARCHIVE", `${shown}: ${what} is ${at.size} bytes, more than ${cap}`));
  const handle = await open(path, "r");
  try {
    const buf = Buffer.alloc(at.size);
    await handle.read(buf, 0, at.size, at.offset);
    return E.right(new Uint8Array(buf));
  } finally {
    await handle.close();
  }
};

/** One entry parsed as JSON (size-capped). */
export const readJsonEntry = async (path: string, at: TarEntryLocation, cap: number, what: string, shown = path): Promise<E.Either<Failure, unknown>> => {
  const bytes = await readEntry(path, at, cap, what, shown);
  if (E.isLeft(bytes)) return bytes;
  try {
    return E.right(JSON.parse(new TextDecoder().decode(bytes.right)) as unknown);
  } catch (e) {
    return E.left(failure("INVALID_ARCHIVE", `${shown}: ${what} is not valid JSON: ${(e as Error).message}`));
  }
};

/** One entry's bytes as a stream, read from its offset. */
export async function* entryStream(path: string, at: TarEntryLocation): AsyncIterable<Uint8Array> {
  if (at.size > 0) yield* createReadStream(path, { start: at.offset, end: at.offset + at.size - 1, highWaterMark: 1 << 20 });
}
