/**
 * `berth sync` between two real registries, and through directories, against
 * skopeo sync on the same sources: the same tags with the same digests, a
 * re-run that uploads nothing (counted through a watching proxy), the YAML
 * source file as skopeo reads it, plans printed by --dry-run, and failures
 * reported per image.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, type FaultProxy } from "../peers/fault-proxy.ts";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { noise, writeLayout } from "../layouts.ts";
import { tempDir } from "../tmp.ts";
import { berth, berthAsync } from "./berth.ts";

const root = tempDir();
const env = { BERTH_ROOT: join(root, "store"), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") };
const b = (...args: string[]) => berth(args, { env });
const skopeo = (...args: string[]) => spawnSync("skopeo", args, { encoding: "utf8", env: { ...process.env, HOME: env.HOME } });
const tags = Array.from({ length: 10 }, (_, i) => `t${i}`);
let source: Registry;
let target: Registry;
let proxy: FaultProxy;

/** The digest a registry gives for a tag's manifest, or undefined. */
const digestOf = async (host: string, repo: string, tag: string): Promise<string | undefined> => {
  const r = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, {
    method: "HEAD",
    headers: { accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.index.v1+json" },
  });
  return r.status === 200 ? (r.headers.get("docker-content-digest") ?? undefined) : undefined;
};
const listTags = (host: string, repo: string): string[] => {
  const r = skopeo("list-tags", "--tls-verify=false", `docker://${host}/${repo}`);
  expect(r.status).toBe(0);
  return ((JSON.parse(r.stdout) as { Tags: string[] }).Tags ?? []).sort();
};
const uploads = (seen: ReadonlyArray<{ method: string; path: string }>) => seen.filter((r) => r.method === "PATCH" || r.method === "PUT" || (r.method === "POST" && r.path.includes("/blobs/uploads/")));

beforeAll(async () => {
  mkdirSync(env.HOME, { recursive: true });
  source = await startRegistry(join(root, "source"));
  target = await startRegistry(join(root, "target"), "  relativeurls: true");
  proxy = await startFaultProxy(target.host);
  // Ten images of three gzip layers, the first two shared, as a repository's releases are.
  const base = [noise(64 * 1024, 1), noise(32 * 1024, 2)];
  const layout = join(root, "layout");
  writeLayout(layout, tags.map((t, i) => ({ name: t, layers: [...base, noise(16 * 1024, 10 + i)], gzip: true })));
  for (const t of tags) expect(skopeo("copy", "-q", "--dest-tls-verify=false", `oci:${layout}:${t}`, `docker://${source.host}/team/app:${t}`).status).toBe(0);
}, 120_000);
afterAll(async () => {
  await proxy.stop();
  await source.stop();
  await target.stop();
});

describe("sync between registries", () => {
  it("plans with --dry-run: every tag to copy, nothing written", async () => {
    const r = b("sync", "--src", "docker", "--dest", "docker", "--src-tls-verify=false", "--dest-tls-verify=false", "--dry-run", `${source.host}/team/app`, `${target.host}/mirror`);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    const lines = r.stdout.trim().split("\n");
    expect(lines.slice(0, -1).sort()).toEqual(tags.map((t) => `copy docker://${source.host}/team/app:${t} -> docker://${target.host}/mirror/app:${t}`).sort());
    expect(lines.at(-1)).toBe("10 to copy, 0 already there");
    expect(await digestOf(target.host, "mirror/app", "t0")).toBeUndefined();
  });

  it("copies every tag with its digest, and a second run uploads nothing", async () => {
    const first = await berthAsync(["sync", "--src", "docker", "--dest", "docker", "--src-tls-verify=false", "--dest-tls-verify=false", `${source.host}/team/app`, `${proxy.host}/mirror`], { env });
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/Synced 10 of 10 images: 10 copied, 0 already there\n$/);
    expect(listTags(target.host, "mirror/app")).toEqual([...tags].sort());
    for (const t of tags) expect(await digestOf(target.host, "mirror/app", t)).toBe(await digestOf(source.host, "team/app", t));

    const before = proxy.seen.length;
    const again = await berthAsync(["sync", "--src", "docker", "--dest", "docker", "--src-tls-verify=false", "--dest-tls-verify=false", `${source.host}/team/app`, `${proxy.host}/mirror`], { env });
    expect([again.status, again.stderr]).toEqual([0, "Synced 10 of 10 images: 0 copied, 10 already there\n"]);
    expect(uploads(proxy.seen.slice(before))).toEqual([]);
  });

  it("names destinations as skopeo sync does: one tag with a suffix; scoped names keep the source's registry", async () => {
    const r = b("sync", "-s", "docker", "-d", "docker", "--src-tls-verify=false", "--dest-tls-verify=false", "--append-suffix=-mirror", "-q", `${source.host}/team/app:t3`, `${target.host}/suffixed/`);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(await digestOf(target.host, "suffixed/app", "t3-mirror")).toBe(await digestOf(source.host, "team/app", "t3"));
    // Scoped, the source's registry becomes part of the path: with a port in it, that is no repository name, for skopeo as for berth.
    const scoped = b("sync", "-s", "docker", "-d", "docker", "--src-tls-verify=false", "--dest-tls-verify=false", "--scoped", `${source.host}/team/app:t3`, `${target.host}/scoped`);
    expect([scoped.status, scoped.stderr]).toEqual([1, `Error: destination "${target.host}/scoped/${source.host}/team/app:t3": invalid reference format\n`]);
    expect(skopeo("sync", "-s", "docker", "-d", "docker", "--src-tls-verify=false", "--dest-tls-verify=false", "--scoped", `${source.host}/team/app:t3`, `${target.host}/scoped`).status).not.toBe(0);
    const dir = b("sync", "-s", "docker", "-d", "dir", "--src-tls-verify=false", "--scoped", "-q", `${source.host}/team/app:t3`, join(root, "scoped-dir"));
    expect([dir.status, dir.stderr]).toEqual([0, ""]);
    expect(existsSync(join(root, "scoped-dir", source.host, "team", "app:t3", "manifest.json"))).toBe(true);
  });

  it("reads skopeo's YAML source file as skopeo does", async () => {
    const file = join(root, "sync.yml");
    writeFileSync(file, `${source.host}:\n  tls-verify: false\n  images-by-tag-regex:\n    team/app: ^t[0-4]$\n  images:\n    team/app:\n      - t7\n`);
    const r = b("sync", "--src", "yaml", "--dest", "docker", "--dest-tls-verify=false", "-q", file, `${target.host}/yaml-berth`);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(skopeo("sync", "--src", "yaml", "--dest", "docker", "--dest-tls-verify=false", file, `${target.host}/yaml-skopeo`).status).toBe(0);
    expect(listTags(target.host, "yaml-berth/app")).toEqual(["t0", "t1", "t2", "t3", "t4", "t7"]);
    expect(listTags(target.host, "yaml-berth/app")).toEqual(listTags(target.host, "yaml-skopeo/app"));
    for (const t of ["t0", "t4", "t7"]) expect(await digestOf(target.host, "yaml-berth/app", t)).toBe(await digestOf(target.host, "yaml-skopeo/app", t));
  });

  it("refuses a YAML file it cannot use, saying where", () => {
    const file = join(root, "bad.yml");
    writeFileSync(file, `${source.host}:\n  images:\n    team/app: 3\n`);
    const r = b("sync", "--src", "yaml", "--dest", "docker", file, `${target.host}/never`);
    expect([r.status, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toBe(`Error: ${file}: key "${source.host}.images.team/app": expected a list of tags and digests, found number 3\n`);
  });
});

describe("sync through directories", () => {
  it("writes one dir: image per tag, as skopeo does, and syncs them back to a registry with the same digests", async () => {
    const dir = join(root, "usb");
    const r = b("sync", "--src", "docker", "--dest", "dir", "--src-tls-verify=false", "-q", `${source.host}/team/app:t1`, dir);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(existsSync(join(dir, "app:t1", "manifest.json"))).toBe(true);
    const skopeoDir = join(root, "usb-skopeo");
    expect(skopeo("sync", "--src", "docker", "--dest", "dir", "--src-tls-verify=false", `${source.host}/team/app:t1`, skopeoDir).status).toBe(0);
    expect(readFileSync(join(dir, "app:t1", "manifest.json"))).toEqual(readFileSync(join(skopeoDir, "app:t1", "manifest.json")));

    const back = b("sync", "--src", "dir", "--dest", "docker", "--dest-tls-verify=false", "-q", dir, `${target.host}/from-usb`);
    expect([back.status, back.stderr]).toEqual([0, ""]);
    expect(await digestOf(target.host, "from-usb/app", "t1")).toBe(await digestOf(source.host, "team/app", "t1"));
    // A directory already holding that image is skipped on a re-run.
    const again = b("sync", "--src", "docker", "--dest", "dir", "--src-tls-verify=false", `${source.host}/team/app:t1`, dir);
    expect([again.status, again.stderr]).toEqual([0, "Synced 1 of 1 images: 0 copied, 1 already there\n"]);
  });
});

describe("sync failures", () => {
  it("stops at the first image that fails, or with --keep-going copies the rest and fails at the end", () => {
    const file = join(root, "missing.yml");
    writeFileSync(file, `${source.host}:\n  tls-verify: false\n  images:\n    team/app: [nosuch, t2]\n`);
    const stop = b("sync", "--src", "yaml", "--dest", "docker", "--dest-tls-verify=false", "-j", "1", "-q", file, `${target.host}/failing`);
    expect([stop.status, stop.stdout]).toEqual([1, ""]);
    expect(stop.stderr).toMatch(new RegExp(`^Error: copying docker://${source.host}/team/app:nosuch: .*\\n`));
    const going = b("sync", "--src", "yaml", "--dest", "docker", "--dest-tls-verify=false", "--keep-going", file, `${target.host}/going`);
    expect(going.status).toBe(1);
    const lines = going.stderr.trim().split("\n");
    expect(lines.filter((l) => l.startsWith("Error: copying"))).toHaveLength(1);
    expect(lines.slice(-2)).toEqual(["Synced 1 of 2 images: 1 copied, 0 already there, 1 failed", "Error: the sync failed for one or more images (reported above)"]);
  });

  it("refuses transports and arguments it does not take", () => {
    expect(b("sync", "--dest", "docker", "a", "b").stderr).toBe("Error: a source transport must be given with --src docker|dir|yaml\nTry 'berth --help' for more information.\n");
    expect(b("sync", "--src", "oci", "--dest", "docker", "a", "b").stderr).toBe('Error: "oci" is not a valid source transport (docker, dir or yaml)\nTry \'berth --help\' for more information.\n');
    expect(b("sync", "--src", "dir", "--dest", "dir", "a", "b").status).toBe(1);
    const none = b("sync", "--src", "dir", "--dest", "docker", join(root, "nowhere"), `${target.host}/x`);
    expect([none.status, none.stderr]).toEqual([1, `Error: invalid source directory ${join(root, "nowhere")}: no such file or directory\n`]);
  });
});
