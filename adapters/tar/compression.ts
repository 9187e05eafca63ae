import { pipeline, Readable } from "node:stream";
import { unzstd } from "./zstd.ts";
// node:zlib is loaded on first use (process.getBuiltinModule): most commands read no gzip, and loading it at start cost each one ~1 ms.

/** Compression recognised by its first bytes. */
export type Compression = "gzip" | "zstd" | "xz" | "bzip2" | "none";

/** Tells the compression of a stream from its magic bytes. */
export const detectCompression = (head: Uint8Array): Compression => {
  const is = (...bytes: number[]): boolean => bytes.every((b, i) => head[i] === b);
  if (is(0x1f, 0x8b)) return "gzip";
  if (is(0x28, 0xb5, 0x2f, 0xfd)) return "zstd";
  if (is(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return "xz";
  if (is(0x42, 0x5a, 0x68)) return "bzip2";
  return "none";
};

/** The first `n` bytes of a stream (fewer if it is shorter) and the whole stream again, unconsumed. */
export const peek = async (source: AsyncIterable<Uint8Array>, n: number): Promise<{ head: Uint8Array; stream: AsyncIterable<Uint8Array> }> => {
  const it = source[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let have = 0;
  while (have < n) {
    const r = await it.next();
    if (r.done === true) break;
    seen.push(r.value);
    have += r.value.byteLength;
  }
  const head = new Uint8Array(Buffer.concat(seen).subarray(0, n));
  async function* again(): AsyncIterable<Uint8Array> {
    yield* seen;
    for (;;) {
      const r = await it.next();
      if (r.done === true) return;
      yield r.value;
    }
  }
  return { head, stream: again() };
};

/**
 * The uncompressed bytes of a stream that may be gzip- or zstd-compressed, decompressed
 * as they stream, stopping with an error once more than `limit` bytes come out
 * (a bomb fails instead of filling the disk).
 */
export const decompressed = async (
  source: AsyncIterable<Uint8Array>,
  limit = Number.POSITIVE_INFINITY,
): Promise<{ compression: Compression; stream: AsyncIterable<Uint8Array> }> => {
  const { head, stream } = await peek(source, 6);
  const compression = detectCompression(head);
  if (compression === "none") return { compression, stream: capped(stream, limit) };
  if (compression === "zstd") return { compression, stream: unzstd(stream, limit) };
  if (compression !== "gzip") throw new Error(`${compression}-compressed input is not supported; decompress it first`);
  // pipeline, not pipe: an error of the source (a blob that fails its digest) must reach whoever reads the output.
  return { compression, stream: capped(pipeline(Readable.from(stream), gunzip(), () => undefined), limit) };
};

/**
 * A gzip decoder with 1 MiB output chunks: the default 16 KiB makes one
 * thread-pool round trip per 16 KiB, and decompressing then costs more than
 * reading and hashing together.
 */
export const gunzip = () => process.getBuiltinModule("node:zlib").createGunzip({ chunkSize: 1 << 20 });

async function* capped(source: AsyncIterable<Uint8Array>, limit: number): AsyncIterable<Uint8Array> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.byteLength;
    if (total > limit) throw new Error(`more than ${limit} bytes after decompression`);
    yield chunk;
  }
}
