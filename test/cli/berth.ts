/** Runs the built `berth` binary (dist/cli.cjs) and collects what it printed. */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { outputOf } from "../spawn.ts";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Path of the built CLI entry. */
export const berthBin = join(root, "dist", "cli.cjs");

/**
 * The tests' default signature policy: where a test points berth at its own
 * system config directory and has put no policy.json there, one that accepts
 * anything is written, as Debian's containers-common installs it. Tests of
 * policies write their own (or set BERTH_TEST_NO_POLICY=1 to have none).
 */
export const withPolicy = (env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv => {
  const dir = env?.["BERTH_SYSTEM_CONFIG_DIR"];
  if (dir !== undefined && env?.["BERTH_TEST_NO_POLICY"] !== "1" && !existsSync(join(dir, "policy.json"))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "policy.json"), '{"default":[{"type":"insecureAcceptAnything"}]}\n');
  }
  return { ...process.env, ...env };
};

/** The outcome of one `berth` run. */
export interface BerthRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `berth ARGS…` to completion with an optional stdin and environment. */
export const berth = (args: ReadonlyArray<string>, options: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string } = {}): BerthRun => {
  const r = spawnSync(process.execPath, [berthBin, ...args], {
    encoding: "utf8",
    input: options.input ?? "",
    env: withPolicy(options.env),
    cwd: options.cwd ?? root,
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** Like {@link berth}, without blocking the test's event loop (needed when the test itself serves HTTP). */
export const berthAsync = (args: ReadonlyArray<string>, options: { env?: NodeJS.ProcessEnv } = {}): Promise<BerthRun> =>
  outputOf(spawn(process.execPath, [berthBin, ...args], { env: withPolicy(options.env), cwd: root, stdio: ["ignore", "pipe", "pipe"] }));
