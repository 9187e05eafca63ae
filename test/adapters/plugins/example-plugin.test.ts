import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { copyImage } from "../../../adapters/copy/engine.ts";
import { openStore, readState } from "../../../adapters/store/store.ts";
import { emptyRegistriesConfig } from "../../../core/registries/index.ts";
import { imageLookup } from "../../../core/store/index.ts";
import { parseImageName, type TransportSyntax } from "../../../core/transport/index.ts";
import type { StoreReference } from "../../../plugins/store/reference.ts";
import { memoryPlugin, newMemory } from "../../../plugins/example/memory.ts";
import { storePlugin } from "../../../plugins/store/plugin.ts";
import { importTarball } from "../../../plugins/tarball/import.ts";
import { smallRootfs } from "../../tarballs.ts";
import { tempDir } from "../../tmp.ts";

describe("a plugin added by its caller", () => {
  it("copies store → memory → store through the one copy engine", async () => {
    const store = await openStore(join(tempDir(), "store"));
    if (E.isLeft(store)) throw new Error(store.left.message);
    const imported = await importTarball(
      store.right,
      (async function* () {
        yield await smallRootfs("plugged in");
      })(),
      { name: "app", created: "2024-01-01T00:00:00Z", source: "test" },
    );
    expect(E.isRight(imported)).toBe(true);
    const mem = newMemory();
    const ctx = { host: { home: "/nonexistent", uid: 0, env: {} }, store: store.right, lookup: imageLookup(emptyRegistriesConfig("/dev/null")) } as const;
    const builtin = { ...ctx, http: undefined as never, registry: () => Promise.reject(new Error("no registry in this test")) };

    // The caller's table: the example plugin beside a built-in one; core parses names from it alone.
    const table: ReadonlyArray<TransportSyntax<{ key: string } | StoreReference>> = [memoryPlugin, storePlugin];
    expect(E.isRight(parseImageName("memory:saved", table))).toBe(true);

    const src = await storePlugin.openSource?.({ text: "app" }, builtin);
    const dst = await memoryPlugin.openDestination?.({ key: "saved" }, mem);
    if (src === undefined || dst === undefined || E.isLeft(src) || E.isLeft(dst)) throw new Error("could not open");
    const out = await copyImage(src.right, dst.right, { platform: { os: "linux", architecture: "amd64" } });
    expect(E.isRight(out)).toBe(true);
    expect(mem.manifests.has("saved")).toBe(true);
    expect(mem.blobs.size).toBe(2);

    const back = await memoryPlugin.openSource?.({ key: "saved" }, mem);
    const into = await storePlugin.openDestination?.({ text: "restored" }, builtin);
    if (back === undefined || into === undefined || E.isLeft(back) || E.isLeft(into)) throw new Error("could not open");
    const again = await copyImage(back.right, into.right, { platform: { os: "linux", architecture: "amd64" } });
    expect(E.isRight(again) && E.isRight(out) && again.right.manifestDigest).toBe(E.isRight(out) ? out.right.manifestDigest : "");
    const state = await readState(store.right);
    expect(E.isRight(state) && state.right.images.map((i) => i.names)).toEqual([["localhost/app:latest", "localhost/restored:latest"]]);
  });
});
