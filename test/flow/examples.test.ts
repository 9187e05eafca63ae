/**
 * The scripts in examples/ against the real registry, run unchanged by Vitest
 * on Node and by `deno test` on Deno.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openBerth } from "../../index.ts";
import { roundTripThroughMemory } from "../../examples/custom-transport.ts";
import { loadFixture } from "../../examples/load-fixture.ts";
import { mirror } from "../../examples/mirror.ts";
import { pruneOld } from "../../examples/prune-old.ts";
import { pullAndInspect } from "../../examples/pull-and-inspect.ts";
import { startRegistry } from "../peers/registry.ts";
import { smallRootfs } from "../tarballs.ts";

describe("examples", () => {
  it("mirror, pull-and-inspect, load-fixture, prune-old and custom-transport do their jobs", async () => {
    const root = mkdtempSync(join(tmpdir(), "berth-examples-"));
    const registry = await startRegistry(join(root, "registry"));
    try {
      // A source image in the registry, made with the library.
      const origin = await openBerth({ root: join(root, "origin"), tlsVerify: false, insecurePolicy: true });
      const tar = join(root, "rootfs.tar");
      writeFileSync(tar, await smallRootfs("examples"));
      const { id } = await origin.import(tar, { name: "app", changes: ["LABEL example=yes"] });
      const upstream: string[] = [];
      for (const tag of ["1.0", "1.1"]) upstream.push((await origin.copy("store:app", `docker://${registry.host}/upstream/app:${tag}`)).manifestDigest);

      // A mirror keeps the digests of what it mirrors.
      const digests = await mirror(`${registry.host}/upstream/app`, `${registry.host}/mirror/app`, ["1.0", "1.1"], { tlsVerify: false, root: join(root, "mirror-store") });
      expect([digests["1.0"], digests["1.1"]]).toEqual(upstream);

      const facts = await pullAndInspect(`${registry.host}/mirror/app:1.1`, { tlsVerify: false, root: join(root, "pulled") });
      expect([facts.id, facts.labels]).toEqual([id, { example: "yes" }]);
      expect(facts.steps.at(-1)).toMatch(/^\/bin\/sh -c #\(nop\) ADD file:[0-9a-f]{64} in \/$/);

      const archive = join(root, "fixture.tar");
      await origin.save({ images: ["app"], output: archive });
      const fixture = await loadFixture(archive);
      expect([fixture.id, fixture.names]).toEqual([id, ["localhost/app:latest"]]);
      rmSync(fixture.root, { recursive: true, force: true });

      const kept = await roundTripThroughMemory("app", "from-memory", { root: join(root, "origin") });
      expect(kept.back).toBe(kept.inMemory);
      expect(kept.blobs).toBeGreaterThan(1);

      const pruned = await pruneOld("2999-01-01T00:00:00Z", { root: join(root, "origin") });
      expect(pruned).toEqual({ removed: 1, errors: [] });
      expect((await origin.images()).length).toBe(0);
    } finally {
      await registry.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
