/**
 * berth save writes what podman load and skopeo read, with the same image IDs
 * and names; gzip layers (as pulled) are written decompressed, each checked
 * against its diff_id.
 */
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { podman } from "../peers/podman.ts";
import { smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir();
const env = (store: string) => ({ BERTH_ROOT: join(root, store), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") });
const b = (...args: string[]) => berth(args, { env: env("store") });
const idOf = (name: string, store = "store") => (JSON.parse(berth(["inspect", name], { env: env(store) }).stdout) as { Id: string }[])[0]?.Id;
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, HOME: join(root, "home") } });
/** podman's images as `ID name…` lines, sorted, from a fresh vfs store that loaded `file`. */
const podmanLoads = async (file: string, label: string): Promise<string[]> => {
  const home = join(root, `podman-${label}`);
  mkdirSync(home, { recursive: true });
  const loaded = await podman(home, ["load", "-i", file]);
  expect(loaded.status).toBe(0);
  const listed = await podman(home, ["images", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}", "--no-trunc"]);
  return listed.stdout.trim().split("\n").map((l) => l.replace(/^sha256:/, "")).sort();
};

beforeAll(async () => {
  for (const name of ["app", "other"]) {
    const tar = join(root, `${name}.tar`);
    writeFileSync(tar, await smallRootfs(`saved ${name}`));
    expect(b("import", "-q", tar, name).status).toBe(0);
  }
  // An image with gzip layers, as a registry serves them: built by umoci, copied into the store as is.
  const layout = join(root, "umoci");
  expect(run("umoci", ["init", "--layout", layout]).status).toBe(0);
  expect(run("umoci", ["new", "--image", `${layout}:gz`]).status).toBe(0);
  writeFileSync(join(root, "payload"), "compressed layer\n".repeat(1000));
  expect(run("umoci", ["insert", "--rootless", "--image", `${layout}:gz`, join(root, "payload"), "/payload"]).status).toBe(0);
  expect(b("copy", "-q", `oci:${layout}:gz`, "store:localhost/gz:1").status).toBe(0);
}, 60_000);

describe("berth save", () => {
  it("writes a docker archive podman loads with the same ID and every name given", async () => {
    const file = join(root, "app.tar");
    expect(b("save", "-o", file, "app", "extra:2")).toMatchObject({ status: 0, stderr: "" });
    expect(await podmanLoads(file, "one")).toEqual([`${idOf("app")} localhost/app:latest`, `${idOf("app")} localhost/extra:2`]);
    const repositories = JSON.parse(run("tar", ["xOf", file, "repositories"]).stdout) as Record<string, Record<string, string>>;
    expect(Object.keys(repositories).sort()).toEqual(["localhost/app", "localhost/extra"]);
  });

  it("copies to a docker archive with skopeo's --additional-tag, every name loading in podman", async () => {
    const file = join(root, "tagged.tar");
    const digestFile = join(root, "tagged.digest");
    expect(
      b("copy", "-q", "--retry-times", "1", "--digestfile", digestFile, "--additional-tag", "quay.io/team/app:2", "--additional-tag", "extra", "store:app", `docker-archive:${file}:localhost/app:1`),
    ).toMatchObject({ status: 0, stderr: "" });
    expect(readFileSync(digestFile, "utf8")).toMatch(/^sha256:[0-9a-f]{64}$/);
    const manifest = JSON.parse(run("tar", ["xOf", file, "manifest.json"]).stdout) as { RepoTags: string[] }[];
    expect(manifest[0]?.RepoTags).toEqual(["localhost/app:1", "quay.io/team/app:2", "docker.io/library/extra:latest"]);
    expect(await podmanLoads(file, "tagged")).toEqual([`${idOf("app")} docker.io/library/extra:latest`, `${idOf("app")} localhost/app:1`, `${idOf("app")} quay.io/team/app:2`]);
    expect(b("copy", "--additional-tag", "bad name", "store:app", `docker-archive:${join(root, "never.tar")}`).status).toBe(1);
  });

  it("writes several images with -m, and gzip layers decompressed with their diff_ids", async () => {
    const file = join(root, "multi.tar");
    expect(b("save", "-m", "-o", file, "app", "other", "localhost/gz:1").status).toBe(0);
    expect(await podmanLoads(file, "multi")).toEqual(
      [`${idOf("app")} localhost/app:latest`, `${idOf("other")} localhost/other:latest`, `${idOf("localhost/gz:1")} localhost/gz:1`].sort(),
    );
    const skopeoSees = JSON.parse(run("skopeo", ["inspect", `docker-archive:${file}:localhost/gz:1`]).stdout) as { Layers: string[] };
    const config = JSON.parse(run("skopeo", ["inspect", "--config", `docker-archive:${file}:localhost/gz:1`]).stdout) as { rootfs: { diff_ids: string[] } };
    expect(skopeoSees.Layers).toEqual(config.rootfs.diff_ids);
  });

  it("writes to standard output for a pipe, and loads back with the same ID", () => {
    const out = b("save", "app");
    expect(out.status).toBe(0);
    const loaded = berth(["load"], { env: env("piped"), input: Buffer.from(out.stdout, "latin1") });
    expect(loaded.stdout).toBe("Loaded image: localhost/app:latest\n");
    expect(idOf("localhost/app:latest", "piped")).toBe(idOf("app"));
  });

  it("writes an OCI archive skopeo and podman read, and OCI and Docker directories", async () => {
    const file = join(root, "app.oci.tar");
    expect(b("save", "--format", "oci-archive", "-o", file, "app").status).toBe(0);
    // As podman saves OCI archives: the imported (uncompressed) layer gzipped, so the manifest is another, the image (its config) the same.
    const inspected = JSON.parse(run("skopeo", ["inspect", "--raw", `oci-archive:${file}:localhost/app:latest`]).stdout) as { config: { digest: string }; layers: { mediaType: string }[] };
    expect([inspected.config.digest, inspected.layers.map((l) => l.mediaType)]).toEqual([`sha256:${idOf("app")}`, ["application/vnd.oci.image.layer.v1.tar+gzip"]]);
    expect((await podmanLoads(file, "oci"))[0]?.split(" ")[0]).toBe(idOf("app"));
    for (const [format, type] of [["oci-dir", "application/vnd.oci.image.manifest.v1+json"], ["docker-dir", "application/vnd.docker.distribution.manifest.v2+json"]] as const) {
      const dir = join(root, format);
      expect(b("save", "--format", format, "-o", dir, "app").status).toBe(0);
      expect((JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { mediaType: string }).mediaType).toBe(type);
      expect(run("skopeo", ["inspect", `dir:${dir}`]).status).toBe(0);
    }
  });

  it("copies docker-archive to an OCI layout without the store, converting to OCI so skopeo sees it", () => {
    const file = join(root, "app.tar");
    const layout = join(root, "from-archive");
    expect(b("copy", "-q", `docker-archive:${file}:localhost/app:latest`, `oci:${layout}:app`).status).toBe(0);
    type Seen = { Layers: string[] };
    const theirs = JSON.parse(run("skopeo", ["inspect", `docker-archive:${file}:localhost/app:latest`]).stdout) as Seen;
    const ours = JSON.parse(run("skopeo", ["inspect", `oci:${layout}:app`]).stdout) as Seen;
    expect(ours.Layers).toEqual(theirs.Layers);
    const config = (ref: string) => createHash("sha256").update(run("skopeo", ["inspect", "--config", "--raw", ref]).stdout).digest("hex");
    expect(config(`oci:${layout}:app`)).toBe(config(`docker-archive:${file}:localhost/app:latest`));
  });

  it("refuses bad usage with podman's exit code", () => {
    expect(b("save", "-m", "--format", "oci-archive", "-o", join(root, "x"), "app").status).toBe(125);
    expect(b("save", "--format", "oci-dir", "app").status).toBe(125);
    const missing = b("save", "-o", join(root, "none.tar"), "nosuch");
    expect(missing.status).toBe(125);
    expect(missing.stderr).toContain("nosuch");
  });
});
