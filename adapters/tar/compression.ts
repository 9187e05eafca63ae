import { pipeline, Readable } from "node:stream";
import { giveBack } from "../bytes/slabs.ts";
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
    if (total > limit) throw new Error(`expands to more than ${limit} bytes (a decompression bomb?)`);
    yield chunk;
  }
}

/** How much of a layer is compressed as one unit: large enough that the ratio barely suffers, small enough to keep memory flat. */
const blockBytes = 1 << 20;
/** Blocks of one stream compressing at once: zlib runs them in the thread pool, on every core (measured on 2 cores: 3 used 1.4, 4 used 1.6, 6 gained nothing and cost memory). */
const blocksInFlight = 4;

/** Blocks of one size, used again once compressed: a layer passes through a few buffers, not a new one per MiB (the garbage of which, counted late by the collector, grew memory past 180 MB on 4 layers at once). */
const blockPool = (size: number) => {
  const free: Buffer[] = [];
  return { take: (): Buffer => free.pop() ?? Buffer.allocUnsafeSlow(size), give: (b: Buffer): void => void (free.length < 8 && b.byteLength === size && free.push(b)) };
};

/** Cuts a stream into blocks of `size` bytes, copied into the pool's buffers (the last may be shorter; an empty stream gives one empty block). */
async function* blocksOf(source: AsyncIterable<Uint8Array>, pool: ReturnType<typeof blockPool>, size: number): AsyncIterable<Buffer> {
  let block = pool.take();
  let have = 0;
  let any = false;
  for await (const chunk of source) {
    let at = 0;
    while (at < chunk.byteLength) {
      const n = Math.min(size - have, chunk.byteLength - at);
      block.set(chunk.subarray(at, at + n), have);
      have += n;
      at += n;
      if (have === size) {
        yield block;
        any = true;
        block = pool.take();
        have = 0;
      }
    }
    // Copied: a slab the chunk was read into (the store's, the network's) can take the next read.
    giveBack(chunk);
  }
  if (have > 0 || !any) yield block.subarray(0, have);
}

/** Compression jobs running at once across every stream of the process: several layers at once share the cores instead of each queueing its own blocks (and their memory). */
let running = 0;
const waiting: Array<() => void> = [];
const slot = async <A>(job: () => Promise<A>): Promise<A> => {
  if (running >= blocksInFlight) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await job();
  } finally {
    running--;
    waiting.shift()?.();
  }
};

/** Compresses blocks with at most `depth` of this stream at once, handing the results on in order; each block goes back to the pool once compressed. */
async function* inOrder(blocks: AsyncIterable<Buffer>, depth: number, compress: (block: Buffer) => Promise<Uint8Array>, pool: ReturnType<typeof blockPool>): AsyncIterable<Uint8Array> {
  const pending: Promise<Uint8Array>[] = [];
  try {
    for await (const block of blocks) {
      const p = slot(() => compress(block)).finally(() => pool.give(block));
      // Awaited below; a failure while an earlier block is awaited must not count as unhandled.
      p.catch(() => undefined);
      pending.push(p);
      while (pending.length >= depth) yield await (pending.shift() as Promise<Uint8Array>);
    }
    while (pending.length > 0) yield await (pending.shift() as Promise<Uint8Array>);
  } finally {
    await Promise.allSettled(pending);
  }
}

/**
 * Whether a block looks incompressible: three 16 KiB samples (start, middle,
 * end) whose bytes are spread as evenly as noise's (over 7.9 bits of entropy
 * per byte; text and programs have 4 to 6.5). Measured: zlib spends ~22 ms
 * per MiB of noise at any level and saves nothing; this look costs ~0.1 ms.
 */
export const looksIncompressible = (block: Uint8Array): boolean => {
  const sample = 16 << 10;
  if (block.byteLength < 4 * sample) return false;
  const counts = new Uint32Array(256);
  for (const start of [0, (block.byteLength >> 1) - (sample >> 1), block.byteLength - sample]) {
    counts.fill(0);
    for (let i = start; i < start + sample; i++) counts[block[i] as number]! += 1;
    let bits = 0;
    for (const c of counts) if (c > 0) bits -= (c / sample) * Math.log2(c / sample);
    if (bits < 7.9) return false;
  }
  return true;
};

/** The zstd compressor, loaded on first use: most commands write no zstd. */
let zstdWriter: Promise<typeof import("./zstd-writer.ts")> | undefined;
const loadZstd = (): Promise<typeof import("./zstd-writer.ts")> => (zstdWriter ??= import("./zstd-writer.ts"));

/**
 * A stream compressed as it goes, in blocks of 1 MiB compressed in parallel
 * and handed on in order, so memory stays flat and both cores work on one
 * layer. gzip: each block is a gzip member of its own (RFC 1952 allows
 * several; Go's, zlib's and Node's readers read them all as one stream),
 * made by zlib in its thread pool, at level 3 by default: on real files
 * (/usr/bin and python3, 394 MB) zlib's level 3 gives what podman's and
 * skopeo's default gives (153.78 MB against 153.79 MB). zstd: each
 * block is a frame of its own (a zstd stream may hold several), made by zstd
 * itself in WebAssembly, in worker threads, at level 3 by default, as the
 * zstd program's.
 */
export const compressedAs =
  (format: "gzip" | "zstd", level?: number) =>
  (source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> => {
    if (format === "gzip") {
      const zlib = process.getBuiltinModule("node:zlib");
      const gzip = (block: Buffer): Promise<Uint8Array> =>
        new Promise((resolve, reject) =>
          // A block that looks like noise (already-compressed files, random data) is stored, not searched for matches it does not have.
          zlib.gzip(block, { level: looksIncompressible(block) ? 0 : (level ?? 3), chunkSize: blockBytes + (16 << 10) }, (e, out) => (e === null ? resolve(out) : reject(e))),
        );
      const pool = blockPool(blockBytes);
      return inOrder(blocksOf(source, pool, blockBytes), blocksInFlight, gzip, pool);
    }
    const zstd = async (block: Buffer): Promise<Uint8Array> => (await loadZstd()).zstdFrame(block, level ?? 3);
    const pool = blockPool(blockBytes);
    // Two at a time: one in the worker, one here; more would only wait, holding memory.
    return inOrder(blocksOf(source, pool, blockBytes), 2, zstd, pool);
  };
