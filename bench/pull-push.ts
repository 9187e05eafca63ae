/**
 * berth pull/push against skopeo on the same local registry.
 * Run after `npm ci`: `npx deno run -A bench/pull-push.ts [RUNS]`.
 *
 * Builds an image of 4 layers × 32 MiB of random data with umoci, pushes it
 * to a registry started on a loopback port, then times, paired and
 * alternating, `berth pull` against `skopeo copy docker://… oci:DIR`, and
 * `berth push` against `skopeo copy oci:DIR docker://…`, printing medians,
 * the ratio and berth's peak RSS.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, must, randomImage, timed } from "./measure.ts";
import { startBenchRegistry } from "./local-registry.ts";

const runs = Number(Deno.args[0] ?? "5");
const dir = mkdtempSync(join(tmpdir(), "berth-bench-pull-"));
const cli = new URL("../dist/cli.js", import.meta.url).pathname;


const registry = await startBenchRegistry(dir);
const host = registry.host;

try {
  const layout = join(dir, "layout");
  randomImage(dir, layout, 4, 32);
  must("skopeo", ["copy", "--dest-tls-verify=false", `oci:${layout}:img`, `docker://${host}/bench/img:1`]);
  console.log(`image: 4 layers x 32 MiB random data on ${host}; ${runs} paired runs`);

  const pulls = { berth: [] as number[], skopeo: [] as number[], rss: [] as number[] };
  for (let i = 0; i < runs; i++) {
    const store = join(dir, `store${i}`);
    const out = join(dir, `oci${i}`);
    const pair = i % 2 === 0 ? ["berth", "skopeo"] : ["skopeo", "berth"];
    for (const who of pair) {
      if (who === "berth") {
        const r = timed("node", [cli, "--root", store, "pull", "-q", "--tls-verify=false", `${host}/bench/img:1`], { HOME: dir });
        pulls.berth.push(r.ms);
        pulls.rss.push(r.rssMb);
      } else {
        pulls.skopeo.push(timed("skopeo", ["copy", "-q", "--src-tls-verify=false", `docker://${host}/bench/img:1`, `oci:${out}:img`]).ms);
      }
    }
    rmSync(out, { recursive: true, force: true });
    if (i > 0) rmSync(store, { recursive: true, force: true });
  }
  const source = join(dir, "store0");
  const pushes = { berth: [] as number[], skopeo: [] as number[], rss: [] as number[] };
  for (let i = 0; i < runs; i++) {
    const pair = i % 2 === 0 ? ["berth", "skopeo"] : ["skopeo", "berth"];
    for (const who of pair) {
      if (who === "berth") {
        const r = timed("node", [cli, "--root", source, "push", "-q", "--tls-verify=false", `${host}/bench/img:1`, `${host}/berth${i}/img:1`], { HOME: dir });
        pushes.berth.push(r.ms);
        pushes.rss.push(r.rssMb);
      } else {
        pushes.skopeo.push(timed("skopeo", ["copy", "-q", "--dest-tls-verify=false", `oci:${layout}:img`, `docker://${host}/skopeo${i}/img:1`]).ms);
      }
    }
  }
  for (const [what, m] of [["pull", pulls], ["push", pushes]] as const) {
    const b = median(m.berth);
    const s = median(m.skopeo);
    console.log(`${what} runs (ms): berth ${m.berth.map((x) => x.toFixed(0)).join(" ")}; skopeo ${m.skopeo.map((x) => x.toFixed(0)).join(" ")}`);
    console.log(`${what}: berth median ${b.toFixed(0)} ms, skopeo median ${s.toFixed(0)} ms, ratio berth/skopeo ${(b / s).toFixed(2)}, berth peak RSS ${Math.max(...m.rss).toFixed(0)} MB`);
  }
} finally {
  registry.stop();
  rmSync(dir, { recursive: true, force: true });
}
