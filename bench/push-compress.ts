/**
 * Pushing an imported root filesystem of real files, compressed on the way:
 * `berth push` against `podman push` of the same import and `skopeo copy`
 * from the same OCI layout (berth's store), gzip and then zstd. Every run
 * pushes into a registry of its own (nothing to mount, nothing in any blob-info
 * cache about it); the order rotates; every run is printed, then the ratio of
 * medians against the faster peer.
 * Run after `npm ci`: `npx deno run -A bench/push-compress.ts [RUNS]` (default 5).
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, must, timed, type Timed } from "./measure.ts";
import { startBenchRegistry } from "./local-registry.ts";

const runs = Number(Deno.args[0] ?? "5");
const dir = mkdtempSync(join(tmpdir(), "berth-bench-compress-"));
const cli = new URL("../dist/cli.cjs", import.meta.url).pathname;
const store = join(dir, "store");
const podmanArgs = ["--root", join(dir, "podman"), "--runroot", join(dir, "podman-run"), "--storage-driver", "vfs"];
const caches = [join(dir, "store", "berth", "blob-info"), "/var/lib/containers/cache", join(Deno.env.get("HOME") ?? dir, ".local/share/containers/cache")];

try {
  // Real files, as an application image's base holds them.
  const tar = join(dir, "rootfs.tar");
  must("tar", ["-cf", tar, "-C", "/", "usr/bin", "usr/lib/python3", "usr/share/perl"]);
  const mb = statSync(tar).size / 1e6;
  must("node", [cli, "--root", store, "import", "-q", tar, "app:1"]);
  must("podman", [...podmanArgs, "import", "-q", tar, "localhost/app:1"]);
  console.log(`rootfs.tar: ${mb.toFixed(0)} MB of /usr/bin, /usr/lib/python3, /usr/share/perl; ${runs} runs of each, in rotating order`);

  const summary: string[] = [];
  for (const format of ["gzip", "zstd"] as const) {
    const series: Record<string, Timed[]> = { berth: [], podman: [], skopeo: [] };
    const who = Object.keys(series);
    for (let i = 0; i < runs; i++) {
      for (const w of who.map((_, k) => who[(k + i) % who.length] as string)) {
        for (const c of caches) rmSync(c, { recursive: true, force: true });
        const own = await startBenchRegistry(join(dir, `registry-${format}-${i}-${w}`));
        const to = `${own.host}/bench/app:1`;
        try {
          series[w]?.push(
            w === "berth"
              ? timed("node", [cli, "--root", store, "push", "-q", "--tls-verify=false", ...(format === "zstd" ? ["--compression-format", "zstd"] : []), "app:1", to])
              : w === "podman"
                ? timed("podman", [...podmanArgs, "push", "-q", "--tls-verify=false", ...(format === "zstd" ? ["--compression-format", "zstd"] : []), "localhost/app:1", `docker://${to}`])
                : timed("skopeo", ["copy", "-q", "--dest-tls-verify=false", "--dest-compress", ...(format === "zstd" ? ["--dest-compress-format", "zstd"] : []), `oci:${store}:localhost/app:1`, `docker://${to}`]),
          );
        } finally {
          own.stop();
          rmSync(join(dir, `registry-${format}-${i}-${w}`), { recursive: true, force: true });
        }
      }
    }
    for (const [w, xs] of Object.entries(series)) console.log(`  ${format} ${w} (ms): ${xs.map((x) => x.ms.toFixed(0)).join(" ")}; peak RSS ${Math.max(...xs.map((x) => x.rssMb)).toFixed(0)} MB`);
    const m = (w: string) => median((series[w] ?? []).map((x) => x.ms));
    const faster = Math.min(m("podman"), m("skopeo"));
    const line = `push ${format}: berth ${m("berth").toFixed(0)} ms, podman ${m("podman").toFixed(0)} ms, skopeo ${m("skopeo").toFixed(0)} ms, ratio to the faster ${(m("berth") / faster).toFixed(2)} (target <= 0.9), berth peak RSS ${Math.max(...(series["berth"] ?? []).map((x) => x.rssMb)).toFixed(0)} MB (target < 150)`;
    console.log(line);
    summary.push(line);
  }
  console.log("\nsummary");
  for (const s of summary) console.log(`  ${s}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
