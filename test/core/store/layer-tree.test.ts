/** podman's image tree: chain IDs of diff_ids, and which images each layer is the top of. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chainIds, layerTree, type ImageRecord } from "../../../core/store/index.ts";
import { img } from "./fixtures.ts";

/** A stand-in for sha256 that shows what was hashed. */
const h = (text: string): string => `h(${text})`;

const record = (label: string, names: string[], diffIds: string[]): ImageRecord => img(label, { names, diffIds });

describe("chainIds", () => {
  it("is the diff_id for the first layer, then the hash of the parent's chain ID, a space and the diff_id (OCI's ChainID)", () => {
    expect(chainIds(h)(["a", "b", "c"])).toEqual(["a", "h(a b)", "h(h(a b) c)"]);
    expect(chainIds(h)([])).toEqual([]);
  });

  it("has one ID per layer, and a prefix of layers has a prefix of IDs", () => {
    fc.assert(
      fc.property(fc.array(fc.string()), fc.nat(), (diffIds, cut) => {
        const all = chainIds(h)(diffIds);
        expect(all).toHaveLength(diffIds.length);
        const k = diffIds.length === 0 ? 0 : cut % diffIds.length;
        expect(chainIds(h)(diffIds.slice(0, k))).toEqual(all.slice(0, k));
      }),
    );
  });
});

describe("layerTree", () => {
  it("names, for each layer, the images whose top layer it is", () => {
    const base = record("1", ["base:1"], ["a"]);
    const app = record("2", ["app:1", "app:2"], ["a", "b"]);
    const other = record("3", [], ["a", "b"]);
    const tree = layerTree(h)(app, [base, app, other], [10, 20]);
    expect(tree.layers).toEqual([
      { id: "a", size: 10, topOf: ["base:1"] },
      { id: "h(a b)", size: 20, topOf: ["app:1", "app:2"] },
    ]);
    expect(layerTree(h)(base, [base], []).layers).toEqual([{ id: "a", size: 0, topOf: ["base:1"] }]);
  });
});
