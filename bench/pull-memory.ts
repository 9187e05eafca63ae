/**
 * Does berth's memory grow with the layer it pulls? Pulls one-layer images of
 * 64 MiB and 1 GiB of random data from a loopback registry and prints the peak
 * RSS of each pull. Run after `npm ci`: `npx deno run -A bench/pull-memory.ts`.
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBenchRegistry } from "./local-registry.ts";

const dir = mkdtempSync(join(tmpdir(), "berth-bench-mem-"));
const cli = new URL("../dist/cli.cjs", import.meta.url).pathname;
const must = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
  return r;
};
const registry = await startBenchRegistry(dir);
const host = registry.host;

try {
  for (const mib of [64, 1024]) {
    const file = join(dir, `data${mib}`);
    const fd = openSync(file, "w");
    const chunk = new Uint8Array(1 << 20);
    for (let i = 0; i < mib; i++) {
      for (let off = 0; off < chunk.length; off += 65536) crypto.getRandomValues(chunk.subarray(off, off + 65536));
      writeSync(fd, chunk);
    }
    closeSync(fd);
    const layout = join(dir, `layout${mib}`);
    must("umoci", ["init", "--layout", layout]);
    must("umoci", ["new", "--image", `${layout}:img`]);
    must("umoci", ["insert", "--rootless", "--image", `${layout}:img`, file, "/data"]);
    rmSync(file);
    must("skopeo", ["copy", "-q", "--dest-tls-verify=false", `oci:${layout}:img`, `docker://${host}/mem/img:${mib}`]);
    rmSync(layout, { recursive: true, force: true });
    const store = join(dir, `store${mib}`);
    const r = must("/usr/bin/time", ["-f", "%M %e", "node", cli, "--root", store, "pull", "-q", "--tls-verify=false", `${host}/mem/img:${mib}`]);
    const [rssKb, seconds] = r.stderr.trim().split("\n").pop()?.split(" ") ?? [];
    console.log(`one ${mib} MiB layer: berth pull peak RSS ${(Number(rssKb) / 1024).toFixed(0)} MB, ${seconds} s`);
    rmSync(store, { recursive: true, force: true });
  }
} finally {
  registry.stop();
  rmSync(dir, { recursive: true, force: true });
}
