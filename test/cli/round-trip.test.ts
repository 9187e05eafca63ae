/**
 * Registry → berth → archive → peer → registry: what was pushed comes back
 * with its digests, as far as each peer keeps them (skopeo copies blobs as
 * they are; podman recompresses layers on push, so its image ID and diff_ids
 * are what survive).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { podman } from "../peers/podman.ts";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { tempDir } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir();
const home = join(root, "home");
const env = { BERTH_ROOT: join(root, "store"), HOME: home, BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") };
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, HOME: home } });
type Inspected = { Digest: string; Layers: string[] };
const inspectRemote = (ref: string) => JSON.parse(run("skopeo", ["inspect", "--tls-verify=false", ref]).stdout) as Inspected;
const configDigest = (ref: string) => (JSON.parse(run("skopeo", ["inspect", "--raw", "--tls-verify=false", ref]).stdout) as { config: { digest: string } }).config.digest;
const diffIds = (ref: string) => (JSON.parse(run("skopeo", ["inspect", "--config", "--tls-verify=false", ref]).stdout) as { rootfs: { diff_ids: string[] } }).rootfs.diff_ids;
let registry: Registry;
let original = "";

beforeAll(async () => {
  mkdirSync(home, { recursive: true });
  registry = await startRegistry(join(root, "registry"));
  // Built by umoci: gzip layers, as images in registries are.
  const layout = join(root, "umoci");
  expect(run("umoci", ["init", "--layout", layout]).status).toBe(0);
  expect(run("umoci", ["new", "--image", `${layout}:img`]).status).toBe(0);
  for (const i of [1, 2]) {
    writeFileSync(join(root, `f${i}`), `layer ${i}\n`.repeat(500));
    expect(run("umoci", ["insert", "--rootless", "--image", `${layout}:img`, join(root, `f${i}`), `/f${i}`]).status).toBe(0);
  }
  original = `docker://${registry.host}/origin/img:1`;
  expect(run("skopeo", ["copy", "-q", "--dest-tls-verify=false", `oci:${layout}:img`, original]).status).toBe(0);
  expect(berth(["pull", "-q", "--tls-verify=false", `${registry.host}/origin/img:1`], { env }).status).toBe(0);
}, 60_000);

afterAll(async () => {
  await registry.stop();
});

describe("round trips through archives and peers", () => {
  it("registry → berth → oci-archive → skopeo → registry keeps the manifest digest", () => {
    const file = join(root, "img.oci.tar");
    expect(berth(["save", "--format", "oci-archive", "-o", file, `${registry.host}/origin/img:1`], { env }).status).toBe(0);
    const back = `docker://${registry.host}/via-skopeo/img:1`;
    expect(run("skopeo", ["copy", "-q", "--dest-tls-verify=false", `oci-archive:${file}`, back]).status).toBe(0);
    expect(inspectRemote(back).Digest).toBe(inspectRemote(original).Digest);
  });

  it("registry → berth → docker-archive → podman → registry keeps the image ID and diff_ids", async () => {
    const file = join(root, "img.docker.tar");
    expect(berth(["save", "-o", file, `${registry.host}/origin/img:1`], { env }).status).toBe(0);
    const podmanHome = join(root, "podman");
    mkdirSync(podmanHome, { recursive: true });
    expect((await podman(podmanHome, ["load", "-i", file])).status).toBe(0);
    const back = `${registry.host}/via-podman/img:1`;
    const pushed = await podman(podmanHome, ["push", "--tls-verify=false", `${registry.host}/origin/img:1`, back]);
    expect(pushed.status).toBe(0);
    expect(configDigest(`docker://${back}`)).toBe(configDigest(original));
    expect(diffIds(`docker://${back}`)).toEqual(diffIds(original));
    // And berth pulls it back as the very image it started from.
    const again = berth(["pull", "-q", "--tls-verify=false", back], { env: { ...env, BERTH_ROOT: join(root, "again") } });
    expect(again.stdout.trim()).toBe(configDigest(original).slice("sha256:".length));
  });

  it("a zstd image made by skopeo: berth pulls it, unpacks it into a container and saves it, podman loads it with the same image ID", async () => {
    // Uncompressed layers (berth's import, pushed as it is), which skopeo then compresses with zstd.
    const rootfs = join(root, "zstd-rootfs");
    mkdirSync(join(rootfs, "etc"), { recursive: true });
    writeFileSync(join(rootfs, "etc", "greeting"), "hello from zstd\n".repeat(1000));
    expect(run("tar", ["cf", join(root, "zstd-rootfs.tar"), "-C", rootfs, "."]).status).toBe(0);
    const zenv = { ...env, BERTH_ROOT: join(root, "zstd-store") };
    expect(berth(["import", join(root, "zstd-rootfs.tar"), "localhost/zsrc:1"], { env: zenv }).status).toBe(0);
    const plainRef = `${registry.host}/zstd/plain:1`;
    const zstdRef = `${registry.host}/zstd/img:1`;
    expect(berth(["push", "-q", "--tls-verify=false", "localhost/zsrc:1", plainRef], { env: zenv }).status).toBe(0);
    expect(run("skopeo", ["copy", "-q", "--src-tls-verify=false", "--dest-tls-verify=false", "--dest-compress", "--dest-compress-format", "zstd", `docker://${plainRef}`, `docker://${zstdRef}`]).status).toBe(0);
    const raw = JSON.parse(run("skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${zstdRef}`]).stdout) as { layers: { mediaType: string }[] };
    expect(raw.layers.map((l) => l.mediaType)).toEqual(["application/vnd.oci.image.layer.v1.tar+zstd"]);
    const penv = { ...env, BERTH_ROOT: join(root, "zstd-pulled") };
    const pulled = berth(["pull", "-q", "--tls-verify=false", zstdRef], { env: penv });
    expect(pulled.stdout.trim()).toBe(configDigest(`docker://${zstdRef}`).slice("sha256:".length));
    expect(berth(["create", "--name", "z", zstdRef], { env: penv })).toMatchObject({ status: 0, stderr: "" });
    const mounted = berth(["mount", "z"], { env: penv }).stdout.trim();
    expect(readFileSync(join(mounted, "etc", "greeting"), "utf8")).toBe("hello from zstd\n".repeat(1000));
    const file = join(root, "zstd.docker.tar");
    expect(berth(["save", "-o", file, zstdRef], { env: penv })).toMatchObject({ status: 0, stderr: "" });
    const podmanHome = join(root, "podman-zstd");
    mkdirSync(podmanHome, { recursive: true });
    expect((await podman(podmanHome, ["load", "-i", file])).status).toBe(0);
    const ids = await podman(podmanHome, ["images", "--no-trunc", "--format", "{{.ID}}"]);
    expect(ids.stdout.trim()).toBe(configDigest(`docker://${zstdRef}`));
  });
});
