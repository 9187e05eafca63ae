/** What every benchmark needs: timing a command with its peak RSS, running a setup step, medians, and a test image. */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Runs a command under /usr/bin/time: wall milliseconds and peak RSS in MB; a
 * failure throws. Dirty pages of earlier runs are flushed first, so that one
 * run's write-back does not land on the next (berth fsyncs what it stores,
 * skopeo does not, so leftover write-back would weigh on berth alone).
 */
export const timed = (cmd: string, args: string[], env: Record<string, string> = {}): { ms: number; rssMb: number } => {
  spawnSync("sync");
  const start = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", cmd, ...args], { encoding: "utf8", env: { ...Deno.env.toObject(), ...env }, maxBuffer: 1 << 26 });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
  return { ms, rssMb: Number(r.stderr.trim().split("\n").pop()) / 1024 };
};

/** Runs a setup step; a failure throws with its stderr. */
export const must = (cmd: string, args: string[]): void => {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
};

/** The middle value (the upper one of an even count). */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Builds `LAYOUT:img` with umoci: `layers` layers of `mib` MiB of random data each (umoci gzips them). */
export const randomImage = (dir: string, layout: string, layers: number, mib: number): void => {
  must("umoci", ["init", "--layout", layout]);
  must("umoci", ["new", "--image", `${layout}:img`]);
  for (let i = 0; i < layers; i++) {
    const file = join(dir, `layer${i}`);
    const data = new Uint8Array(mib << 20);
    for (let off = 0; off < data.length; off += 65536) crypto.getRandomValues(data.subarray(off, off + 65536));
    writeFileSync(file, data);
    must("umoci", ["insert", "--rootless", "--image", `${layout}:img`, file, `/data/layer${i}`]);
  }
};
