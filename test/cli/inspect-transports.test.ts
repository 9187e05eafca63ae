/**
 * `inspect` of images in every transport skopeo inspect reads (`oci:`,
 * `oci-archive:`, `docker-archive:`, `dir:`), against skopeo on the same
 * files: the same details, the same raw manifest, the same config; an index
 * shown as this machine's image. Then `digest` (crane's) and `image exists`
 * (podman's exit codes).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { noise, writeIndexLayout, writeLayout } from "../layouts.ts";
import { tempDir } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir();
const env = { BERTH_ROOT: join(root, "store"), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") };
const b = (...args: string[]) => berth(args, { env });
const skopeo = (...args: string[]) => spawnSync("skopeo", args, { encoding: "utf8", env: { ...process.env, HOME: env.HOME } });
const layout = join(root, "layout");
let registry: Registry;
let indexDigest = "";

const names = () => ({
  oci: `oci:${layout}:app`,
  "oci-archive": `oci-archive:${join(root, "app.oci.tar")}:app`,
  "docker-archive": `docker-archive:${join(root, "app.docker.tar")}`,
  dir: `dir:${join(root, "app.dir")}`,
});

beforeAll(async () => {
  mkdirSync(env.HOME, { recursive: true });
  registry = await startRegistry(join(root, "registry"));
  writeLayout(layout, [{ name: "app", layers: [noise(20_000, 1), noise(10_000, 2)], gzip: true }]);
  indexDigest = writeIndexLayout(join(root, "multi"), "multi", ["linux/arm64", "linux/amd64"], [noise(4096, 3)]).indexDigest;
  const n = names();
  for (const target of [n["oci-archive"], n["docker-archive"], n.dir]) expect(skopeo("copy", "-q", n.oci, target).status).toBe(0);
  expect(skopeo("copy", "-q", "--dest-tls-verify=false", n.oci, `docker://${registry.host}/team/app:1`).status).toBe(0);
  expect(b("copy", "-q", n.oci, "store:app").status).toBe(0);
}, 60_000);
afterAll(async () => {
  await registry.stop();
});

describe("inspect in every transport", () => {
  it.each(["oci", "oci-archive", "docker-archive", "dir"] as const)("shows %s images as skopeo does: details, --raw and --config", (transport) => {
    const name = names()[transport];
    const ours = b("inspect", name);
    expect([ours.status, ours.stderr]).toEqual([0, ""]);
    const theirs = skopeo("inspect", name);
    expect(theirs.status).toBe(0);
    const pick = (t: string) => {
      const d = JSON.parse(t) as Record<string, unknown>;
      return { Digest: d["Digest"], Created: d["Created"], Labels: d["Labels"], Architecture: d["Architecture"], Os: d["Os"], Layers: d["Layers"], Env: d["Env"], RepoTags: d["RepoTags"] };
    };
    expect(pick(ours.stdout)).toEqual(pick(theirs.stdout));
    expect(b("inspect", "--raw", name).stdout).toBe(skopeo("inspect", "--raw", name).stdout);
    // skopeo's --config alone re-encodes the config as OCI's; with --raw it is the config as stored, as berth's is.
    expect(b("inspect", "--config", name).stdout).toBe(`${skopeo("inspect", "--config", "--raw", name).stdout}\n`);
  });

  it("shows an index as this machine's image under the index's digest, and --raw as the index", () => {
    const name = `oci:${join(root, "multi")}:multi`;
    const ours = JSON.parse(b("inspect", name).stdout) as { Digest: string; Layers: string[] };
    const theirs = JSON.parse(skopeo("inspect", "--override-arch", "amd64", name).stdout) as { Digest: string; Layers: string[] };
    expect([ours.Digest, ours.Layers]).toEqual([theirs.Digest, theirs.Layers]);
    expect(ours.Digest).toBe(indexDigest);
    const raw = b("inspect", "--raw", name).stdout;
    expect(`sha256:${createHash("sha256").update(raw).digest("hex")}`).toBe(indexDigest);
  });

  it("says what is missing in one line", () => {
    const r = b("inspect", `oci:${join(root, "nowhere")}:x`);
    expect(r.status).not.toBe(0);
    expect(r.stderr.split("\n").filter((l) => l !== "")).toHaveLength(1);
    expect(r.stderr).toMatch(/^Error: .*nowhere/);
  });
});

describe("digest and image exists", () => {
  it("prints the manifest digest of a name in any transport, the store or a registry", () => {
    const n = names();
    const ociDigest = (JSON.parse(skopeo("inspect", n.oci).stdout) as { Digest: string }).Digest;
    expect(b("digest", n.oci).stdout).toBe(`${ociDigest}\n`);
    expect(b("digest", `oci:${join(root, "multi")}:multi`).stdout).toBe(`${indexDigest}\n`);
    expect(b("digest", "--tls-verify=false", `docker://${registry.host}/team/app:1`).stdout).toBe(`${ociDigest}\n`);
    expect(b("digest", "--tls-verify=false", `${registry.host}/team/app:1`).stdout).toBe(`${ociDigest}\n`);
    expect(b("digest", "app").stdout).toBe(`${(JSON.parse(b("inspect", "app").stdout) as Array<{ Digest: string }>)[0]?.Digest}\n`);
    const missing = b("digest", "--tls-verify=false", `${registry.host}/team/nosuch:1`);
    expect([missing.status, missing.stdout]).toEqual([1, ""]);
  });

  it("exits 0 for an image of the store and 1 for none, printing nothing", () => {
    expect(b("image", "exists", "app")).toMatchObject({ status: 0, stdout: "", stderr: "" });
    expect(b("image", "exists", "nosuch")).toMatchObject({ status: 1, stdout: "", stderr: "" });
  });
});

describe("--format on inspect, tags and resolve", () => {
  const formats = ["{{.Digest}}", "{{.Architecture}}/{{.Os}} {{len .Layers}} {{.Labels}}", "{{range .Layers}}{{.}}\\n{{end}}", "{{.Labels.nosuch}}|{{.Name}}"];
  it.each(formats)("inspect renders %s as skopeo does, from a registry and from a layout", (format) => {
    const remote = `docker://${registry.host}/team/app:1`;
    const ours = b("inspect", "--tls-verify=false", "--format", format, remote);
    expect([ours.status, ours.stderr]).toEqual([0, ""]);
    expect(ours.stdout).toBe(skopeo("inspect", "--tls-verify=false", "--format", format, remote).stdout);
    const n = names();
    if (!format.includes(".Name")) expect(b("inspect", "--format", format, n.oci).stdout).toBe(skopeo("inspect", "--format", format, n.oci).stdout);
  });

  it("renders tags and resolve through templates, and refuses a broken one before going anywhere", () => {
    const tags = b("tags", "--tls-verify=false", "--format", "{{.Repository}}: {{range .Tags}}[{{.}}]{{end}}", `docker://${registry.host}/team/app`);
    expect([tags.status, tags.stdout]).toEqual([0, `${registry.host}/team/app: [1]\n`]);
    const resolved = b("resolve", "--format", "{{range .candidates}}{{.name}} {{.origin}}{{end}}", `${registry.host}/team/app:1`);
    expect([resolved.status, resolved.stdout]).toEqual([0, `${registry.host}/team/app:1 fully-qualified\n`]);
    const broken = b("tags", "--format", "{{.Tags", "docker://127.0.0.1:9/none");
    // tags is skopeo's list-tags: 1 for any failure.
    expect([broken.status, broken.stderr]).toEqual([1, "Error: template: 1:1: unclosed action\n"]);
  });
});
