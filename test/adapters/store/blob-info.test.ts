import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { blobInfoCache, blobInfoDir } from "../../../adapters/store/blob-info.ts";
import type { Digest } from "../../../core/reference/index.ts";
import { tempDir } from "../../tmp.ts";

const root = tempDir();
let n = 0;
const hex = (c: string): string => c.repeat(64);
const layer = `sha256:${hex("a")}` as Digest;
const plain = `sha256:${hex("b")}` as Digest;

describe("blob-info cache", () => {
  it("keeps every location recorded at once for one blob: one process's writes of an entry do not race", async () => {
    const store = join(root, `s${n++}`);
    const cache = blobInfoCache(store);
    const repos = Array.from({ length: 12 }, (_, i) => `team/app${i}`);
    // Two caches of one store, as two copies of one process have.
    const other = blobInfoCache(store);
    await Promise.all(repos.map((repository, i) => (i % 2 === 0 ? cache : other).recordLocation(layer, { registry: "r.example", repository })));
    // Locations are read through the blob's pair: the compressed variant of some content.
    await cache.recordPair(plain, { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: layer, size: 10, compression: "gzip" });
    const variant = (await blobInfoCache(store).counterparts(plain)).find((c) => c.descriptor.digest === layer);
    expect(variant?.locations.map((l) => l.repository).sort()).toEqual([...repos].sort());
    // Temp files of the writes are gone.
    expect(readdirSync(blobInfoDir(store)).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("keeps a pair and a location recorded at the same time for one blob", async () => {
    const store = join(root, `s${n++}`);
    const cache = blobInfoCache(store);
    await Promise.all([
      cache.recordPair(plain, { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: layer, size: 10, compression: "gzip" }),
      cache.recordLocation(layer, { registry: "r.example", repository: "team/one" }),
      cache.recordLocation(layer, { registry: "r.example", repository: "team/two" }),
    ]);
    const variant = (await blobInfoCache(store).counterparts(plain)).find((c) => c.descriptor.digest === layer);
    expect(variant?.compression).toBe("gzip");
    expect(variant?.locations.map((l) => l.repository).sort()).toEqual(["team/one", "team/two"]);
  });

  it("ignores a digest that is not one: nothing from outside becomes a path", async () => {
    const store = join(root, `s${n++}`);
    await blobInfoCache(store).recordLocation("sha256:../../etc", { registry: "r.example", repository: "x" });
    expect(() => readdirSync(blobInfoDir(store))).toThrow();
  });
});
