/**
 * The `berth` executable's code cache: made once per build in the user's
 * cache directory by a command that succeeds, used afterwards, replaced when V8 refuses it, never taken
 * from a file someone else could have written, and never in the way of the
 * command when it cannot be read or written; asking for help or the version
 * does not make it.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../tmp.ts";
import { berthBin } from "./berth.ts";

const store = tempDir("berth-code-cache-store-");

/** `berth images` of an empty store: a real command (`--version` and `--help` leave the cache alone). */
const run = (env: Record<string, string>, cwd?: string, args: ReadonlyArray<string> = ["--root", store, "images"]) => {
  const base = { ...process.env };
  delete base["XDG_CACHE_HOME"];
  delete base["BERTH_CODE_CACHE"];
  const r = spawnSync(process.execPath, [berthBin, ...args], { encoding: "utf8", env: { ...base, ...env }, ...(cwd === undefined ? {} : { cwd }) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

const listed = /^REPOSITORY\s+TAG/;

const cacheFiles = (dir: string): string[] => (existsSync(join(dir, "berth")) ? readdirSync(join(dir, "berth")) : []);

describe("the code cache", () => {
  it("is written once, private to the user, and used by the next command", () => {
    const dir = tempDir("berth-code-cache-");
    for (const args of [["--version"], ["--help"], ["images", "--help"]]) expect(run({ XDG_CACHE_HOME: dir }, undefined, args)).toMatchObject({ status: 0, stderr: "" });
    expect(cacheFiles(dir)).toEqual([]);
    const first = run({ XDG_CACHE_HOME: dir });
    expect(first).toMatchObject({ status: 0, stderr: "" });
    expect(first.stdout).toMatch(listed);
    const files = cacheFiles(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^code-v\d+.*\.bin$/);
    const file = join(dir, "berth", files[0] ?? "");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "berth")).mode & 0o777).toBe(0o700);
    const bytes = readFileSync(file);
    const second = run({ XDG_CACHE_HOME: dir });
    expect(second).toEqual(first);
    // Accepted, so not written again.
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(cacheFiles(dir)).toEqual(files);
  });

  it("is left to the first command that succeeds: one that fails early compiled little", () => {
    const dir = tempDir("berth-code-cache-");
    const failed = run({ XDG_CACHE_HOME: dir }, undefined, ["--root", store, "pull", "not a name"]);
    expect(failed.status).toBe(125);
    expect(cacheFiles(dir)).toEqual([]);
    expect(run({ XDG_CACHE_HOME: dir })).toMatchObject({ status: 0, stderr: "" });
    expect(cacheFiles(dir)).toHaveLength(1);
  });

  it("replaces a cache V8 refuses, one writable by others, and caches of other builds", () => {
    const dir = tempDir("berth-code-cache-");
    run({ XDG_CACHE_HOME: dir });
    const name = cacheFiles(dir)[0] ?? "";
    const file = join(dir, "berth", name);
    const good = readFileSync(file);
    const garbage = Buffer.alloc(good.byteLength, 7);
    for (const mode of [0o600, 0o666]) {
      writeFileSync(file, garbage);
      chmodSync(file, mode);
      writeFileSync(join(dir, "berth", "code-v0.0.0-old-build.bin"), "old");
      const r = run({ XDG_CACHE_HOME: dir });
      expect(r).toMatchObject({ status: 0, stderr: "" });
      expect(r.stdout).toMatch(listed);
      expect(readFileSync(file).equals(garbage)).toBe(false);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(cacheFiles(dir)).toEqual([name]);
    }
  });

  it("is not used when turned off, when the cache directory is relative, or when it cannot be written", () => {
    const dir = tempDir("berth-code-cache-");
    expect(run({ XDG_CACHE_HOME: dir, BERTH_CODE_CACHE: "0" })).toMatchObject({ status: 0, stderr: "" });
    expect(cacheFiles(dir)).toEqual([]);
    expect(run({ XDG_CACHE_HOME: "relative/cache" }, dir)).toMatchObject({ status: 0, stderr: "" });
    expect(readdirSync(dir)).toEqual([]);
    // Nothing can be created under /proc/self, not even by root.
    const r = run({ XDG_CACHE_HOME: "/proc/self" });
    expect(r).toMatchObject({ status: 0, stderr: "" });
    expect(r.stdout).toMatch(listed);
  });

  it("loads a bundle built in ASCII, which the launcher reads as Latin-1", () => {
    const bundle = readFileSync(join(berthBin, "..", "cli-main.cjs"));
    expect(bundle.byteLength).toBeGreaterThan(0);
    expect(bundle.findIndex((b) => b > 0x7f)).toBe(-1);
  });

  it("compiles the bundle's text as it is: one function expression taking CommonJS's arguments", () => {
    const text = readFileSync(join(berthBin, "..", "cli-main.cjs"), "latin1");
    expect(text.startsWith("(function (exports, require, module, __filename, __dirname) {\n")).toBe(true);
    expect(text.trimEnd().split("\n").slice(-2)).toEqual(["})", "//# sourceMappingURL=cli-main.cjs.map"]);
  });
});
