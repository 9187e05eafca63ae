/**
 * Mirroring a repository: `berth sync` against `skopeo sync --src docker
 * --dest docker` of the same repository (20 tags of 3 gzip layers each, all
 * different) between two local registries. Every run syncs into a registry of
 * its own, with berth's store and skopeo's blob-info caches removed, so nobody
 * mounts from what an earlier run left; the order alternates; then each tool
 * syncs again into the registry it just filled (the re-run: everything is
 * there). Every run is printed, then the ratio of medians.
 * Run after `npm ci`: `npx deno run -A bench/sync.ts [RUNS]` (default 5).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { layoutImage, median, must, timed, type Timed } from "./measure.ts";
import { startBenchRegistry } from "./local-registry.ts";

const runs = Number(Deno.args[0] ?? "5");
const tags = 20;
const dir = mkdtempSync(join(tmpdir(), "berth-bench-sync-"));
const cli = new URL("../dist/cli.cjs", import.meta.url).pathname;
const home = join(dir, "home");
const caches = ["/var/lib/containers/cache", join(home, ".local/share/containers/cache")];
const KiB = 1024;

const source = await startBenchRegistry(join(dir, "source"));
try {
  for (let i = 0; i < tags; i++) {
    const layout = join(dir, `layout-${i}`);
    layoutImage(layout, [2048 * KiB, 1024 * KiB, 256 * KiB]);
    // skopeo gzips the layers on the way, as a registry holds them.
    must("skopeo", ["copy", "-q", "--dest-tls-verify=false", `oci:${layout}:img`, `docker://${source.host}/bench/app:v${i}`]);
    rmSync(layout, { recursive: true, force: true });
  }
  console.log(`source ${source.host}/bench/app: ${tags} tags of 3 gzip layers (2 MiB, 1 MiB, 256 KiB of random data); ${runs} runs of each, alternating`);
  const first: Record<string, Timed[]> = { berth: [], skopeo: [] };
  const again: Record<string, Timed[]> = { berth: [], skopeo: [] };
  for (let i = 0; i < runs; i++) {
    for (const who of i % 2 === 0 ? ["berth", "skopeo"] : ["skopeo", "berth"]) {
      for (const c of caches) rmSync(c, { recursive: true, force: true });
      const store = join(dir, "store");
      rmSync(store, { recursive: true, force: true });
      const target = await startBenchRegistry(join(dir, `target-${i}-${who}`));
      const run = () =>
        who === "berth"
          ? timed("node", [cli, "--root", store, "sync", "-q", "--src", "docker", "--dest", "docker", "--src-tls-verify=false", "--dest-tls-verify=false", `${source.host}/bench/app`, `${target.host}/mirror`], { HOME: home })
          : timed("skopeo", ["sync", "--src", "docker", "--dest", "docker", "--src-tls-verify=false", "--dest-tls-verify=false", `${source.host}/bench/app`, `${target.host}/mirror`], { HOME: home });
      try {
        first[who]?.push(run());
        again[who]?.push(run());
      } finally {
        target.stop();
        rmSync(join(dir, `target-${i}-${who}`), { recursive: true, force: true });
      }
    }
  }
  const lines: string[] = [];
  for (const [what, series] of [["sync", first], ["re-run (everything there)", again]] as const) {
    for (const [who, xs] of Object.entries(series)) console.log(`  ${what} ${who} (ms): ${xs.map((x) => x.ms.toFixed(0)).join(" ")}`);
    const b = median((series["berth"] ?? []).map((x) => x.ms));
    const s = median((series["skopeo"] ?? []).map((x) => x.ms));
    const rss = Math.max(...(series["berth"] ?? []).map((x) => x.rssMb));
    lines.push(`${what}: berth ${b.toFixed(0)} ms, skopeo ${s.toFixed(0)} ms, ratio ${(b / s).toFixed(2)}${what === "sync" ? " (target <= 0.7)" : ""}, berth peak RSS ${rss.toFixed(0)} MB`);
  }
  console.log("\nsummary");
  for (const l of lines) console.log(`  ${l}`);
} finally {
  source.stop();
  rmSync(dir, { recursive: true, force: true });
}
