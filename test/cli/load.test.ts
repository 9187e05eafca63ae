/** berth load takes what podman save and skopeo write, with the same image IDs and names. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { podman } from "../peers/podman.ts";
import { smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
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

  it("explains input that is no archive it knows", () => {
    const junk = join(root, "junk.bin");
    writeFileSync(junk, "not an archive ".repeat(100));
    const r = berth(["load", "-i", junk], { env: env("junk") });
    expect(r.status).toBe(125);
    expect(r.stderr).toBe(`Error: ${junk}: not an OCI archive or docker archive: not a tar archive (bad header checksum at byte 0)\n`);
  });
});
