/**
 * A writer killed at any point leaves a store that `check --repair` makes
 * consistent, and `images` never lists an image whose blobs are missing.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { makeTar } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth, berthBin } from "./berth.ts";

/** Deterministic filler that does not compress to nothing. */
const filler = (seed: number, size: number): Uint8Array => {
  const out = new Uint8Array(size);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
};

describe("crashes", () => {
  it("survives imports and tags killed at many points", async () => {
    const root = tempDir();
    const env = { BERTH_ROOT: join(root, "store"), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") };
    const big = join(root, "big.tar");
    writeFileSync(big, await makeTar(Array.from({ length: 24 }, (_, i) => ({ name: `data/f${i}`, content: filler(i, 1 << 20) }))));
    expect(berth(["import", "-q", big, "survivor"], { env }).status).toBe(0);
    const delays = [5, 20, 40, 60, 80, 100, 130, 160, 200, 260, 330, 420];
    for (const [k, delay] of delays.entries()) {
      const child = spawn(process.execPath, [berthBin, "import", "-q", "-c", `LABEL round=${k}`, big, `victim${k}`], { env: { ...process.env, ...env }, stdio: "ignore" });
      const tagger = spawn(process.execPath, [berthBin, "tag", "survivor", `tag${k}`], { env: { ...process.env, ...env }, stdio: "ignore" });
      const exited = Promise.all([new Promise((r) => child.on("close", r)), new Promise((r) => tagger.on("close", r))]);
      await sleep(delay);
      child.kill("SIGKILL");
      tagger.kill("SIGKILL");
      await exited;
      const listed = berth(["images", "-q", "--no-trunc"], { env });
      expect(listed.status).toBe(0);
      // Whatever is listed is whole: inspect reads its manifest and config.
      for (const id of listed.stdout.trim().split("\n")) expect(berth(["inspect", id.slice(7)], { env }).status).toBe(0);
      const repaired = berth(["check", "--repair"], { env });
      expect(repaired.status).toBe(0);
      const check = berth(["check"], { env });
      expect([check.status, check.stdout]).toEqual([0, "the store is consistent\n"]);
    }
    expect(berth(["images", "survivor", "--format", "json"], { env }).stdout).toContain("localhost/survivor:latest");
  });
});
