/**
 * Layers compressed on the way: what berth writes, gzip's and zstd's own
 * programs read back byte for byte, and so do berth's readers; memory is
 * bounded by blocks, and a failing source fails the output.
 */
import { spawnSync } from "node:child_process";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compressedAs, decompressed, looksIncompressible } from "../../../adapters/tar/compression.ts";
import { noise } from "../../layouts.ts";

const collect = async (source: AsyncIterable<Uint8Array>): Promise<Buffer> => {
  const parts: Uint8Array[] = [];
  for await (const c of source) parts.push(c);
  return Buffer.concat(parts);
};
async function* pieces(data: Buffer, sizes: ReadonlyArray<number>): AsyncIterable<Uint8Array> {
  let at = 0;
  for (let i = 0; at < data.length; i++) {
    const n = Math.max(1, sizes[i % Math.max(1, sizes.length)] ?? 1);
    yield data.subarray(at, at + n);
    at += n;
  }
}
/** Half noise, half text: something to compress and something not to, over several blocks. */
const sample = Buffer.concat([noise(1_500_000, 9), Buffer.from("a line of text, again and again\n".repeat(60_000))]);

describe("compressing a stream", () => {
  it("writes gzip (one member per block) that gzip(1) and zlib read back byte for byte, smaller than the input", async () => {
    const out = await collect(compressedAs("gzip")(pieces(sample, [65536, 1000, 3])));
    expect(out.length).toBeLessThan(sample.length);
    const byProgram = spawnSync("gzip", ["-dc"], { input: out, maxBuffer: 1 << 28 });
    expect([byProgram.status, Buffer.compare(byProgram.stdout, sample)]).toEqual([0, 0]);
    expect(Buffer.compare(gunzipSync(out), sample)).toBe(0);
    expect(Buffer.compare(await collect((await decompressed(pieces(out, [4096]))).stream), sample)).toBe(0);
  });

  it("writes zstd (one frame per block) that zstd(1) and berth's reader read back byte for byte, at a level asked for", async () => {
    const fast = await collect(compressedAs("zstd", 1)(pieces(sample, [300_000])));
    const small = await collect(compressedAs("zstd", 19)(pieces(sample, [300_000])));
    expect(small.length).toBeLessThan(fast.length);
    for (const out of [fast, small]) {
      const byProgram = spawnSync("zstd", ["-dc"], { input: out, maxBuffer: 1 << 28 });
      expect([byProgram.status, Buffer.compare(byProgram.stdout, sample)]).toEqual([0, 0]);
      const back = await decompressed(pieces(out, [777]));
      expect([back.compression, Buffer.compare(await collect(back.stream), sample)]).toEqual(["zstd", 0]);
    }
  });

  it("stores blocks that look like noise instead of searching them, and still compresses the rest", async () => {
    const text = Buffer.from("a line of text, again and again\n".repeat(40_000));
    expect([looksIncompressible(noise(1 << 20, 4)), looksIncompressible(text), looksIncompressible(Buffer.concat([noise(600_000, 4), text]).subarray(0, 1 << 20)), looksIncompressible(noise(1000, 4))]).toEqual([true, false, false, false]);
    const stored = await collect(compressedAs("gzip")(pieces(noise(3 << 20, 8), [1 << 20])));
    // Stored deflate blocks: 5 bytes per 64 KiB and a gzip header and trailer per MiB over the input's size.
    expect(stored.length - (3 << 20)).toBeLessThan(1000);
    expect(Buffer.compare(gunzipSync(stored), noise(3 << 20, 8))).toBe(0);
  });

  it("compresses an empty stream to one that decompresses to nothing, in either format", async () => {
    for (const format of ["gzip", "zstd"] as const) {
      const out = await collect(compressedAs(format)(pieces(Buffer.alloc(0), [])));
      const byProgram = spawnSync(format, ["-dc"], { input: out });
      expect([format, byProgram.status, byProgram.stdout.length]).toEqual([format, 0, 0]);
    }
  });

  it("fails the output when the source fails, after what came before", async () => {
    async function* failing(): AsyncIterable<Uint8Array> {
      yield noise(3 << 20, 1);
      throw new Error("the source broke");
    }
    for (const format of ["gzip", "zstd"] as const) {
      const r = await collect(compressedAs(format)(failing())).then(
        () => "finished",
        (e: unknown) => (e as Error).message,
      );
      expect([format, r]).toEqual([format, "the source broke"]);
    }
  });

  it("gives back what it was given, however the input is cut (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }), fc.constantFrom("gzip" as const, "zstd" as const), async (bytes, sizes, format) => {
        const data = Buffer.from(bytes);
        const out = await collect(compressedAs(format)(pieces(data, sizes)));
        const back = await collect((await decompressed(pieces(out, sizes))).stream);
        return Buffer.compare(back, data) === 0;
      }),
      { numRuns: 200 },
    );
  });
});
