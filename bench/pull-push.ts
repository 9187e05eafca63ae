/**
 * berth against skopeo on loopback registries: every speed target of the
 * pull and push work in one run, each as the ratio of medians of paired,
 * alternating runs with fresh destinations, every run printed.
 * Run after `npm ci`: `npx deno run -A bench/pull-push.ts [RUNS]` (default 12: whole rounds of
 * the balanced order for three and four tools).
 *
 * - pull of 4 × 32 MiB, 4 × 256 MiB and 24 layers of 1 KiB to 64 MiB:
 *   `berth pull` (and the library on Deno, for the first and last) against
 *   `skopeo copy docker://… oci:DIR`;
 * - push of 4 × 32 MiB where nothing can be mounted: every run pushes into a
 *   registry of its own (skopeo's blob-info cache knows nothing of it), both
 *   from berth's store (an OCI layout), where the image pulled from the
 *   registry keeps its gzip layers: the same bytes go up, nobody compresses;
 * - push where every blob can be mounted: into a new repository of the
 *   registry the image came from, both from berth's store;
 * - peak RSS of every berth run, and of a pull of one 1 GiB layer;
 * - for every pull, the floor: `pull-floor.cjs`, the least a Node program does
 *   to fetch the same layers verified and durably (raw sockets, sha256, writes,
 *   fdatasync; no manifest, no config, no library), run in the same rounds,
 *   and the start of Node itself (`node -e 0`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { balancedOrder, layoutImage, median, must, timed, type Timed } from "./measure.ts";
import { startBenchRegistry } from "./local-registry.ts";

const runs = Number(Deno.args[0] ?? "12");
const dir = mkdtempSync(join(tmpdir(), "berth-bench-pull-"));
const cli = new URL("../dist/cli.cjs", import.meta.url).pathname;
const denoPull = new URL("./deno-pull.ts", import.meta.url).pathname;
const floor = new URL("./pull-floor.cjs", import.meta.url).pathname;
const MiB = 1 << 20;

const registry = await startBenchRegistry(join(dir, "source"));
const host = registry.host;
const results: string[] = [];

const report = (what: string, target: string, series: Record<string, Timed[]>): void => {
  for (const [who, xs] of Object.entries(series)) console.log(`  ${what} ${who} (ms): ${xs.map((x) => x.ms.toFixed(0)).join(" ")}`);
  const berth = series["berth"] ?? [];
  const skopeo = series["skopeo"] ?? [];
  const b = median(berth.map((x) => x.ms));
  const s = median(skopeo.map((x) => x.ms));
  const rss = Math.max(...berth.map((x) => x.rssMb));
  const deno = series["berth on Deno"];
  const denoText = deno === undefined ? "" : `; on Deno ${median(deno.map((x) => x.ms)).toFixed(0)} ms, ratio ${(median(deno.map((x) => x.ms)) / s).toFixed(2)}`;
  const least = series["floor"];
  const floorText = least === undefined ? "" : `; floor ${median(least.map((x) => x.ms)).toFixed(0)} ms, ratio ${(median(least.map((x) => x.ms)) / s).toFixed(2)}`;
  const line = `${what}: berth ${b.toFixed(0)} ms, skopeo ${s.toFixed(0)} ms, ratio ${(b / s).toFixed(2)} (target ${target}), berth peak RSS ${rss.toFixed(0)} MB${denoText}${floorText}`;
  console.log(line);
  results.push(line);
};

/** The digests of the layers of `repo:1` in the bench registry, for the floor program. */
const layersOf = async (repo: string): Promise<string[]> => {
  const response = await fetch(`http://${host}/v2/${repo}/manifests/1`, { headers: { accept: "application/vnd.oci.image.manifest.v1+json" } });
  const manifest = (await response.json()) as { layers: Array<{ digest: string }> };
  return manifest.layers.map((l) => l.digest);
};

/** Pulls `repo:1` with each tool (and the floor program) in turn, `runs` times, each into a fresh destination. */
const pulls = async (repo: string, withDeno: boolean): Promise<Record<string, Timed[]>> => {
  const ref = `${host}/${repo}:1`;
  const layers = await layersOf(repo);
  const who = withDeno ? ["berth", "skopeo", "floor", "berth on Deno"] : ["berth", "skopeo", "floor"];
  const series: Record<string, Timed[]> = Object.fromEntries(who.map((w) => [w, []]));
  for (let i = 0; i < runs; i++) {
    for (const w of balancedOrder(who, i)) {
      const out = join(dir, "out");
      const t =
        w === "berth"
          ? timed("node", [cli, "--root", out, "pull", "-q", "--tls-verify=false", ref], { HOME: dir })
          : w === "skopeo"
            ? timed("skopeo", ["copy", "-q", "--src-tls-verify=false", `docker://${ref}`, `oci:${out}:img`])
            : w === "floor"
              ? timed("node", [floor, "durable", host, repo, out, ...layers])
              : timed(Deno.execPath(), ["run", "-A", "--quiet", denoPull, out, ref], { HOME: dir });
      series[w]?.push(t);
      rmSync(out, { recursive: true, force: true });
    }
  }
  return series;
};

try {
  const images = [
    { name: "small", sizes: [32, 32, 32, 32].map((m) => m * MiB) },
    { name: "large", sizes: [256, 256, 256, 256].map((m) => m * MiB) },
    // The shape of application images: many small layers, a few large ones.
    { name: "mixed", sizes: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 2, 8, 32, 128, 512, 2048, 8192, 32768, 3, 12, 48, 192, 768, 3072, 12288].map((k) => k * 1024) },
    { name: "huge", sizes: [1024 * MiB] },
  ];
  for (const image of images) {
    const layout = join(dir, `layout-${image.name}`);
    layoutImage(layout, image.sizes);
    must("skopeo", ["copy", "-q", "--dest-tls-verify=false", `oci:${layout}:img`, `docker://${host}/bench/${image.name}:1`]);
    rmSync(layout, { recursive: true, force: true });
  }
  // berth keeps V8's compiled code in the cache directory of the HOME it runs with: made here, once, by a first pull, as a user's first command makes it.
  timed("node", [cli, "--root", join(dir, "warm-up"), "pull", "-q", "--tls-verify=false", `${host}/bench/small:1`], { HOME: dir });
  rmSync(join(dir, "warm-up"), { recursive: true, force: true });
  console.log(`registry ${host}; ${runs} runs of each, in balanced order (each tool first, and after each other tool, equally often)`);

  const starts: Timed[] = [];
  for (let i = 0; i < runs; i++) starts.push(timed("node", ["-e", "0"]));
  const start = `start of Node (node -e 0): ${median(starts.map((x) => x.ms)).toFixed(0)} ms (runs ${starts.map((x) => x.ms.toFixed(0)).join(" ")})`;
  console.log(start);
  results.push(start);

  report("pull 4 x 32 MiB", "<= 0.9", await pulls("bench/small", true));
  report("pull 4 x 256 MiB", "<= 0.7", await pulls("bench/large", false));
  report("pull 24 layers, 1 KiB to 64 MiB", "<= 0.9", await pulls("bench/mixed", true));

  const store = join(dir, "store");
  must("node", [cli, "--root", store, "pull", "-q", "--tls-verify=false", `${host}/bench/small:1`]);
  const full: Record<string, Timed[]> = { berth: [], skopeo: [] };
  for (let i = 0; i < runs; i++) {
    for (const w of balancedOrder(["berth", "skopeo"], i)) {
      // A registry of its own for every push: nothing there to mount, nothing in skopeo's cache about it.
      const own = await startBenchRegistry(join(dir, `push-${i}-${w}`));
      try {
        full[w]?.push(
          w === "berth"
            ? timed("node", [cli, "--root", store, "push", "-q", "--tls-verify=false", `${host}/bench/small:1`, `${own.host}/full/img:1`], { HOME: dir })
            : timed("skopeo", ["copy", "-q", "--dest-tls-verify=false", `oci:${store}:${host}/bench/small:1`, `docker://${own.host}/full/img:1`]),
        );
      } finally {
        own.stop();
        rmSync(join(dir, `push-${i}-${w}`), { recursive: true, force: true });
      }
    }
  }
  report("push 4 x 32 MiB, every byte uploaded", "<= 0.9", full);

  const mounts: Record<string, Timed[]> = { berth: [], skopeo: [] };
  for (let i = 0; i < runs; i++) {
    for (const w of balancedOrder(["berth", "skopeo"], i)) {
      mounts[w]?.push(
        w === "berth"
          ? timed("node", [cli, "--root", store, "push", "-q", "--tls-verify=false", `${host}/bench/small:1`, `${host}/mount-berth-${i}/img:1`], { HOME: dir })
          : timed("skopeo", ["copy", "-q", "--dest-tls-verify=false", `oci:${store}:${host}/bench/small:1`, `docker://${host}/mount-skopeo-${i}/img:1`]),
      );
    }
  }
  report("push 4 x 32 MiB, every blob mounted", "<= 2.0", mounts);

  const huge = timed("node", [cli, "--root", join(dir, "huge"), "pull", "-q", "--tls-verify=false", `${host}/bench/huge:1`], { HOME: dir });
  const line = `pull of one 1 GiB layer: berth ${huge.ms.toFixed(0)} ms, peak RSS ${huge.rssMb.toFixed(0)} MB (target < 150 MB)`;
  console.log(line);
  results.push(line);
  console.log("\nsummary");
  for (const r of results) console.log(`  ${r}`);
} finally {
  registry.stop();
  rmSync(dir, { recursive: true, force: true });
}
