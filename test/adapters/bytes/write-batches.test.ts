/** Write batches carry every byte in order, end one page past MiB boundaries, and give each chunk back once it is written. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { batchEnd, writeBatcher, type WriteBatch } from "../../../adapters/bytes/write-batches.ts";

const MiB = 1 << 20;

/** Whether [at, at + bytes) holds a whole MiB that starts on a MiB boundary. */
const coversAlignedMiB = (at: number, bytes: number): boolean => Math.ceil(at / MiB) * MiB + MiB <= at + bytes;

/** Runs chunks of the given sizes (each filled with its own byte pattern) through a batcher the way putBlob does. */
const run = (start: number, sizes: ReadonlyArray<number>) => {
  // Each chunk filled with its own byte, its first bytes its offset in the stream: a byte out of place shows.
  let offset = 0;
  const chunks = sizes.map((n, k) => {
    const c = new Uint8Array(n).fill(k + 1);
    if (n >= 4) new DataView(c.buffer).setUint32(0, offset);
    offset += n;
    return c;
  });
  const batcher = writeBatcher(start);
  const batches: WriteBatch[] = [];
  const givenBackAfter = new Map<Uint8Array, number>();
  const record = (b: WriteBatch | undefined) => {
    if (b === undefined) return;
    batches.push(b);
    for (const c of b.done) givenBackAfter.set(c, batches.length - 1);
  };
  for (const chunk of chunks) {
    batcher.push(chunk);
    for (let b = batcher.ready(); b !== undefined; b = batcher.ready()) record(b);
  }
  record(batcher.rest());
  return { chunks, batches, givenBackAfter, left: batcher.queued() };
};

const concat = (parts: ReadonlyArray<Uint8Array>): Buffer => Buffer.concat(parts);

describe("write batches", () => {
  it("write a stream of whole 1 MiB slabs in a first write just over 1 MiB, then MiB-long writes one page past each boundary", () => {
    const { batches } = run(0, [MiB, MiB, MiB, 100]);
    expect(batches.map((b) => [b.at, b.bytes])).toEqual([
      [0, MiB + 4096],
      [MiB + 4096, MiB],
      [2 * MiB + 4096, MiB - 4096 + 100],
    ]);
    // The second write is the rest of the second slab and the head of the third.
    expect(batches[1]?.pieces.map((p) => p.byteLength)).toEqual([MiB - 4096, 4096]);
  });

  it("ends a write at least 512 KiB and less than 1.5 MiB on, one page past a MiB boundary", () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 40 }), (at) => {
        const end = batchEnd(at);
        expect(end % MiB).toBe(4096);
        expect(end - at).toBeGreaterThanOrEqual(MiB / 2);
        expect(end - at).toBeLessThan(MiB + MiB / 2);
        // From one end to the next is one MiB, which covers no MiB-aligned MiB: its folios come in every size up to 512 KiB.
        expect(batchEnd(end)).toBe(end + MiB);
        expect(coversAlignedMiB(end, MiB)).toBe(false);
      }),
    );
  });

  it("carry every byte once and in order, never cover an aligned MiB, and give a chunk back only with the batch that writes its last byte", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 3 * MiB }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 60_000, max: 3 * MiB }), fc.constant(MiB)), { maxLength: 12 }),
        (start, sizes) => {
          const { chunks, batches, givenBackAfter, left } = run(start, sizes);
          expect(left).toBe(0);
          expect(concat(batches.flatMap((b) => b.pieces)).equals(concat(chunks))).toBe(true);
          let at = start;
          batches.forEach((b, k) => {
            expect(b.at).toBe(at);
            expect(b.pieces.reduce((n, p) => n + p.byteLength, 0)).toBe(b.bytes);
            // Every write but the last ends where batchEnd says; none but the first covers a MiB-aligned MiB.
            if (k < batches.length - 1) expect(b.at + b.bytes).toBe(batchEnd(b.at));
            if (k > 0) expect(coversAlignedMiB(b.at, b.bytes)).toBe(false);
            at += b.bytes;
          });
          // Every chunk comes back exactly once, in the batch that holds (or follows) its last byte.
          expect(givenBackAfter.size).toBe(chunks.length);
          let end = start;
          for (const c of chunks) {
            end += c.byteLength;
            const k = givenBackAfter.get(c) as number;
            const batch = batches[k] as WriteBatch;
            expect(batch.at + batch.bytes).toBeGreaterThanOrEqual(end);
            expect(k === 0 || (batches[k - 1] as WriteBatch).at + (batches[k - 1] as WriteBatch).bytes < end || c.byteLength === 0).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("has nothing to write for an empty stream", () => {
    expect(run(0, []).batches).toEqual([]);
  });
});
