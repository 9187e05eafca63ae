/**
 * A layer in the store whose bytes no longer match its digest (a bad disk, a
 * hand edit), read by every command that reads layers: save in each format
 * (to a file and to standard output), push, and copy to each file transport.
 * Each refuses in one line naming the blob, exits as podman (125) or skopeo (1) for its verb, and leaves no output
 * and no temporary file, here or in the temp directory.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { noise, writeLayout } from "../layouts.ts";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { outputOf } from "../spawn.ts";
import { makeTar } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth, berthBin, withPolicy } from "./berth.ts";

const root = tempDir();
const tmp = join(root, "tmp");
const out = join(root, "out");
let registry: Registry;
const env = { BERTH_ROOT: join(root, "store"), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc"), TMPDIR: tmp };
const broken: Record<string, string> = {};

/** Flips bytes in the middle of a blob: same size, other content. */
const corrupt = (digest: string) => {
  const fd = openSync(join(env.BERTH_ROOT, "blobs/sha256", digest.slice("sha256:".length)), "r+");
  writeSync(fd, Buffer.from("corrupted!"), 0, 10, 100_000);
  closeSync(fd);
};
/** The layer of a stored image, read from the store's own OCI layout. */
const layerOf = (name: string): string => {
  const blob = (d: string) => readFileSync(join(env.BERTH_ROOT, "blobs/sha256", d.slice("sha256:".length)), "utf8");
  const index = JSON.parse(readFileSync(join(env.BERTH_ROOT, "index.json"), "utf8")) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
  const entry = index.manifests.find((m) => m.annotations?.["org.opencontainers.image.ref.name"] === `localhost/${name}:latest`);
  const manifest = JSON.parse(blob(entry?.digest ?? "")) as { layers: { digest: string }[] };
  return manifest.layers[0]?.digest ?? "";
};
const expectRefused = (r: { status: number | null; stderr: string }, name: string, status = 125) => {
  expect(r.status).toBe(status);
  expect(r.stderr).toBe(`Error: blob ${broken[name]}: content has digest ${r.stderr.match(/content has digest (sha256:[0-9a-f]{64})/)?.[1] ?? "?"}\n`);
};
const nothingLeft = () => {
  expect(readdirSync(out)).toEqual([]);
  expect(readdirSync(tmp)).toEqual([]);
};

beforeAll(async () => {
  mkdirSync(tmp, { recursive: true });
  mkdirSync(out, { recursive: true });
  registry = await startRegistry(join(root, "registry"));
  const layer = await makeTar([{ name: "data/noise", content: noise(512 * 1024, 7) }]);
  const layout = join(root, "layout");
  writeLayout(layout, [
    { name: "plain", layers: [layer] },
    { name: "gz", layers: [layer], gzip: true },
  ]);
  for (const name of ["plain", "gz"]) {
    expect(berth(["copy", "-q", `oci:${layout}:${name}`, `store:${name}`], { env }).status).toBe(0);
    broken[name] = layerOf(name);
    corrupt(broken[name] ?? "");
  }
}, 60_000);
afterAll(async () => {
  await registry.stop();
});

describe("a corrupt layer in the store", () => {
  for (const name of ["plain", "gz"]) {
    it(`is refused by save in every format (${name} layer)`, async () => {
      for (const format of ["docker-archive", "oci-archive", "oci-dir", "docker-dir"]) {
        const r = berth(["save", "--format", format, "-o", join(out, `${name}.${format}`), name], { env });
        expectRefused(r, name);
        nothingLeft();
      }
      // To standard output: the archive is spooled to a temp file first, which must go too.
      const piped = await outputOf(spawn(process.execPath, [berthBin, "save", name], { env: withPolicy(env), stdio: ["ignore", "pipe", "pipe"] }));
      expectRefused(piped, name);
      nothingLeft();
    });

    it(`is refused by push and by copy to each file transport (${name} layer)`, () => {
      const pushed = berth(["push", "-q", "--tls-verify=false", name, `${registry.host}/corrupt/${name}:1`], { env });
      expectRefused(pushed, name);
      // Nothing was tagged in the registry.
      expect(berth(["tags", "--tls-verify=false", `docker://${registry.host}/corrupt/${name}`], { env }).stdout).not.toContain("1");
      for (const dest of [`oci:${join(out, "layout")}:x`, `oci-archive:${join(out, "a.tar")}`, `docker-archive:${join(out, "d.tar")}`, `dir:${join(out, "dir")}`]) {
        const r = berth(["copy", "-q", `store:${name}`, dest], { env });
        // copy is skopeo's verb: 1 for any failure.
        expectRefused(r, name, 1);
        expect(existsSync(dest.split(":")[1] ?? "")).toBe(false);
        nothingLeft();
      }
    });
  }
});
