/** Runs the built `berth` binary (dist/cli.js) and collects what it printed. */
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Path of the built CLI entry. */
export const berthBin = join(root, "dist", "cli.js");

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
    env: { ...process.env, ...options.env },
    cwd: options.cwd ?? root,
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
