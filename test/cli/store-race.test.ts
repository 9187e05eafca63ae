/**
 * Pulls racing removals that share a layer with them: a pull finds the
 * layer in the store and skips it while an `rmi` of the last image using it
 * deletes it. podman 4.3 loses such pulls (6 of 20 in the same test); berth
 * must lose none: a pull claims what it relies on, and removal keeps claimed
 * blobs.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeLayout, noise } from "../layouts.ts";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { outputOf } from "../spawn.ts";
import { makeTar } from "../tarballs.ts";
import { tempDir, listing } from "../tmp.ts";
import { berth, berthBin, withPolicy } from "./berth.ts";

const root = tempDir();
let registry: Registry;
const envAt = (store: string) => ({ BERTH_ROOT: join(root, store), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") });
const rounds = 5;
const pairs = 4;

const run = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  outputOf(spawn(process.execPath, [berthBin, ...args], { env: withPolicy(env), stdio: ["ignore", "pipe", "pipe"] }));

beforeAll(async () => {
  registry = await startRegistry(join(root, "registry"));
  const shared = await makeTar([{ name: "shared/base", content: noise(2 * 1024 * 1024, 1) }]);
  const own = (name: string, seed: number) => makeTar([{ name: `own/${name}`, content: noise(1024 * 1024, seed) }]);
  const images = [];
  for (let i = 0; i < pairs; i++) {
    images.push({ name: `victim${i}`, layers: [shared, await own(`victim${i}`, 100 + i)] });
    images.push({ name: `pulled${i}`, layers: [shared, await own(`pulled${i}`, 200 + i)] });
  }
  const layout = join(root, "layout");
  writeLayout(layout, images);
  const e = envAt("push");
  for (const image of images) {
    const r = berth(["copy", "-q", `oci:${layout}:${image.name}`, `docker://${registry.host}/race/${image.name}:1`, "--dest-tls-verify=false"], { env: e });
    expect([image.name, r.status, r.stderr]).toEqual([image.name, 0, ""]);
  }
}, 120_000);
afterAll(async () => {
  await registry.stop();
});

describe("pulls racing removals of images that share a layer", () => {
  it(`loses no pull in ${rounds} rounds of ${pairs} pulls and ${pairs} removals`, async () => {
    const failures: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const e = envAt(`round${round}`);
      for (let i = 0; i < pairs; i++) expect(berth(["pull", "-q", "--tls-verify=false", `${registry.host}/race/victim${i}:1`], { env: e }).status).toBe(0);
      const results = await Promise.all([
        ...Array.from({ length: pairs }, (_, i) => run(["pull", "-q", "--tls-verify=false", `${registry.host}/race/pulled${i}:1`], e).then((r) => ({ what: `pull pulled${i}`, ...r }))),
        ...Array.from({ length: pairs }, (_, i) => run(["rmi", `${registry.host}/race/victim${i}:1`], e).then((r) => ({ what: `rmi victim${i}`, ...r }))),
      ]);
      for (const r of results) if (r.status !== 0) failures.push(`round ${round}: ${r.what}: exit ${r.status}: ${r.stderr.trim()}`);
      const names = (JSON.parse(berth(["images", "--format", "json"], { env: e }).stdout) as { Names: string[] }[]).flatMap((i) => i.Names).sort();
      const wanted = Array.from({ length: pairs }, (_, i) => `${registry.host}/race/pulled${i}:1`).sort();
      if (JSON.stringify(names) !== JSON.stringify(wanted)) failures.push(`round ${round}: the store holds ${JSON.stringify(names)}`);
      expect(berth(["check"], { env: e }).stdout).toBe("the store is consistent\n");
      for (const hex of listing(join(e.BERTH_ROOT, "blobs/sha256"))) {
        expect(createHash("sha256").update(readFileSync(join(e.BERTH_ROOT, "blobs/sha256", hex))).digest("hex")).toBe(hex);
      }
    }
    console.log(`store-race: ${rounds} rounds × (${pairs} pulls + ${pairs} rmi): ${failures.length} failures`);
    expect(failures).toEqual([]);
  });
});
