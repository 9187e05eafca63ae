import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { detectCompression } from "./compression.ts";
import { indexTar, type TarEntryLocation } from "./index.ts";

/**
 * Indexes a plain tar archive for reading in place; `label` names its kind
 * (`OCI`, `docker`) in the message refusing compressed ones.
 */
export const indexArchive = async (path: string, label: string): Promise<E.Either<Failure, Map<string, TarEntryLocation>>> => {
  const head = Buffer.alloc(6);
  try {
    const h = await open(path, "r");
    try {
      await h.read(head, 0, 6, 0);
    } finally {
      await h.close();
    }
  } catch (e) {
    return E.left(failure("NOT_FOUND", `${path}: ${(e as Error).message}`));
  }
  const compression = detectCompression(head);
  if (compression !== "none") return E.left(failure("INVALID_ARCHIVE", `${path}: ${compression}-compressed ${label} archives are not supported yet; decompress it first`));
  try {
    return E.right(await indexTar(path));
  } catch (e) {
    return E.left(failure("INVALID_ARCHIVE", `${path}: ${(e as Error).message}`));
  }
};

/** One entry's bytes, refused when larger than `cap`; `what` names it in messages. */
export const readEntry = async (path: string, at: TarEntryLocation, cap: number, what: string): Promise<E.Either<Failure, Uint8Array>> => {
  if (at.size > cap) return E.left(failure("INVALID_ARCHIVE", `${path}: ${what} is ${at.size} bytes, more than ${cap}`));
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
export const readJsonEntry = async (path: string, at: TarEntryLocation, cap: number, what: string): Promise<E.Either<Failure, unknown>> => {
  const bytes = await readEntry(path, at, cap, what);
  if (E.isLeft(bytes)) return bytes;
  try {
    return E.right(JSON.parse(new TextDecoder().decode(bytes.right)) as unknown);
  } catch (e) {
    return E.left(failure("INVALID_ARCHIVE", `${path}: ${what} is not valid JSON: ${(e as Error).message}`));
  }
};

/** One entry's bytes as a stream, read from its offset. */
export async function* entryStream(path: string, at: TarEntryLocation): AsyncIterable<Uint8Array> {
  if (at.size > 0) yield* createReadStream(path, { start: at.offset, end: at.offset + at.size - 1 });
}
