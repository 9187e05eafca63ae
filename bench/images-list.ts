/**
 * How long `berth images` takes on a store with 10,000 images.
 * Run after `npm ci`: `npx deno run -A bench/images-list.ts [COUNT]`.
 *
 * The store is synthesised (records only, as listing reads nothing else),
 * then `berth images`, `images -q` and `images --filter` are timed over
 * several runs; the median and peak RSS are printed.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const count = Number(Deno.args[0] ?? "10000");
const root = mkdtempSync(join(tmpdir(), "berth-bench-"));
const hex = (n: number, salt: string): string => (salt + n.toString(16)).padStart(64, "0").slice(-64);

const images = Array.from({ length: count }, (_, i) => ({
  id: hex(i, "a"),
  names: i % 10 === 0 ? [] : [`registry.example.com/team${i % 50}/app${i}:v${i % 7}`],
  manifestDigest: `sha256:${hex(i, "b")}`,
  manifestMediaType: "application/vnd.oci.image.manifest.v1+json",
  manifestSize: 500,
  digests: [`sha256:${hex(i, "b")}`],
  created: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
  size: 1_000_000 + i,
  labels: { tier: i % 2 === 0 ? "front" : "back", "org.example.build": String(i) },
  os: "linux",
  architecture: "amd64",
  diffIds: [`sha256:${hex(i, "c")}`],
  history: [`sha256:${hex(i, "d")}`],
  blobs: [`sha256:${hex(i, "b")}`, `sha256:${hex(i, "e")}`, `sha256:${hex(i, "c")}`],
}));
mkdirSync(join(root, "berth"), { recursive: true });
mkdirSync(join(root, "blobs", "sha256"), { recursive: true });
writeFileSync(join(root, "berth", "state.json"), JSON.stringify({ version: 1, images, containers: [] }));
writeFileSync(join(root, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [] }));
writeFileSync(join(root, "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');

const cli = new URL("../dist/cli.cjs", import.meta.url).pathname;
const time = (args: string[]): { ms: number; rssMb: number } => {
  const start = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", "node", cli, "--root", root, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(r.stderr);
  const rssKb = Number(r.stderr.trim().split("\n").pop());
  return { ms, rssMb: rssKb / 1024 };
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const baseline = median(Array.from({ length: 5 }, () => time(["--version"]).ms));
console.log(`store: ${count} images; node start-up (berth --version): ${baseline.toFixed(0)} ms`);
for (const args of [["images"], ["images", "-q"], ["images", "--filter", "label=tier=front", "--filter", "reference=*/team1*/*"], ["images", "--format", "json"]]) {
  const runs = Array.from({ length: 7 }, () => time(args));
  console.log(
    `berth ${args.join(" ").padEnd(64)} median ${median(runs.map((r) => r.ms)).toFixed(0)} ms (${(median(runs.map((r) => r.ms)) - baseline).toFixed(0)} ms over start-up), peak RSS ${Math.max(...runs.map((r) => r.rssMb)).toFixed(0)} MB`,
  );
}
rmSync(root, { recursive: true, force: true });
