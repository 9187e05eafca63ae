/** oci:DIR[:NAME]: berth writes layouts skopeo and umoci read, reads theirs, and concurrent writers lose nothing. */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeTar, smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth, berthBin, withPolicy } from "./berth.ts";

const root = tempDir();
const env = { BERTH_ROOT: join(root, "store"), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") };
const b = (...args: string[]) => berth(args, { env });
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, HOME: join(root, "home") } });
const digestOf = (name: string) => (JSON.parse(b("inspect", name).stdout) as { Digest: string }[])[0]?.Digest;
/** The digest and layer media types of the image a layout's index names first. */
const writtenIn = (dir: string) => {
  const entry = (JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as { manifests: { digest: string }[] }).manifests[0]?.digest ?? "";
  const manifest = JSON.parse(readFileSync(join(dir, "blobs/sha256", entry.slice(7)), "utf8")) as { layers: { mediaType: string; digest: string }[] };
  return { digest: entry, layerTypes: manifest.layers.map((l) => l.mediaType), layers: manifest.layers.map((l) => l.digest) };
};
const refNames = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as { manifests: { annotations?: Record<string, string> }[] }).manifests
    .map((m) => m.annotations?.["org.opencontainers.image.ref.name"])
    .sort();

beforeAll(async () => {
  for (const i of [0, 1, 2, 3, 4, 5]) {
    const tar = join(root, `app${i}.tar`);
    writeFileSync(tar, await smallRootfs(`layout ${i}`));
    expect(b("import", "-q", tar, `app${i}`).status).toBe(0);
  }
});

describe("oci: layouts", () => {
  it("writes a layout skopeo inspects with the same digest and umoci unpacks, its layers gzipped as skopeo's would be", () => {
    const dir = join(root, "out");
    expect(b("copy", "-q", "store:app0", `oci:${dir}:app`).status).toBe(0);
    expect(refNames(dir)).toEqual(["app"]);
    const theirs = JSON.parse(run("skopeo", ["inspect", `oci:${dir}:app`]).stdout) as { Digest: string };
    expect(theirs.Digest).toBe(writtenIn(dir).digest);
    expect(writtenIn(dir).layerTypes).toEqual(["application/vnd.oci.image.layer.v1.tar+gzip"]);
    // Copied back, the image is the same one: same config, same diff_ids, the layer decompressed on the way.
    expect(b("copy", "-q", "--dest-decompress", `oci:${dir}:app`, "store:back").status).toBe(0);
    expect((JSON.parse(b("inspect", "back").stdout) as { Id: string }[])[0]?.Id).toBe((JSON.parse(b("inspect", "app0").stdout) as { Id: string }[])[0]?.Id);
    const bundle = join(root, "bundle");
    expect(run("umoci", ["unpack", "--rootless", "--image", `${dir}:app`, bundle]).status).toBe(0);
    expect(readFileSync(join(bundle, "rootfs/etc/hello"), "utf8")).toBe("layout 0\n");
    expect(readdirSync(dir).sort()).toEqual(["blobs", "index.json", "oci-layout"]);
  });

  it("reads a layout skopeo wrote, keeping the digest", () => {
    const dir = join(root, "from-skopeo");
    expect(run("skopeo", ["copy", `oci:${join(root, "store")}:localhost/app1:latest`, `oci:${dir}:theirs`]).status).toBe(0);
    expect(b("copy", "-q", `oci:${dir}:theirs`, "store:back-from-skopeo").status).toBe(0);
    expect(digestOf("back-from-skopeo")).toBe(digestOf("app1"));
  });

  it("keeps every name when several processes write one layout at once", async () => {
    const dir = join(root, "shared");
    const results = await Promise.all(
      [0, 1, 2, 3, 4, 5].map(
        (i) =>
          new Promise<number | null>((resolve) =>
            spawn(process.execPath, [berthBin, "copy", "-q", `store:app${i}`, `oci:${dir}:name${i}`], { env: withPolicy(env), stdio: "ignore" }).on("close", resolve),
          ),
      ),
    );
    expect(results).toEqual([0, 0, 0, 0, 0, 0]);
    expect(refNames(dir)).toEqual(["name0", "name1", "name2", "name3", "name4", "name5"]);
    expect(run("skopeo", ["inspect", `oci:${dir}:name3`]).status).toBe(0);
  });

  it("explains missing and ambiguous names, and refuses a tampered blob keeping nothing", () => {
    const dir = join(root, "shared");
    expect(b("copy", `oci:${dir}:nothere`, "store:x").stderr).toBe(`Error: ${dir}: no image named "nothere"\n`);
    expect(b("copy", `oci:${dir}`, "store:x").stderr).toBe(`Error: ${dir}: holds several images; name one (oci:PATH:NAME)\n`);
    const tampered = join(root, "tampered");
    expect(b("copy", "-q", "store:app5", `oci:${tampered}:t`).status).toBe(0);
    const layer = writtenIn(tampered).layers[0] ?? "";
    writeFileSync(join(tampered, "blobs/sha256", layer.slice(7)), "not the layer");
    const other = { ...env, BERTH_ROOT: join(root, "other-store") };
    const r = berth(["copy", "-q", `oci:${tampered}:t`, "store:t"], { env: other });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Error: blob sha256:[a-f0-9]{64}: got 13 bytes, expected \d+\n$/);
    expect(berth(["images", "-q"], { env: other }).stdout).toBe("");
    expect(readdirSync(join(root, "other-store/blobs/sha256"))).toEqual([]);
  });
});

describe("dir: directories", () => {
  it("writes what skopeo reads, and reads what skopeo wrote, keeping digests", () => {
    const dir = join(root, "dir-out");
    expect(b("copy", "-q", "store:app2", `dir:${dir}`).status).toBe(0);
    expect(readFileSync(join(dir, "version"), "utf8")).toBe("Directory Transport Version: 1.1\n");
    expect((JSON.parse(run("skopeo", ["inspect", `dir:${dir}`]).stdout) as { Digest: string }).Digest).toBe(digestOf("app2"));
    const theirs = join(root, "dir-skopeo");
    expect(run("skopeo", ["copy", `oci:${join(root, "store")}:localhost/app3:latest`, `dir:${theirs}`]).status).toBe(0);
    expect(b("copy", "-q", `dir:${theirs}`, "store:from-dir").status).toBe(0);
    expect(digestOf("from-dir")).toBe(digestOf("app3"));
    expect(b("copy", `dir:${join(root, "nothing")}`, "store:x").stderr).toBe(`Error: ${join(root, "nothing")}: no manifest.json (not a dir: image)\n`);
  });
});

describe("oci-archive: files", () => {
  it("writes archives skopeo reads and reads archives skopeo wrote, keeping digests", () => {
    const file = join(root, "app.oci.tar");
    expect(b("copy", "-q", "--dest-decompress", "store:app4", `oci-archive:${file}:app`).status).toBe(0);
    expect((JSON.parse(run("skopeo", ["inspect", `oci-archive:${file}:app`]).stdout) as { Digest: string }).Digest).toBe(digestOf("app4"));
    const theirs = join(root, "skopeo.oci.tar");
    expect(run("skopeo", ["copy", `oci:${join(root, "store")}:localhost/app5:latest`, `oci-archive:${theirs}:theirs`]).status).toBe(0);
    expect(b("copy", "-q", `oci-archive:${theirs}:theirs`, "store:from-archive").status).toBe(0);
    expect(digestOf("from-archive")).toBe(digestOf("app5"));
    expect(readdirSync(root).filter((f) => f.includes(".berth-") || f.endsWith(".tmp"))).toEqual([]);
  });

  it("refuses hostile archives in one line", async () => {
    const dup = join(root, "dup.tar");
    writeFileSync(dup, await makeTar([{ name: "index.json", content: "{}" }, { name: "./index.json", content: "{}" }]));
    expect(b("copy", `oci-archive:${dup}`, "store:x").stderr).toBe(`Error: ${dup}: the archive holds "index.json" twice\n`);
    const escape = join(root, "escape.tar");
    writeFileSync(escape, await makeTar([{ name: "../index.json", content: "{}" }, { name: "/blobs/sha256/x", content: "x" }]));
    expect(b("copy", `oci-archive:${escape}`, "store:x").stderr).toBe(`Error: ${escape}: no index.json (not an OCI archive)\n`);
    const whole = await makeTar([{ name: "index.json", content: '{"schemaVersion":2,"manifests":[]}' }, { name: "big", content: new Uint8Array(4096) }]);
    const truncated = join(root, "truncated.tar");
    writeFileSync(truncated, whole.subarray(0, 1500));
    expect(b("copy", `oci-archive:${truncated}`, "store:x").stderr).toBe(`Error: ${truncated}: truncated tar: 476 bytes of a header at byte 1024\n`);
    writeFileSync(truncated, whole.subarray(0, 2048));
    expect(b("copy", `oci-archive:${truncated}`, "store:x").stderr).toBe(`Error: ${truncated}: truncated tar: an entry at byte 1024 claims 4096 bytes past the end\n`);
    const junk = join(root, "junk.tar");
    writeFileSync(junk, "this is not a tar at all ".repeat(50));
    expect(b("copy", `oci-archive:${junk}`, "store:x").stderr).toMatch(/^Error: .*not a tar archive \(bad header checksum at byte 0\)\n$/);
    expect(berth(["images", "-q"], { env: { ...env, BERTH_ROOT: join(root, "never-written") } }).stdout).toBe("");
  });
});

describe("docker-archive: files (reading)", () => {
  it("loads what skopeo saved, with the manifest and config digests skopeo reports", () => {
    const file = join(root, "saved.docker.tar");
    expect(run("skopeo", ["copy", `oci:${join(root, "store")}:localhost/app0:latest`, `docker-archive:${file}:docker.io/library/saved:1`]).status).toBe(0);
    const theirs = JSON.parse(run("skopeo", ["inspect", `docker-archive:${file}`]).stdout) as { Digest: string };
    expect(b("copy", "-q", `docker-archive:${file}`, "store:loaded").status).toBe(0);
    expect(digestOf("loaded")).toBe(theirs.Digest);
    const ids = (name: string) => (JSON.parse(b("inspect", name).stdout) as { Id: string }[])[0]?.Id;
    expect(ids("loaded")).toBe(ids("app0"));
    expect(b("copy", "-q", `docker-archive:${file}:saved:1`, "store:by-name").status).toBe(0);
    expect(b("copy", "-q", `docker-archive:${file}:@0`, "store:by-index").status).toBe(0);
    expect(b("copy", `docker-archive:${file}:other:2`, "store:x").stderr).toBe(`Error: ${file}: has no image named other:2\n`);
    expect(b("copy", `docker-archive:${file}:@3`, "store:x").stderr).toBe(`Error: ${file}: has no image @3\n`);
  });

  it("refuses a layer whose bytes are not the config's diff_id, keeping nothing", async () => {
    const tar = await makeTar([
      { name: "manifest.json", content: JSON.stringify([{ Config: "config.json", RepoTags: ["evil:1"], Layers: ["layer.tar"] }]) },
      { name: "config.json", content: JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [`sha256:${"0".repeat(64)}`] } }) },
      { name: "layer.tar", content: "not what the config says" },
    ]);
    const file = join(root, "evil.docker.tar");
    writeFileSync(file, tar);
    const other = { ...env, BERTH_ROOT: join(root, "evil-store") };
    const r = berth(["copy", "-q", `docker-archive:${file}`, "store:evil"], { env: other });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Error: blob sha256:0{64}: (got \d+ bytes, expected \d+|content has digest sha256:[a-f0-9]{64})\n$/);
    expect(berth(["images", "-q"], { env: other }).stdout).toBe("");
    expect(readdirSync(join(root, "evil-store/blobs/sha256"))).toEqual([]);
  });
});
