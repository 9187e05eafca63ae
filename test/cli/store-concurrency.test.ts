/**
 * Several berth processes on one store at once: nothing is lost. This is the
 * lost-update bug of the OCI-layout tools (two writers of index.json), which
 * berth must not have.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth, berthBin } from "./berth.ts";

const run = (args: string[], env: Record<string, string>): Promise<{ status: number | null; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [berthBin, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("close", (status) => resolve({ status, stderr }));
  });

describe("concurrent writers", () => {
  it("keeps every tag and every import when many processes write at once", async () => {
    const root = tempDir();
    const home = join(root, "home");
    const env = { BERTH_ROOT: join(root, "store"), HOME: home, BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") };
    const tar = join(root, "base.tar");
    writeFileSync(tar, await smallRootfs("base"));
    expect(berth(["import", "-q", tar, "base"], { env }).status).toBe(0);
    const tarballs = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        const p = join(root, `extra${i}.tar`);
        writeFileSync(p, await smallRootfs(`extra${i}`));
        return p;
      }),
    );
    const tags = Array.from({ length: 24 }, (_, i) => `tagged${i}`);
    const results = await Promise.all([
      ...tags.map((t) => run(["tag", "base", t], env)),
      ...tarballs.map((p, i) => run(["import", "-q", p, `imported${i}`], env)),
    ]);
    expect(results.filter((r) => r.status !== 0)).toEqual([]);
    const listed = berth(["images", "--format", "json"], { env });
    const images = JSON.parse(listed.stdout) as { Names: string[] }[];
    const names = images.flatMap((i) => i.Names).sort();
    const expected = ["localhost/base:latest", ...tags.map((t) => `localhost/${t}:latest`), ...tarballs.map((_, i) => `localhost/imported${i}:latest`)].sort();
    expect(names).toEqual(expected);
    const index = JSON.parse(readFileSync(join(env.BERTH_ROOT, "index.json"), "utf8")) as { manifests: { annotations?: Record<string, string> }[] };
    expect(index.manifests.map((m) => m.annotations?.["org.opencontainers.image.ref.name"]).sort()).toEqual(expected);
    const check = berth(["check"], { env });
    expect([check.status, check.stdout]).toEqual([0, "the store is consistent\n"]);
  });
});
