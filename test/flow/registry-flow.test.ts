/**
 * One flow through the library against the real registry, run unchanged by
 * Vitest on Node (its sockets) and by `deno test` on Deno (fetch): import, push,
 * pull into another store, list, save, load into a third, with the same image
 * ID all the way.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openBerth } from "../../index.ts";
import { startRegistry } from "../peers/registry.ts";
import { smallRootfs } from "../tarballs.ts";

describe("a library flow against the registry", () => {
  it("imports, pushes, pulls, lists, saves and loads with the same image ID", async () => {
    const root = mkdtempSync(join(tmpdir(), "berth-flow-"));
    const registry = await startRegistry(join(root, "registry"));
    try {
      const options = { tlsVerify: false, insecurePolicy: true } as const;
      const first = await openBerth({ ...options, root: join(root, "first") });
      const tar = join(root, "rootfs.tar");
      writeFileSync(tar, await smallRootfs("flow"));
      const { id } = await first.import(tar, { name: "flow" });
      await first.copy("store:flow", `docker://${registry.host}/flow/app:1`);

      const second = await openBerth({ ...options, root: join(root, "second") });
      const pulled = await second.pull(`${registry.host}/flow/app:1`);
      expect(pulled.id).toBe(id);
      expect((await second.images()).map((i) => i.Names)).toEqual([[`${registry.host}/flow/app:1`]]);

      const archive = join(root, "flow.tar");
      await second.save({ images: [`${registry.host}/flow/app:1`], output: archive });
      const third = await openBerth({ ...options, root: join(root, "third") });
      expect(await third.load(archive)).toEqual([`${registry.host}/flow/app:1`]);
      expect((await third.inspect(`${registry.host}/flow/app:1`)).Id).toBe(id);
    } finally {
      await registry.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
