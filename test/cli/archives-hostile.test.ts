/**
 * The hostile-archive corpus for load and the archive transports: each one is
 * refused in one line, and the store is left as it was. Compressed archives
 * (gzip, by magic bytes) load like plain ones.
 */
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readdirSync, writeFileSync, writeSync, ftruncateSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tarHeader } from "../../adapters/tar/file-writer.ts";
import { podman } from "../peers/podman.ts";
import { gzip, makeTar, smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir();
const env = (store: string) => ({ BERTH_ROOT: join(root, store), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") });
const file = (name: string, bytes: Uint8Array): string => {
  const p = join(root, name);
  writeFileSync(p, bytes);
  return p;
};
/** `berth load -i path` into a fresh store: the one-line error, and proof that nothing was stored. */
const refused = (path: string): string => {
  const store = `store-${readdirSync(root).length}`;
  const r = berth(["load", "-i", path], { env: env(store) });
  expect(r.status).toBe(125);
  expect(r.stderr.split("\n").filter((l) => l !== "")).toHaveLength(1);
  expect(berth(["images", "-q"], { env: env(store) }).stdout).toBe("");
  const blobs = join(root, store, "blobs/sha256");
  expect((() => { try { return readdirSync(blobs); } catch { return []; } })()).toEqual([]);
  return r.stderr;
};
const config = JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } });

const header = tarHeader;

let podmanArchive = "";
let podmanId = "";

beforeAll(async () => {
  const home = join(root, "podman");
  mkdirSync(home, { recursive: true });
  const tar = file("rootfs.tar", await smallRootfs("compressed"));
  const imported = await podman(home, ["import", "-q", tar, "localhost/zipped:1"]);
  podmanId = imported.stdout.trim().replace(/^sha256:/, "");
  podmanArchive = join(root, "podman.tar");
  expect((await podman(home, ["save", "-o", podmanArchive, "localhost/zipped:1"])).status).toBe(0);
}, 60_000);

describe("compressed archives", () => {
  it("loads a gzip-compressed docker archive, whatever its name, with the same ID", () => {
    const zipped = file("podman.tar.anything", gzip(readFileSync(podmanArchive)));
    const r = berth(["load", "-i", zipped], { env: env("gz") });
    expect([r.status, r.stdout]).toEqual([0, "Loaded image: localhost/zipped:1\n"]);
    expect((JSON.parse(berth(["inspect", "localhost/zipped:1"], { env: env("gz") }).stdout) as { Id: string }[])[0]?.Id).toBe(podmanId);
    const copied = berth(["copy", "-q", `docker-archive:${zipped}`, "store:again"], { env: env("gz") });
    expect(copied.status).toBe(0);
  });

  it("loads a zstd-compressed docker archive with the same ID", () => {
    const z = spawnSync("zstd", ["-q", "-c", podmanArchive], { maxBuffer: 1 << 28 });
    expect(z.status).toBe(0);
    const zipped = file("podman.tar.zst", z.stdout);
    const r = berth(["load", "-i", zipped], { env: env("zst") });
    expect([r.status, r.stdout]).toEqual([0, "Loaded image: localhost/zipped:1\n"]);
    expect((JSON.parse(berth(["inspect", "localhost/zipped:1"], { env: env("zst") }).stdout) as { Id: string }[])[0]?.Id).toBe(podmanId);
  });

  it("refuses compressions it cannot decode, naming them, and broken zstd in one line", () => {
    expect(refused(file("x.tar.xz", Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2])))).toMatch(/xz-compressed .* not supported \(berth decodes gzip and zstd\)/);
    expect(refused(file("x.tar.zst", Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4])))).toMatch(/x\.tar\.zst: decompressing: zstd frames that need a dictionary are not supported\n$/);
  });
});

describe("hostile archives", () => {
  it("refuses names that leave the archive, and never follows a symlinked manifest", async () => {
    const traversal = file(
      "traversal.tar",
      await makeTar([
        { name: "manifest.json", content: JSON.stringify([{ Config: "config.json", Layers: ["../../../etc/passwd"] }]) },
        { name: "config.json", content: JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [`sha256:${"2".repeat(64)}`] } }) },
      ]),
    );
    expect(refused(traversal)).toMatch(/"\.\.\/\.\.\/\.\.\/etc\/passwd" is named in manifest.json but not in the archive/);
    const absolute = file(
      "absolute.tar",
      await makeTar([
        { name: "manifest.json", content: JSON.stringify([{ Config: "/etc/hostname", Layers: [] }]) },
        { name: "config.json", content: config },
      ]),
    );
    expect(refused(absolute)).toMatch(/"\/etc\/hostname" is named in manifest.json but not in the archive/);
    const symlink = file("symlink.tar", await makeTar([{ name: "manifest.json", type: "symlink", linkname: "/etc/passwd" }]));
    expect(refused(symlink)).toMatch(/payload does not match any of the supported image formats: .*docker-archive: no manifest.json; oci-archive: no index.json/);
  });

  it("refuses duplicate entries and PAX sizes that lie", async () => {
    const dup = file("dup.tar", await makeTar([{ name: "manifest.json", content: "[]" }, { name: "./manifest.json", content: "[]" }]));
    expect(refused(dup)).toMatch(/holds "manifest.json" twice/);
    const paxRecord = "30 size=99999999999999999999\n";
    const lying = Buffer.concat([header("PaxHeader", paxRecord.length, "x"), Buffer.from(paxRecord.padEnd(512, "\0")), header("manifest.json", 2), Buffer.from("[]".padEnd(512, "\0")), Buffer.alloc(1024)]);
    expect(refused(file("pax.tar", lying))).toMatch(/bad PAX size "99999999999999999999"/);
    const paxBig = "16 size=4000000\n";
    const past = Buffer.concat([header("PaxHeader", paxBig.length, "x"), Buffer.from(paxBig.padEnd(512, "\0")), header("manifest.json", 2), Buffer.from("[]".padEnd(512, "\0")), Buffer.alloc(1024)]);
    expect(refused(file("pax-past.tar", past))).toMatch(/claims 4000000 bytes past the end/);
  });

  it("refuses a 100 MB manifest.json without reading it", () => {
    const path = join(root, "huge.tar");
    const fd = openSync(path, "w");
    writeSync(fd, header("manifest.json", 100 * 1024 * 1024));
    ftruncateSync(fd, 512 + 100 * 1024 * 1024 + 1024);
    closeSync(fd);
    expect(refused(path)).toMatch(/manifest.json is 104857600 bytes, more than 4194304/);
  });

  it("refuses layers that do not match their digest, and truncated archives", async () => {
    const tampered = file(
      "tampered.tar",
      await makeTar([
        { name: "manifest.json", content: JSON.stringify([{ Config: "config.json", RepoTags: ["evil:1"], Layers: ["layer.tar"] }]) },
        { name: "config.json", content: JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [`sha256:${"1".repeat(64)}`] } }) },
        { name: "layer.tar", content: "not what the config says" },
      ]),
    );
    expect(refused(tampered)).toMatch(/sha256:1{64}/);
    const whole = readFileSync(podmanArchive);
    expect(refused(file("cut.tar", whole.subarray(0, whole.length - 3000)))).toMatch(/truncated tar/);
  });
});
