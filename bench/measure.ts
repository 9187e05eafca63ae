/** What every benchmark needs: timing a command with its peak RSS, running a setup step, medians, and a test image. */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";

/** One timed run: wall milliseconds and peak RSS. */
export interface Timed {
  readonly ms: number;
  readonly rssMb: number;
}

/**
 * Runs a command under /usr/bin/time: wall milliseconds and peak RSS in MB; a
 * failure throws. Dirty pages of earlier runs are flushed first, so that one
 * run's write-back does not land on the next (berth fsyncs what it stores,
 * skopeo does not, so leftover write-back would weigh on berth alone).
 */
export const timed = (cmd: string, args: string[], env: Record<string, string> = {}): Timed => {
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

/**
 * Who runs in which turn in round `i`: a Williams design, so that over the rounds every tool runs
 * first as often as any other and right after each other tool equally often (with two tools,
 * they alternate). A run can be slowed by what the run before it left: on this project's VMs free
 * memory is reported back to the host, and a run whose page cache lands on memory the one before
 * it freed and the host took back pays a host fault per page (after a skopeo pull of 1 GiB, whose
 * files are deleted before write-back, 1 GiB written next costs 0.7-1.8 s of system time instead
 * of ~0.2 s). A plain rotation would put each tool always after the same one.
 */
export const balancedOrder = <T>(tools: ReadonlyArray<T>, i: number): T[] => {
  const n = tools.length;
  // 0, 1, n-1, 2, n-2, …: shifted by the round, each ordered pair meets once per n rounds (n even).
  const base = Array.from({ length: n }, (_, k) => (k === 0 ? 0 : k % 2 === 1 ? (k + 1) / 2 : n - k / 2));
  const rows = n % 2 === 0 ? n : 2 * n;
  const r = i % rows;
  // With n odd the shifted rows and their mirror images together meet each pair twice per 2n rounds.
  const row = base.map((x) => (x + (r % n)) % n);
  return (r >= n ? row.reverse() : row).map((k) => tools[k] as T);
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

/** A tar of one file, `data`, of `size` random bytes, written to `fd` as it is made; gives its digest and size. */
const writeRandomTar = (fd: number, size: number): { digest: string; size: number } => {
  const hash = createHash("sha256");
  let total = 0;
  const put = (b: Uint8Array) => {
    writeSync(fd, b);
    hash.update(b);
    total += b.byteLength;
  };
  const header = new Uint8Array(512);
  const field = (at: number, text: string) => header.set(new TextEncoder().encode(text), at);
  field(0, "data");
  field(100, "0000644\0");
  field(108, "0000000\0");
  field(116, "0000000\0");
  field(124, `${size.toString(8).padStart(11, "0")}\0`);
  field(136, "14000000000\0");
  field(148, "        ");
  field(156, "0");
  field(257, "ustar\0");
  field(263, "00");
  field(148, `${header.reduce((a, b) => a + b, 0).toString(8).padStart(6, "0")}\0 `);
  put(header);
  const chunk = new Uint8Array(1 << 20);
  for (let left = size; left > 0; ) {
    const n = Math.min(left, chunk.byteLength);
    for (let off = 0; off < n; off += 65536) crypto.getRandomValues(chunk.subarray(off, Math.min(n, off + 65536)));
    put(chunk.subarray(0, n));
    left -= n;
  }
  put(new Uint8Array((512 - (size % 512)) % 512 + 1024));
  return { digest: `sha256:${hash.digest("hex")}`, size: total };
};

/**
 * Writes an OCI layout at `layout` holding `img`: one uncompressed layer of
 * random data per entry of `sizes` (bytes), streamed to disk, so that a
 * 1 GiB layer takes no memory.
 */
export const layoutImage = (layout: string, sizes: ReadonlyArray<number>): void => {
  const blobs = join(layout, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  const putBytes = (text: string): { digest: string; size: number } => {
    const digest = `sha256:${createHash("sha256").update(text).digest("hex")}`;
    writeFileSync(join(blobs, digest.slice(7)), text);
    return { digest, size: new TextEncoder().encode(text).byteLength };
  };
  const layers = sizes.map((size, i) => {
    const temp = join(layout, `layer${i}.tmp`);
    const fd = openSync(temp, "w");
    const d = writeRandomTar(fd, size);
    closeSync(fd);
    renameSync(temp, join(blobs, d.digest.slice(7)));
    return { mediaType: "application/vnd.oci.image.layer.v1.tar", ...d };
  });
  const config = putBytes(
    JSON.stringify({ architecture: "amd64", os: "linux", created: "2026-01-01T00:00:00Z", rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) }, history: layers.map(() => ({ created: "2026-01-01T00:00:00Z" })) }),
  );
  const manifest = putBytes(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config }, layers }));
  writeFileSync(join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    join(layout, "index.json"),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", ...manifest, annotations: { "org.opencontainers.image.ref.name": "img" } }] }),
  );
};
