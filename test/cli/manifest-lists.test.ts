/**
 * podman's `manifest` commands: two single-platform images (umoci, amd64 and
 * arm64) made into a list in berth's store, pushed to the real registry, and
 * read back by skopeo and podman with the same digests and platforms; the
 * list is an index skopeo reads from the store itself; lists keep their
 * blobs through removals of images and pass `check`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { podman } from "../peers/podman.ts";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir();
const store = join(root, "store");
const env = { BERTH_ROOT: store, HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") };
const b = (...args: string[]) => berth(args, { env });
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, HOME: env.HOME } });
let registry: Registry;
const digests: Record<string, string> = {};

interface Index {
  mediaType: string;
  manifests: Array<{ digest: string; mediaType: string; size: number; platform?: { os: string; architecture: string; "os.version"?: string }; annotations?: Record<string, string> }>;
}
const rawOf = (ref: string): Index => {
  const r = run("skopeo", ["inspect", "--raw", "--tls-verify=false", ref]);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Index;
};
const platforms = (i: Index) => i.manifests.map((m) => [m.digest, m.platform?.os, m.platform?.architecture]);

beforeAll(async () => {
  mkdirSync(env.HOME, { recursive: true });
  registry = await startRegistry(join(root, "registry"));
  const layout = join(root, "umoci");
  expect(run("umoci", ["init", "--layout", layout]).status).toBe(0);
  for (const arch of ["amd64", "arm64"]) {
    expect(run("umoci", ["new", "--image", `${layout}:${arch}`]).status).toBe(0);
    expect(run("umoci", ["config", "--image", `${layout}:${arch}`, "--architecture", arch, "--os", "linux"]).status).toBe(0);
    const file = join(root, `hello-${arch}`);
    writeFileSync(file, `built for ${arch}\n`);
    expect(run("umoci", ["insert", "--rootless", "--image", `${layout}:${arch}`, file, "/hello"]).status).toBe(0);
    expect(run("skopeo", ["copy", "-q", "--dest-tls-verify=false", `oci:${layout}:${arch}`, `docker://${registry.host}/team/app:${arch}`]).status).toBe(0);
    digests[arch] = rawDigest(`docker://${registry.host}/team/app:${arch}`);
  }
  const tar = join(root, "local.tar");
  writeFileSync(tar, await smallRootfs("local"));
  expect(b("import", "-q", tar, "local").status).toBe(0);
}, 120_000);
afterAll(async () => {
  await registry.stop();
});

function rawDigest(ref: string): string {
  const r = run("skopeo", ["inspect", "--format", "{{.Digest}}", "--tls-verify=false", ref]);
  expect(r.status).toBe(0);
  return r.stdout.trim();
}

describe("manifest lists", () => {
  it("makes a list of two platforms, pushes it, and skopeo and podman read the same index", async () => {
    const created = b("manifest", "create", "multi");
    expect([created.status, created.stderr]).toEqual([0, ""]);
    const id = created.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    for (const arch of ["amd64", "arm64"]) {
      const added = b("manifest", "add", "--tls-verify=false", "multi", `${registry.host}/team/app:${arch}`);
      expect([added.status, added.stdout, added.stderr]).toEqual([0, `${id}\n`, ""]);
    }
    const shown = JSON.parse(b("manifest", "inspect", "multi").stdout) as Index;
    const templated = b("manifest", "inspect", "--format", "{{range .manifests}}{{.digest}} {{.platform.architecture}};{{end}}", "multi");
    expect(templated.stdout).toBe(`${digests["amd64"]} amd64;${digests["arm64"]} arm64;\n`);
    expect(platforms(shown)).toEqual([
      [digests["amd64"], "linux", "amd64"],
      [digests["arm64"], "linux", "arm64"],
    ]);
    // The store is an OCI layout, and the list an index under its name in it.
    expect(rawOf(`oci:${store}:localhost/multi:latest`)).toEqual(shown);

    const plan = b("manifest", "push", "--dry-run", "--tls-verify=false", "multi", `${registry.host}/team/multi:1`);
    expect(plan.status).toBe(0);
    expect(plan.stdout).toContain(digests["amd64"]);
    expect(plan.stdout).toContain(digests["arm64"]);
    expect(rawDigest(`docker://${registry.host}/team/app:amd64`)).toBe(digests["amd64"]);
    expect(run("skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${registry.host}/team/multi:1`]).status).not.toBe(0);
    const pushed = b("manifest", "push", "-q", "--tls-verify=false", "multi", `${registry.host}/team/multi:1`);
    expect([pushed.status, pushed.stderr]).toEqual([0, ""]);
    const remote = rawOf(`docker://${registry.host}/team/multi:1`);
    expect(remote).toEqual(shown);

    // podman 4.3's manifest inspect has no TLS flag: the registry is insecure in its registries.conf.
    const podmanHome = join(root, "podman");
    mkdirSync(join(podmanHome, ".config", "containers"), { recursive: true });
    writeFileSync(join(podmanHome, ".config", "containers", "registries.conf"), `[[registry]]\nlocation = "${registry.host}"\ninsecure = true\n`);
    const inspected = await podman(podmanHome, ["manifest", "inspect", `${registry.host}/team/multi:1`]);
    expect(inspected.status).toBe(0);
    expect(platforms(JSON.parse(inspected.stdout) as Index)).toEqual(platforms(shown));

    const copied = join(root, "copied");
    expect(run("skopeo", ["copy", "-q", "--all", "--src-tls-verify=false", `docker://${registry.host}/team/multi:1`, `oci:${copied}:multi`]).status).toBe(0);
    const top = JSON.parse(readFileSync(join(copied, "index.json"), "utf8")) as Index;
    expect(top.manifests.map((m) => m.digest)).toEqual([rawDigest(`docker://${registry.host}/team/multi:1`)]);
    for (const arch of ["amd64", "arm64"]) expect(readFileSync(join(copied, "blobs", "sha256", (digests[arch] ?? "").slice(7))).byteLength).toBeGreaterThan(0);
  });

  it("annotates and removes instances, adds every image of an index, and a local image pushed from the store", () => {
    const annotated = b("manifest", "annotate", "--os-version", "10.0", "--annotation", "team=web", "multi", digests["arm64"] ?? "");
    expect(annotated.status).toBe(0);
    const entry = (JSON.parse(b("manifest", "inspect", "multi").stdout) as Index).manifests[1];
    expect([entry?.platform?.["os.version"], entry?.annotations]).toEqual(["10.0", { team: "web" }]);
    expect(b("manifest", "remove", "multi", digests["amd64"] ?? "").status).toBe(0);
    expect((JSON.parse(b("manifest", "inspect", "multi").stdout) as Index).manifests.map((m) => m.digest)).toEqual([digests["arm64"]]);

    expect(b("manifest", "create", "copyall").status).toBe(0);
    expect(b("manifest", "add", "--all", "--tls-verify=false", "copyall", `docker://${registry.host}/team/multi:1`).status).toBe(0);
    expect((JSON.parse(b("manifest", "inspect", "copyall").stdout) as Index).manifests.map((m) => m.digest)).toEqual([digests["amd64"], digests["arm64"]]);

    const withLocal = b("manifest", "create", "mixed", "store:local", `docker://${registry.host}/team/app:arm64`, "--tls-verify=false");
    expect([withLocal.status, withLocal.stderr]).toEqual([0, ""]);
    const pushed = b("manifest", "push", "-q", "--rm", "--tls-verify=false", "mixed", `docker://${registry.host}/team/mixed:1`);
    expect([pushed.status, pushed.stderr]).toEqual([0, ""]);
    expect(rawOf(`docker://${registry.host}/team/mixed:1`).manifests.map((m) => m.platform?.architecture)).toEqual(["amd64", "arm64"]);
    expect(b("manifest", "exists", "mixed").status).toBe(1);
    // podman pulls the local instance the list pushed: the same image.
    const localId = (JSON.parse(b("inspect", "local").stdout) as Array<{ Id: string }>)[0]?.Id;
    const pulled = b("pull", "-q", "--tls-verify=false", "--platform", "linux/amd64", `${registry.host}/team/mixed:1`);
    expect(pulled.stdout.trim()).toBe(localId);
  });

  it("pushes a list of Docker images as a Docker manifest list with --format v2s2, and refuses one with OCI images", () => {
    const docker: string[] = [];
    for (const arch of ["amd64", "arm64"]) {
      expect(run("skopeo", ["copy", "-q", "--format", "v2s2", "--src-tls-verify=false", "--dest-tls-verify=false", `docker://${registry.host}/team/app:${arch}`, `docker://${registry.host}/team/docker:${arch}`]).status).toBe(0);
      docker.push(rawDigest(`docker://${registry.host}/team/docker:${arch}`));
    }
    expect(b("manifest", "create", "--tls-verify=false", "dlist", `${registry.host}/team/docker:amd64`, `${registry.host}/team/docker:arm64`).status).toBe(0);
    const pushed = b("manifest", "push", "-q", "--format", "v2s2", "--tls-verify=false", "dlist", `${registry.host}/team/dlist:1`);
    expect([pushed.status, pushed.stderr]).toEqual([0, ""]);
    const remote = rawOf(`docker://${registry.host}/team/dlist:1`);
    expect([remote.mediaType, remote.manifests.map((m) => [m.mediaType, m.digest, m.platform?.architecture])]).toEqual([
      "application/vnd.docker.distribution.manifest.list.v2+json",
      [
        ["application/vnd.docker.distribution.manifest.v2+json", docker[0], "amd64"],
        ["application/vnd.docker.distribution.manifest.v2+json", docker[1], "arm64"],
      ],
    ]);
    const refused = b("manifest", "push", "--format", "v2s2", "--tls-verify=false", "copyall", `${registry.host}/team/never:1`);
    expect([refused.status, refused.stderr]).toEqual([125, `Error: localhost/copyall:latest: instance ${digests["amd64"]} is application/vnd.oci.image.manifest.v1+json, which a Docker manifest list cannot name; push it as an OCI index\n`]);
  });

  it("keeps a list's blobs when images go, and passes check", () => {
    expect(b("manifest", "create", "keeps", "store:local").status).toBe(0);
    expect(b("rmi", "-f", "local", `${registry.host}/team/mixed:1`).status).toBe(0);
    expect(b("image", "prune", "-a", "-f").status).toBe(0);
    expect(b("check").stdout).toBe("the store is consistent\n");
    expect(b("manifest", "inspect", "keeps").status).toBe(0);
  });

  it("answers exists, rm and bad requests as podman does", () => {
    expect(b("manifest", "exists", "multi")).toMatchObject({ status: 0, stdout: "", stderr: "" });
    expect(b("manifest", "exists", "nosuch")).toMatchObject({ status: 1, stdout: "", stderr: "" });
    const taken = b("manifest", "create", "multi");
    expect([taken.status, taken.stderr]).toEqual([125, "Error: localhost/multi:latest: a manifest list or image already has this name\n"]);
    const missing = b("manifest", "add", "nosuch", `docker://${registry.host}/team/app:amd64`, "--tls-verify=false");
    expect([missing.status, missing.stderr]).toEqual([1, "Error: nosuch: no such manifest list\n"]);
    const unknown = b("manifest", "remove", "multi", `sha256:${"0".repeat(64)}`);
    expect([unknown.status, unknown.stderr]).toEqual([1, `Error: multi: no instance sha256:${"0".repeat(64)} in the list\n`]);
    const rm = b("manifest", "rm", "multi", "nosuch");
    expect(rm.status).toBe(1);
    expect(rm.stdout).toMatch(/^Untagged: localhost\/multi:latest\nDeleted: [0-9a-f]{64}\n$/);
    expect(rm.stderr).toBe("Error: nosuch: image not known\n");
    expect(b("check").stdout).toBe("the store is consistent\n");
  });
});
