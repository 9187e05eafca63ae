/**
 * berth save/load of a docker archive against skopeo on the same image.
 * Run after `npm ci`: `npx deno run -A bench/save-load.ts [RUNS]`.
 *
 * Builds an image of 4 layers × 32 MiB of random data with umoci (gzip
 * layers, as pulled from a registry), copies it into a berth store, then
 * times, paired and alternating: `berth save` against
 * `skopeo copy oci:DIR docker-archive:FILE` (both decompress every layer),
 * and `berth load` against `skopeo copy docker-archive:FILE oci:DIR`.
 * Prints medians, ratios and berth's peak RSS.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, must, randomImage, timed } from "./measure.ts";

const runs = Number(Deno.args[0] ?? "5");
const dir = mkdtempSync(join(tmpdir(), "berth-bench-save-"));
const cli = new URL("../dist/cli.cjs", import.meta.url).pathname;


try {
  const layout = join(dir, "layout");
  randomImage(dir, layout, 4, 32);
  const store = join(dir, "store");
  const env = { BERTH_ROOT: store, HOME: dir };
  must("node", [cli, "--root", store, "copy", "-q", `oci:${layout}:img`, "store:bench/img:1"]);
  console.log(`image: 4 layers x 32 MiB random data (gzip); ${runs} paired runs`);

  const saves = { berth: [] as number[], skopeo: [] as number[], rss: [] as number[] };
  const loads = { berth: [] as number[], skopeo: [] as number[], rss: [] as number[] };
  for (let i = 0; i < runs; i++) {
    const ours = join(dir, `berth${i}.tar`);
    const theirs = join(dir, `skopeo${i}.tar`);
    for (const who of i % 2 === 0 ? ["berth", "skopeo"] : ["skopeo", "berth"]) {
      if (who === "berth") {
        const r = timed("node", [cli, "save", "-o", ours, "bench/img:1"], env);
        saves.berth.push(r.ms);
        saves.rss.push(r.rssMb);
      } else saves.skopeo.push(timed("skopeo", ["copy", "-q", `oci:${layout}:img`, `docker-archive:${theirs}:localhost/bench/img:1`]).ms);
    }
    for (const who of i % 2 === 0 ? ["skopeo", "berth"] : ["berth", "skopeo"]) {
      if (who === "berth") {
        const r = timed("node", [cli, "--root", join(dir, `loaded${i}`), "load", "-q", "-i", theirs], env);
        loads.berth.push(r.ms);
        loads.rss.push(r.rssMb);
      } else loads.skopeo.push(timed("skopeo", ["copy", "-q", `docker-archive:${ours}`, `oci:${join(dir, `oci${i}`)}:img`]).ms);
    }
    for (const p of [ours, theirs, join(dir, `loaded${i}`), join(dir, `oci${i}`)]) rmSync(p, { recursive: true, force: true });
  }
  for (const [what, m] of [["save", saves], ["load", loads]] as const) {
    const b = median(m.berth);
    const s = median(m.skopeo);
    console.log(`${what} runs (ms): berth ${m.berth.map((x) => x.toFixed(0)).join(" ")}; skopeo ${m.skopeo.map((x) => x.toFixed(0)).join(" ")}`);
    console.log(`${what}: berth median ${b.toFixed(0)} ms, skopeo median ${s.toFixed(0)} ms, ratio berth/skopeo ${(b / s).toFixed(2)}, berth peak RSS ${Math.max(...m.rss).toFixed(0)} MB`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
