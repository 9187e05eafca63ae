/**
 * `kill -9` at random moments of pulls, saves and loads, in a loop: after
 * each, `check --repair` then `check` find the store consistent, every blob
 * hashes to its name, what is listed inspects, no temporary file of the dead
 * process survives the repair (or the next save), and a save's output is
 * either whole or absent. The seed is printed, and `BERTH_KILL_SEED` replays it.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { noise, writeLayout } from "../layouts.ts";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { makeTar } from "../tarballs.ts";
import { tempDir, listing } from "../tmp.ts";
import { berth, berthBin, withPolicy } from "./berth.ts";

const root = tempDir();
const tmp = join(root, "tmp");
const out = join(root, "out");
let registry: Registry;
const env = { BERTH_ROOT: join(root, "store"), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc"), TMPDIR: tmp };
const archive = join(root, "image.tar");
const kills = 24;
const seed = Number(process.env["BERTH_KILL_SEED"] ?? Math.floor(Math.random() * 2 ** 31));

/** xorshift32: the moments to kill at, replayable from the seed. */
const random = (() => {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
})();

type Op = "pull" | "save" | "load";
const argsOf = (op: Op): string[] =>
  op === "pull"
    ? ["pull", "-q", "--tls-verify=false", `${registry.host}/kill/app:1`]
    : op === "save"
      ? ["save", "-o", join(out, "saved.tar"), `${registry.host}/kill/app:1`]
      : ["load", "-q", "-i", archive];

/** Runs `op` and kills it with SIGKILL after `ms` (it may have finished by then). */
const killAfter = async (op: Op, ms: number): Promise<number | null> => {
  const child = spawn(process.execPath, [berthBin, ...argsOf(op)], { env: withPolicy(env), stdio: "ignore" });
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  await Promise.race([sleep(ms), exited]);
  child.kill("SIGKILL");
  return exited;
};

const everyBlobMatchesItsName = () => {
  for (const hex of listing(join(env.BERTH_ROOT, "blobs/sha256"))) {
    expect(createHash("sha256").update(readFileSync(join(env.BERTH_ROOT, "blobs/sha256", hex))).digest("hex")).toBe(hex);
  }
};

/** How long one run of `op` takes here, so kills land anywhere in it. */
const durationOf = async (op: Op): Promise<number> => {
  const start = process.hrtime.bigint();
  const code = await killAfter(op, 60_000).catch(() => null);
  expect(code).toBe(0);
  return Number((process.hrtime.bigint() - start) / 1_000_000n);
};

beforeAll(async () => {
  mkdirSync(tmp, { recursive: true });
  mkdirSync(out, { recursive: true });
  registry = await startRegistry(join(root, "registry"));
  const layout = join(root, "layout");
  const layers = await Promise.all([1, 2, 3, 4].map((i) => makeTar([{ name: `data/${i}`, content: noise(2 * 1024 * 1024, i) }])));
  writeLayout(layout, [{ name: "app", layers, gzip: true }]);
  expect(berth(["copy", "-q", `oci:${layout}:app`, `docker://${registry.host}/kill/app:1`, "--dest-tls-verify=false"], { env }).status).toBe(0);
  const source = { ...env, BERTH_ROOT: join(root, "source") };
  expect(berth(["pull", "-q", "--tls-verify=false", `${registry.host}/kill/app:1`], { env: source }).status).toBe(0);
  expect(berth(["save", "-o", archive, `${registry.host}/kill/app:1`], { env: source }).status).toBe(0);
}, 120_000);
afterAll(async () => {
  await registry.stop();
});

describe("kill -9 at random moments", () => {
  it(`leaves a store that check --repair makes whole, ${kills} times over`, async () => {
    const ops: Op[] = ["pull", "save", "load"];
    const typical = new Map<Op, number>();
    // Pull into an empty store, save what it pulled, load into an empty store again: the work the kills interrupt.
    for (const op of ops) {
      if (op === "load") rmSync(env.BERTH_ROOT, { recursive: true, force: true });
      typical.set(op, await durationOf(op));
    }
    rmSync(join(out, "saved.tar"));
    rmSync(env.BERTH_ROOT, { recursive: true, force: true });
    const counts = { pull: 0, save: 0, load: 0 } as Record<Op, number>;
    const finished: string[] = [];
    for (let k = 0; k < kills; k++) {
      const op = ops[k % ops.length] as Op;
      if (op === "save") expect(berth(["pull", "-q", "--tls-verify=false", `${registry.host}/kill/app:1`], { env }).status).toBe(0);
      const at = Math.floor(random() * (typical.get(op) ?? 500));
      const code = await killAfter(op, at);
      counts[op]++;
      if (code === 0) finished.push(`${op}@${at}ms`);
      const listed = berth(["images", "-q", "--no-trunc"], { env });
      expect(listed.status).toBe(0);
      for (const id of listed.stdout.trim().split("\n").filter((l) => l !== "")) expect(berth(["inspect", id.replace(/^sha256:/, "")], { env }).status).toBe(0);
      expect(berth(["check", "--repair"], { env }).status).toBe(0);
      const checked = berth(["check"], { env });
      expect([k, op, at, checked.status, checked.stdout]).toEqual([k, op, at, 0, "the store is consistent\n"]);
      everyBlobMatchesItsName();
      // The repair swept the dead process's temporary files from the temp directory.
      expect([k, op, at, readdirSync(tmp)]).toEqual([k, op, at, []]);
      if (op === "save") {
        // The next save sweeps what the killed one left beside its output; the output is whole.
        expect(berth(["save", "-o", join(out, "saved.tar"), `${registry.host}/kill/app:1`], { env }).status).toBe(0);
        expect(readdirSync(out)).toEqual(["saved.tar"]);
        const reloaded = { ...env, BERTH_ROOT: join(root, `reload${k}`) };
        expect(berth(["load", "-q", "-i", join(out, "saved.tar")], { env: reloaded }).status).toBe(0);
        rmSync(reloaded.BERTH_ROOT, { recursive: true, force: true });
        rmSync(join(out, "saved.tar"));
      }
      if (k % 6 === 5) rmSync(env.BERTH_ROOT, { recursive: true, force: true });
    }
    expect(existsSync(join(out, "saved.tar"))).toBe(false);
    console.log(
      `kill-loop: seed ${seed} (BERTH_KILL_SEED=${seed} replays it): ${kills} kills (${counts.pull} pull, ${counts.save} save, ${counts.load} load; ` +
        `typical ${[...typical].map(([o, ms]) => `${o} ${ms} ms`).join(", ")}); ${finished.length} had finished before the kill; all clean after --repair`,
    );
  });
});
