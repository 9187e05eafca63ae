/**
 * Layer compression decided by the copy plan, against the real registry
 * (through a proxy that only watches): an imported image is pushed gzipped
 * and streamed, a second push to another repository uploads nothing, and the
 * flags of podman and skopeo steer the choice.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, type FaultProxy } from "../peers/fault-proxy.ts";
import { podman } from "../peers/podman.ts";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { noise } from "../layouts.ts";
import { makeTar } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth, berthAsync } from "./berth.ts";

const root = tempDir();
const env = { BERTH_ROOT: join(root, "store"), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") };
const b = (...args: string[]) => berth(args, { env });
let registry: Registry;
let proxy: FaultProxy;
let tarSize = 0;

/** Pushes through the proxy (asynchronously: the proxy answers from this process), and what the proxy saw meanwhile. */
const pushVia = async (name: string): Promise<ReadonlyArray<{ method: string; path: string }>> => {
  const before = proxy.seen.length;
  const r = await berthAsync(["push", "-q", "--tls-verify=false", "app", `${proxy.host}/${name}`], { env });
  expect([r.status, r.stderr]).toEqual([0, ""]);
  return proxy.seen.slice(before);
};
const uploads = (seen: ReadonlyArray<{ method: string; path: string }>) => seen.filter((r) => r.method === "PATCH" || (r.method === "PUT" && r.path.includes("/blobs/uploads/")));
const rawManifest = (name: string) =>
  JSON.parse(spawnSync("skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${registry.host}/${name}`], { encoding: "utf8", env: { ...process.env, HOME: env.HOME } }).stdout) as {
    config: { digest: string };
    layers: { mediaType: string; digest: string; size: number }[];
  };

beforeAll(async () => {
  mkdirSync(env.HOME, { recursive: true });
  // Relative upload locations, so that the uploads go through the proxy too.
  registry = await startRegistry(join(root, "registry"), "  relativeurls: true");
  proxy = await startFaultProxy(registry.host);
  // Half noise, half text: gzip has something to gain, and the layer is large enough to stream.
  const tar = await makeTar([
    { name: "data/noise", content: noise(512 * 1024, 5) },
    { name: "data/text", content: "the same line again\n".repeat(30_000) },
  ]);
  tarSize = tar.byteLength;
  writeFileSync(join(root, "app.tar"), tar);
  expect(b("import", "-q", join(root, "app.tar"), "app").status).toBe(0);
}, 60_000);
afterAll(async () => {
  await proxy.stop();
  await registry.stop();
});

describe("push compression", () => {
  it("gzips an imported layer on the way, streamed in one PATCH, and a second push to another repository uploads nothing", async () => {
    const first = await pushVia("team/a:1");
    // The config in one PUT; the layer in one PATCH, then the PUT that names its digest (config and layer go in parallel).
    expect(uploads(first).map((r) => r.method).sort()).toEqual(["PATCH", "PUT", "PUT"]);
    const a = rawManifest("team/a:1");
    expect(a.layers.map((l) => l.mediaType)).toEqual(["application/vnd.oci.image.layer.v1.tar+gzip"]);
    expect(a.layers[0]?.size).toBeLessThan(tarSize * 0.7);
    const second = await pushVia("team/b:1");
    expect(uploads(second).filter((r) => r.method === "PATCH")).toEqual([]);
    expect(second.filter((r) => r.method === "POST" && r.path.includes("mount=")).length).toBeGreaterThan(0);
    // The same gzipped layer, and so the same manifest, in both repositories.
    expect(rawManifest("team/b:1")).toEqual(a);
    const again = await pushVia("team/a:2");
    expect(uploads(again).filter((r) => r.method === "PATCH")).toEqual([]);
  });

  it("follows the flags: a level, decompression into a layout, and refusals that say why", () => {
    expect(b("push", "-q", "--tls-verify=false", "--compression-level", "1", "app", `${registry.host}/team/fast:1`).status).toBe(0);
    expect(rawManifest("team/fast:1").layers[0]?.digest).not.toBe(rawManifest("team/a:1").layers[0]?.digest);
    const layout = join(root, "plain");
    expect(b("copy", "-q", "--dest-decompress", "--src-tls-verify=false", `docker://${registry.host}/team/a:1`, `oci:${layout}:app`).status).toBe(0);
    const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as { manifests: { digest: string }[] };
    const written = JSON.parse(readFileSync(join(layout, "blobs/sha256", (index.manifests[0]?.digest ?? "").slice(7)), "utf8")) as { layers: { mediaType: string; digest: string }[] };
    const diffIds = (JSON.parse(b("inspect", "app").stdout) as { RootFS: { Layers: string[] } }[])[0]?.RootFS.Layers;
    expect(written.layers.map((l) => [l.mediaType, l.digest])).toEqual((diffIds ?? []).map((d) => ["application/vnd.oci.image.layer.v1.tar", d]));
    const preserved = b("copy", "--dest-tls-verify=false", "--preserve-digests", "store:app", `docker://${registry.host}/team/never:1`);
    expect(preserved.status).toBe(1);
    expect(preserved.stderr).toMatch(/^Error: .*changing the compression of layer sha256:[a-f0-9]{64} would change the manifest's digest, and --preserve-digests forbids that\n$/);
    expect(b("push", "--tls-verify=false", "--compression-level", "12", "app", `${registry.host}/team/never:1`).stderr).toBe("Error: compression level 12 is not one gzip takes (1 to 9)\n");
    expect(b("copy", "--dest-compress", "--dest-decompress", "store:app", `oci:${join(root, "never")}:x`).status).toBe(1);
    const dry = b("push", "--dry-run", "--tls-verify=false", "app", `${registry.host}/team/never:1`);
    expect(dry.stdout).toMatch(/ {2}(copy|mount) blob sha256:[a-f0-9]{64} \(\d+ bytes\).*compress gzip/);
    expect(spawnSync("skopeo", ["inspect", "--tls-verify=false", `docker://${registry.host}/team/never:1`], { encoding: "utf8" }).status).not.toBe(0);
  });

  it("writes zstd layers that podman and skopeo read as the same image, and pulls them back checked", async () => {
    const copied = b("copy", "-q", "--dest-tls-verify=false", "--dest-compress-format", "zstd", "store:app", `docker://${registry.host}/team/zstd:1`);
    expect([copied.status, copied.stderr]).toEqual([0, ""]);
    const raw = rawManifest("team/zstd:1");
    expect(raw.layers.map((l) => l.mediaType)).toEqual(["application/vnd.oci.image.layer.v1.tar+zstd"]);
    // inspect shows each layer's compression and stored size.
    const details = JSON.parse(b("inspect", "--tls-verify=false", `docker://${registry.host}/team/zstd:1`).stdout) as { LayersData: { MIMEType: string; Digest: string; Size: number }[] };
    expect(details.LayersData).toEqual(raw.layers.map((l) => ({ MIMEType: l.mediaType, Digest: l.digest, Size: l.size, Annotations: null })));
    const mine = (JSON.parse(b("inspect", "app").stdout) as { Id: string; RootFS: { Layers: string[] } }[])[0];
    expect(raw.config.digest).toBe(`sha256:${mine?.Id}`);
    const podmanHome = join(root, "podman-home");
    const pulled = await podman(podmanHome, ["pull", "-q", "--tls-verify=false", `${registry.host}/team/zstd:1`]);
    expect([pulled.status, pulled.stdout.trim()]).toEqual([0, mine?.Id]);
    const theirs = JSON.parse((await podman(podmanHome, ["image", "inspect", `${registry.host}/team/zstd:1`])).stdout) as { RootFS: { Layers: string[] } }[];
    expect(theirs[0]?.RootFS.Layers).toEqual(mine?.RootFS.Layers);
    const skopeoCopy = spawnSync("skopeo", ["copy", "-q", "--src-tls-verify=false", `docker://${registry.host}/team/zstd:1`, `oci:${join(root, "zstd-layout")}:z`], { encoding: "utf8", env: { ...process.env, HOME: env.HOME } });
    expect(skopeoCopy.status).toBe(0);
    // Pulled into another store: the layer kept as zstd, its diff_id checked by unpacking it.
    const other = { ...env, BERTH_ROOT: join(root, "zstd-store") };
    expect(berth(["pull", "-q", "--tls-verify=false", `${registry.host}/team/zstd:1`], { env: other }).stdout).toBe(`${mine?.Id}\n`);
    expect(berth(["check"], { env: other }).stdout).toBe("the store is consistent\n");
  });
});
