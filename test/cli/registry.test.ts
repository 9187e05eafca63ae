/**
 * Pull and push against the real distribution registry, checked against
 * skopeo on the same registry.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { podman } from "../peers/podman.ts";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth, berthBin, withPolicy } from "./berth.ts";

const root = tempDir();
let registry: Registry;
let mirror: Registry;
const home = join(root, "home");
const etc = join(root, "etc");
const envFor = (store: string, conf?: string) => ({
  BERTH_ROOT: join(root, store),
  HOME: home,
  BERTH_SYSTEM_CONFIG_DIR: etc,
  ...(conf === undefined ? {} : { CONTAINERS_REGISTRIES_CONF: conf }),
});
const skopeo = (...args: string[]) => spawnSync("skopeo", args, { encoding: "utf8", env: { ...process.env, HOME: home } });
const inspect = (env: Record<string, string>, name: string) =>
  (JSON.parse(berth(["inspect", name], { env }).stdout) as { Id: string; Digest: string; RepoDigests: string[]; RootFS: { Layers: string[] } }[])[0];

beforeAll(async () => {
  mkdirSync(home, { recursive: true });
  registry = await startRegistry(join(root, "registry"));
  mirror = await startRegistry(join(root, "mirror"));
  const tar = join(root, "app.tar");
  writeFileSync(tar, await smallRootfs("pushed by berth"));
  expect(berth(["import", "-q", "-c", "LABEL origin=berth", tar, "app"], { env: envFor("source") }).status).toBe(0);
}, 60_000);
afterAll(async () => {
  await registry.stop();
  await mirror.stop();
});

describe("push and pull", () => {
  it("pushes an imported image gzipped, which skopeo and podman read as the same image, and pulls it back whole", async () => {
    const source = envFor("source");
    const pushed = berth(["push", "--tls-verify=false", "app", `${registry.host}/team/app:1`], { env: source });
    const mine = inspect(source, "app");
    // Without a terminal, progress is podman's plain lines: the config, each layer, the manifest.
    expect([pushed.status, pushed.stderr]).toEqual([
      0,
      [`Copying config sha256:${mine?.Id}`, ...(mine?.RootFS.Layers ?? []).map((l) => `Copying blob ${l}`), "Writing manifest to image destination", ""].join("\n"),
    ]);
    // The layer went as podman sends an imported one: tar+gzip, smaller than the tar; the config (and so the diff_ids) as it was.
    const raw = JSON.parse(skopeo("inspect", "--raw", "--tls-verify=false", `docker://${registry.host}/team/app:1`).stdout) as { config: { digest: string }; layers: { mediaType: string; digest: string; size: number }[] };
    expect(raw.layers.map((l) => l.mediaType)).toEqual(["application/vnd.oci.image.layer.v1.tar+gzip"]);
    expect(raw.layers[0]?.size).toBeLessThan(statSync(join(root, "app.tar")).size);
    expect(raw.config.digest).toBe(`sha256:${mine?.Id}`);
    const theirs = JSON.parse(skopeo("inspect", "--tls-verify=false", `docker://${registry.host}/team/app:1`).stdout) as { Digest: string; Labels: Record<string, string> };
    expect(theirs.Labels).toEqual({ origin: "berth" });
    expect(skopeo("copy", "-q", "--src-tls-verify=false", `docker://${registry.host}/team/app:1`, `oci:${join(root, "skopeo-copy")}:app`).status).toBe(0);
    const podmanHome = join(root, "podman-home");
    const podmanPulled = await podman(podmanHome, ["pull", "-q", "--tls-verify=false", `${registry.host}/team/app:1`]);
    expect([podmanPulled.status, podmanPulled.stdout.trim()]).toEqual([0, mine?.Id]);
    const podmanSays = JSON.parse((await podman(podmanHome, ["image", "inspect", `${registry.host}/team/app:1`])).stdout) as { RootFS: { Layers: string[] }; Digest: string }[];
    expect([podmanSays[0]?.RootFS.Layers, podmanSays[0]?.Digest]).toEqual([mine?.RootFS.Layers, theirs.Digest]);

    const target = envFor("target");
    const pulled = berth(["pull", "--tls-verify=false", `${registry.host}/team/app:1`], { env: target });
    expect(pulled.status).toBe(0);
    expect(pulled.stdout).toBe(`${mine?.Id}\n`);
    expect(pulled.stderr).toBe(
      [`Trying to pull ${registry.host}/team/app:1...`, `Copying config sha256:${mine?.Id}`, ...raw.layers.map((l) => `Copying blob ${l.digest}`), "Writing manifest to image destination", ""].join("\n"),
    );
    const copy = inspect(target, `${registry.host}/team/app:1`);
    expect(copy?.Digest).toBe(theirs.Digest);
    expect(copy?.RepoDigests).toEqual([`${registry.host}/team/app@${theirs.Digest}`]);
    expect(berth(["check"], { env: target }).stdout).toBe("the store is consistent\n");
  });

  it("pulls what skopeo pushed, by tag and by digest", () => {
    const copied = skopeo("copy", "--dest-tls-verify=false", `oci:${join(root, "source")}:localhost/app:latest`, `docker://${registry.host}/other/app:from-skopeo`);
    expect(copied.status).toBe(0);
    const digest = (JSON.parse(skopeo("inspect", "--tls-verify=false", `docker://${registry.host}/other/app:from-skopeo`).stdout) as { Digest: string }).Digest;
    const env = envFor("from-skopeo");
    expect(berth(["pull", "-q", "--tls-verify=false", `${registry.host}/other/app:from-skopeo`], { env }).status).toBe(0);
    const byDigest = berth(["pull", "-q", "--tls-verify=false", `${registry.host}/other/app@${digest}`], { env });
    expect(byDigest.status).toBe(0);
    expect(inspect(env, `${registry.host}/other/app:from-skopeo`)?.Digest).toBe(digest);
  });

  it("resolves short names through registries.conf and falls back from a mirror that lacks the image", () => {
    const conf = join(root, "registries.conf");
    writeFileSync(
      conf,
      `unqualified-search-registries = ["${registry.host}"]\n[[registry]]\nlocation = "${registry.host}"\ninsecure = true\n[[registry.mirror]]\nlocation = "${mirror.host}"\ninsecure = true\n`,
    );
    const env = envFor("short", conf);
    const r = berth(["pull", "team/app:1"], { env });
    expect(r.status).toBe(0);
    const lines = r.stderr.split("\n");
    expect([lines[0], lines.at(-2)]).toEqual([`Trying to pull ${registry.host}/team/app:1...`, "Writing manifest to image destination"]);
    expect(berth(["images", "--format", "json"], { env }).stdout).toContain(`"${registry.host}/team/app:1"`);
  });

  it("reports a missing image in one line per candidate, exit 125, storing nothing", () => {
    const env = envFor("missing");
    const r = berth(["pull", "--tls-verify=false", `${registry.host}/team/nothing:1`], { env });
    expect(r.status).toBe(125);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("Error: "))).toEqual([
      `Error: initializing source docker://${registry.host}/team/nothing:1: ${registry.host}/team/nothing: reading manifest 1: manifest unknown: manifest unknown`,
    ]);
    expect(berth(["images", "-q"], { env }).stdout).toBe("");
  });

  it("draws progress bars on a terminal", () => {
    const env = envFor("terminal");
    // script(1) gives berth a pseudo-terminal, as a person would have.
    const r = spawnSync("script", ["-qec", `${process.execPath} ${berthBin} pull --tls-verify=false ${registry.host}/team/app:1`, "/dev/null"], {
      env: withPolicy(env),
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\x1b\[2KCopying blob [a-f0-9]{12} done +[\d.]+ [kMG]?B/);
    expect(r.stdout).toMatch(/\x1b\[2KCopying config [a-f0-9]{12} done/);
    expect(r.stdout).toContain("Writing manifest to image destination");
  });

  it("does not pull with --policy missing when the image is there", () => {
    const env = envFor("target");
    const r = berth(["pull", "--policy", "missing", `${registry.host}/team/app:1`], { env });
    expect([r.status, r.stderr]).toEqual([0, ""]);
    const never = berth(["pull", "--policy", "never", `${registry.host}/team/absent:1`], { env });
    expect(never.status).toBe(1);
  });
});

describe("remote commands", () => {
  it("lists tags, inspects like skopeo, copies between registry and store, deletes", () => {
    const env = envFor("remote");
    const tags = JSON.parse(berth(["tags", "--tls-verify=false", `docker://${registry.host}/team/app`], { env }).stdout) as { Repository: string; Tags: string[] };
    expect(tags).toEqual({ Repository: `${registry.host}/team/app`, Tags: ["1"] });
    const mine = JSON.parse(berth(["inspect", "--tls-verify=false", `docker://${registry.host}/team/app:1`], { env }).stdout) as Record<string, unknown>;
    const theirs = JSON.parse(skopeo("inspect", "--tls-verify=false", `docker://${registry.host}/team/app:1`).stdout) as Record<string, unknown>;
    for (const k of ["Digest", "Architecture", "Os", "Layers", "Labels", "RepoTags"]) expect([k, mine[k]]).toEqual([k, theirs[k]]);
    const raw = berth(["inspect", "--raw", "--tls-verify=false", `docker://${registry.host}/team/app:1`], { env }).stdout;
    expect(raw).toBe(skopeo("inspect", "--raw", "--tls-verify=false", `docker://${registry.host}/team/app:1`).stdout);

    expect(berth(["copy", "-q", "--src-tls-verify=false", "--dest-tls-verify=false", `docker://${registry.host}/team/app:1`, `docker://${registry.host}/copies/app:c1`], { env }).status).toBe(0);
    expect(berth(["copy", "-q", "--src-tls-verify=false", `docker://${registry.host}/copies/app:c1`, "store:copied:v1"], { env }).status).toBe(0);
    expect(berth(["images", "--format", "json"], { env }).stdout).toContain('"localhost/copied:v1"');
    const deleted = berth(["delete", "--tls-verify=false", `docker://${registry.host}/copies/app:c1`], { env });
    expect(deleted.status).toBe(0);
    expect(skopeo("inspect", "--tls-verify=false", `docker://${registry.host}/copies/app:c1`).status).not.toBe(0);
    expect(berth(["copy", "store:copied:v1", `tarball:${join(root, "out.tar")}`], { env }).stderr).toBe("Error: copying to tarball: is not supported yet\n");
  });
});

describe("multi-platform indexes", () => {
  it("pulls the instance for the platform asked for, or this machine's", async () => {
    const source = envFor("multi-source");
    const entries = [];
    for (const [arch, variant] of [["amd64", undefined], ["arm64", "v8"]] as const) {
      const tar = join(root, `multi-${arch}.tar`);
      writeFileSync(tar, await smallRootfs(`for ${arch}`));
      expect(berth(["import", "-q", "--arch", arch, ...(variant === undefined ? [] : ["--variant", variant]), tar, `multi:${arch}`], { env: source }).status).toBe(0);
      expect(berth(["push", "-q", "--tls-verify=false", `multi:${arch}`, `${registry.host}/team/multi:${arch}`], { env: source }).status).toBe(0);
      const raw = skopeo("inspect", "--raw", "--tls-verify=false", `docker://${registry.host}/team/multi:${arch}`).stdout;
      entries.push({
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        // The pushed manifest (its layer gzipped on the way), not the stored one.
        digest: `sha256:${createHash("sha256").update(raw).digest("hex")}`,
        size: Buffer.byteLength(raw),
        platform: { os: "linux", architecture: arch, ...(variant === undefined ? {} : { variant }) },
      });
    }
    const index = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: entries });
    const put = await fetch(`http://${registry.host}/v2/team/multi/manifests/1`, { method: "PUT", headers: { "content-type": "application/vnd.oci.image.index.v1+json" }, body: index });
    expect(put.status).toBe(201);
    const indexDigest = put.headers.get("docker-content-digest");

    const arm = envFor("multi-arm");
    expect(berth(["pull", "-q", "--tls-verify=false", "--platform", "linux/arm64", `${registry.host}/team/multi:1`], { env: arm }).status).toBe(0);
    const armImage = JSON.parse(berth(["inspect", `${registry.host}/team/multi:1`], { env: arm }).stdout) as { Architecture: string; Variant?: string; RepoDigests: string[] }[];
    expect([armImage[0]?.Architecture, armImage[0]?.Variant]).toEqual(["arm64", "v8"]);
    expect(armImage[0]?.RepoDigests).toContain(`${registry.host}/team/multi@${indexDigest}`);

    const host = envFor("multi-host");
    expect(berth(["pull", "-q", "--tls-verify=false", "--platform", "linux/amd64", `${registry.host}/team/multi:1`], { env: host }).status).toBe(0);
    expect((JSON.parse(berth(["inspect", `${registry.host}/team/multi:1`], { env: host }).stdout) as { Architecture: string }[])[0]?.Architecture).toBe("amd64");

    const none = berth(["pull", "-q", "--tls-verify=false", "--platform", "linux/s390x", `${registry.host}/team/multi:1`], { env: envFor("multi-none") });
    expect(none.status).toBe(125);
    expect(none.stderr).toContain(`${indexDigest}: no image for linux/s390x in the index`);
  });
});

describe("pull --all-tags and --retry", () => {
  it("pulls every tag of a repository", () => {
    const source = envFor("source");
    for (const tag of ["a", "b"]) expect(berth(["push", "-q", "--tls-verify=false", "app", `${registry.host}/tagged/app:${tag}`], { env: source }).status).toBe(0);
    const env = envFor("all-tags");
    const r = berth(["pull", "-q", "--all-tags", "--retry", "1", "--tls-verify=false", `${registry.host}/tagged/app`], { env });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(2);
    const names = (JSON.parse(berth(["images", "--format", "json"], { env }).stdout) as { Names: string[] }[]).flatMap((i) => i.Names).sort();
    expect(names).toEqual([`${registry.host}/tagged/app:a`, `${registry.host}/tagged/app:b`]);
    expect(berth(["pull", "--all-tags", "--tls-verify=false", `${registry.host}/tagged/app:a`], { env }).stderr).toBe(
      `Error: --all-tags takes a repository without a tag or digest, not "${registry.host}/tagged/app:a"\n`,
    );
    expect(berth(["pull", "--retry", "many", `${registry.host}/tagged/app`], { env }).status).toBe(125);
  });
});
