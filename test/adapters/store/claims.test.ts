/** Claims of a write in progress: one file per write, written under the store's lock, each digest once. */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { claimedBlobs, openClaims } from "../../../adapters/store/claims.ts";
import { withLock } from "../../../adapters/store/store.ts";
import { freshStores } from "../../stores.ts";
import { tempDir } from "../../tmp.ts";

const stores = freshStores(tempDir());
const digest = (c: string) => `sha256:${c.repeat(64)}`;

describe("claims", () => {
  it("claim what several adds ask for at once, a digest already being claimed waited for, not written again", async () => {
    const store = await stores();
    const claims = openClaims(store);
    const [a, b, c] = await Promise.all([claims.add([digest("a"), digest("b")]), claims.add([digest("b")]), claims.add([digest("b"), digest("c")])]);
    expect([a, b, c].map(E.isRight)).toEqual([true, true, true]);
    expect([...claims.claimed()].sort()).toEqual([digest("a"), digest("b"), digest("c")]);
    const seen = await withLock(store, async () => E.right(await claimedBlobs(store)));
    expect(E.isRight(seen) && [...seen.right].sort()).toEqual([digest("a"), digest("b"), digest("c")]);
    const files = readdirSync(join(store.root, "berth", "claims"));
    expect(files.length).toBe(1);
    expect(readFileSync(join(store.root, "berth", "claims", files[0] ?? ""), "utf8").split("\n").filter((l) => l !== "").sort()).toEqual([digest("a"), digest("b"), digest("c")]);
    await claims.drop();
    expect(readdirSync(join(store.root, "berth", "claims"))).toEqual([]);
  });

  it("fail every add waiting on a claim that could not be written, and claim nothing", async () => {
    const store = await stores();
    // A file where the claims directory must be: the claim cannot be written.
    writeFileSync(join(store.root, "berth", "claims"), "");
    const claims = openClaims(store);
    const [first, second] = await Promise.all([claims.add([digest("d")]), claims.add([digest("d")])]);
    expect([first, second].map((r) => (E.isLeft(r) ? r.left.code : "claimed"))).toEqual(["STORE_IO", "STORE_IO"]);
    expect([...claims.claimed()]).toEqual([]);
    await claims.release(async () => new Set());
  });
});
