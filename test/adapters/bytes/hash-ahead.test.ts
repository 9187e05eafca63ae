import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashesAhead, passingHashAhead, type Hasher } from "../../../adapters/bytes/hash-ahead.ts";

async function* pieces(): AsyncIterable<Uint8Array> {
  yield new Uint8Array([1, 2]);
  yield new Uint8Array([3]);
}

describe("hashing ahead", () => {
  it("is refused by a stream that cannot, and passed on by one that yields another's bytes unchanged", async () => {
    expect(hashesAhead(pieces(), createHash("sha256"))).toBe(false);
    const asked: Hasher[] = [];
    const inner = Object.assign(pieces(), { hashAhead: (h: Hasher) => asked.push(h) === 1 });
    const outer = passingHashAhead(
      (async function* () {
        yield* inner;
      })(),
      inner,
    );
    const hash = createHash("sha256");
    expect(hashesAhead(outer, hash)).toBe(true);
    expect(asked).toEqual([hash]);
    expect(hashesAhead(outer, createHash("sha256"))).toBe(false);
    const seen: number[] = [];
    for await (const p of outer) seen.push(...p);
    expect(seen).toEqual([1, 2, 3]);
  });
});
