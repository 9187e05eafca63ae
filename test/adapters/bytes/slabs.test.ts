/** Slabs are used again only once sealed and every view cut from them is given back. */
import { describe, expect, it } from "vitest";
import { giveBack, lend, seal, slabBytes, takeSlab } from "../../../adapters/bytes/slabs.ts";

describe("slabs", () => {
  it("are not used again while a view is out, and are once all are back", () => {
    const slab = takeSlab();
    expect(slab.byteLength).toBe(slabBytes);
    const a = lend(slab, slab.subarray(0, 10));
    const b = lend(slab, slab.subarray(10, 20));
    seal(slab);
    giveBack(a);
    // Giving the same view back twice does not free the slab under the other view.
    giveBack(a);
    const other = takeSlab();
    expect(other.buffer).not.toBe(slab.buffer);
    giveBack(b);
    expect(takeSlab().buffer).toBe(slab.buffer);
  });

  it("keeps an unsealed slab (still being read into) even with no view out", () => {
    const slab = takeSlab();
    giveBack(lend(slab, slab.subarray(0, 5)));
    expect(takeSlab().buffer).not.toBe(slab.buffer);
    seal(slab);
    expect(takeSlab().buffer).toBe(slab.buffer);
  });

  it("ignores what is not a lent view", () => {
    const mine = new Uint8Array(8);
    giveBack(mine);
    giveBack(Buffer.alloc(4));
    expect(mine.byteLength).toBe(8);
  });
});
