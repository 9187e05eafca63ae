/** berth load takes what podman save and skopeo write, with the same image IDs and names. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { podman } from "../peers/podman.ts";
import { indexTar } from "../../adapters/tar/index.ts";
import { makeTar, smallRootfs } from "../tarballs.ts";
import { tempDir, listing } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir();
const podmanHome = join(root, "podman");
const env = (store: string) => ({ BERTH_ROOT: join(root, store), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") });
let podmanId = "";

beforeAll(async () => {
  mkdirSync(podmanHome, { recursive: true });
  const tar = join(root, "app.tar");
  writeFileSync(tar, await smallRootfs("saved by podman"));
  const imported = await podman(podmanHome, ["import", "-q", tar, "quay.io/team/app:1"]);
  expect(imported.status).toBe(0);
  podmanId = imported.stdout.trim().replace(/^sha256:/, "");
  expect((await podman(podmanHome, ["tag", "quay.io/team/app:1", "localhost/second:2"])).status).toBe(0);
}, 60_000);

describe("berth load", () => {
  it("loads podman save output (docker-archive) with every name and the same ID", async () => {
    const file = join(root, "podman.docker.tar");
    expect((await podman(podmanHome, ["save", "-o", file, "quay.io/team/app:1"])).status).toBe(0);
    const r = berth(["load", "-i", file], { env: env("docker") });
    expect([r.status, r.stdout]).toEqual([0, "Loaded image: quay.io/team/app:1\n"]);
    const inspected = JSON.parse(berth(["inspect", "quay.io/team/app:1"], { env: env("docker") }).stdout) as { Id: string }[];
    expect(inspected[0]?.Id).toBe(podmanId);
  });

  it("loads podman save --format oci-archive from standard input", async () => {
    const file = join(root, "podman.oci.tar");
    expect((await podman(podmanHome, ["save", "--format", "oci-archive", "-o", file, "quay.io/team/app:1"])).status).toBe(0);
    const r = berth(["load"], { env: env("oci"), input: readFileSync(file) });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Loaded image: /);
    const ids = (JSON.parse(berth(["images", "--format", "json"], { env: env("oci") }).stdout) as { Id: string }[]).map((i) => i.Id);
    expect(ids).toEqual([podmanId]);
  });

  it("loads every image of a podman save -m archive", async () => {
    const file = join(root, "multi.docker.tar");
    expect((await podman(podmanHome, ["save", "-m", "-o", file, "quay.io/team/app:1", "localhost/second:2"])).status).toBe(0);
    const r = berth(["load", "-q", "-i", file], { env: env("multi") });
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n").filter((l) => l !== "").sort()).toEqual(["Loaded image: localhost/second:2", "Loaded image: quay.io/team/app:1"]);
  });

  it("loads a docker archive whose content is an OCI layout, as Docker 25 writes it", async () => {
    const layout = join(root, "layout25");
    expect(berth(["copy", "-q", "docker-archive:" + join(root, "podman.docker.tar"), `oci:${layout}:x`], { env: env("d25-src") }).status).toBe(0);
    const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as { manifests: { digest: string }[] };
    const manifestDigest = index.manifests[0]?.digest ?? "";
    const manifest = JSON.parse(readFileSync(join(layout, "blobs/sha256", manifestDigest.slice(7)), "utf8")) as { config: { digest: string }; layers: { digest: string }[] };
    const blob = (d: string) => `blobs/sha256/${d.slice(7)}`;
    const entries = [
      { name: "oci-layout", content: readFileSync(join(layout, "oci-layout")) },
      { name: "index.json", content: readFileSync(join(layout, "index.json")) },
      ...listing(join(layout, "blobs/sha256")).map((h) => ({ name: `blobs/sha256/${h}`, content: readFileSync(join(layout, "blobs/sha256", h)) })),
      { name: "manifest.json", content: JSON.stringify([{ Config: blob(manifest.config.digest), RepoTags: ["docker.io/team/d25:1"], Layers: manifest.layers.map((l) => blob(l.digest)) }]) },
    ];
    const file = join(root, "docker25.tar");
    writeFileSync(file, await makeTar(entries));
    const r = berth(["load", "-i", file], { env: env("d25") });
    expect([r.status, r.stdout]).toEqual([0, "Loaded image: docker.io/team/d25:1\n"]);
    expect((JSON.parse(berth(["inspect", "docker.io/team/d25:1"], { env: env("d25") }).stdout) as { Id: string }[])[0]?.Id).toBe(podmanId);
  });

  it("takes names from the legacy repositories file when manifest.json has none", async () => {
    const file = join(root, "podman.docker.tar");
    const entries = [...(await indexTar(file)).entries()].map(([name, at]) => ({ name, content: readFileSync(file).subarray(at.offset, at.offset + at.size) }));
    const doc = JSON.parse(entries.find((e) => e.name === "manifest.json")?.content.toString() ?? "[]") as { Layers: string[]; RepoTags?: unknown }[];
    const top = (doc[0]?.Layers.at(-1) ?? "").replace(/\.tar$/, "");
    const legacy = [
      ...entries.filter((e) => e.name !== "manifest.json" && e.name !== "repositories"),
      { name: "manifest.json", content: JSON.stringify(doc.map((d) => ({ ...d, RepoTags: null }))) },
      { name: "repositories", content: JSON.stringify({ "quay.io/team/legacy": { v1: top }, "quay.io/team/other": { v1: "0".repeat(64) } }) },
    ];
    const out = join(root, "legacy.tar");
    writeFileSync(out, await makeTar(legacy));
    const r = berth(["load", "-i", out], { env: env("legacy") });
    expect([r.status, r.stdout]).toEqual([0, "Loaded image: quay.io/team/legacy:v1\n"]);
  });

  it("saves names podman loads back unchanged, short and qualified alike", async () => {
    const home = join(root, "podman-back");
    mkdirSync(home, { recursive: true });
    const e = env("names");
    expect(berth(["load", "-i", join(root, "podman.docker.tar")], { env: e }).status).toBe(0);
    expect(berth(["tag", "quay.io/team/app:1", "docker.io/library/busybox:9", "short:3"], { env: e }).status).toBe(0);
    const file = join(root, "names.tar");
    expect(berth(["save", "-o", file, "docker.io/library/busybox:9", "short:3"], { env: e }).status).toBe(0);
    expect((await podman(home, ["load", "-i", file])).status).toBe(0);
    const names = (await podman(home, ["images", "--format", "{{.Repository}}:{{.Tag}}"])).stdout.trim().split("\n").sort();
    expect(names).toEqual(["docker.io/library/busybox:9", "localhost/short:3"]);
  });

  it("explains input that is no archive it knows", () => {
    const junk = join(root, "junk.bin");
    writeFileSync(junk, "not an archive ".repeat(100));
    const r = berth(["load", "-i", junk], { env: env("junk") });
    expect(r.status).toBe(125);
    expect(r.stderr).toBe(`Error: payload does not match any of the supported image formats: ${junk}: oci-archive, docker-archive: not a tar archive (bad header checksum at byte 0); oci: not a directory\n`);
  });
});
