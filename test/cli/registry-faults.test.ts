/**
 * Pulls through a fault-injecting proxy in front of the real registry (with
 * htpasswd Basic auth): retries, resumes, refusals, and nothing corrupt left.
 */
import { spawn, spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBlobHost, startFaultProxy, type FaultProxy } from "../peers/fault-proxy.ts";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { makeTar } from "../tarballs.ts";
import { tempDir, listing } from "../tmp.ts";
import { berth, berthAsync, berthBin, withPolicy } from "./berth.ts";

const root = tempDir();
const home = join(root, "home");
let registry: Registry;
let proxy: FaultProxy;
let n = 0;
const creds = "tester:s3cret-pass";
const env = () => ({ BERTH_ROOT: join(root, `store${n++}`), HOME: home, BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") });
const blobPath = /\/blobs\/sha256:/;
const layerPath = (digest: string) => new RegExp(`/blobs/${digest}$`);
let layerDigest = "";

const pull = (e: { BERTH_ROOT: string }, name = "team/app:1") => berthAsync(["pull", "-q", "--tls-verify=false", "--creds", creds, `${proxy.host}/${name}`], { env: e });
const nothingStored = (e: { BERTH_ROOT: string; HOME: string; BERTH_SYSTEM_CONFIG_DIR: string }) => {
  expect(berth(["images", "-q"], { env: e }).stdout).toBe("");
  expect(listing(join(e.BERTH_ROOT, "blobs/sha256"))).toEqual([]);
  expect(listing(join(e.BERTH_ROOT, "berth/ingest"))).toEqual([]);
};

beforeAll(async () => {
  mkdirSync(home, { recursive: true });
  const htpasswd = join(root, "htpasswd");
  const made = spawnSync("htpasswd", ["-Bbn", "tester", "s3cret-pass"], { encoding: "utf8" });
  writeFileSync(htpasswd, made.stdout);
  registry = await startRegistry(join(root, "registry"), `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${htpasswd}\n`);
  proxy = await startFaultProxy(registry.host);
  const tar = join(root, "app.tar");
  const filler = Buffer.alloc(256 * 1024, 7);
  writeFileSync(tar, await makeTar([{ name: "data/filler", content: filler }, { name: "etc/hello", content: "hi\n" }]));
  const source = env();
  expect(berth(["import", "-q", tar, "app"], { env: source }).status).toBe(0);
  // Pushed uncompressed, so that the registry's layer is the 256 KiB the faults cut into (and its digest the diff_id).
  const pushed = berth(["copy", "--dest-decompress", "--dest-tls-verify=false", "--dest-creds", creds, "store:app", `docker://${registry.host}/team/app:1`], { env: source });
  expect([pushed.status, pushed.stdout.split("\n").at(-3)]).toEqual([0, "Writing manifest to image destination"]);
  const inspected = JSON.parse(berth(["inspect", "app"], { env: source }).stdout) as { RootFS: { Layers: string[] } }[];
  layerDigest = inspected[0]?.RootFS.Layers[0] ?? "";
}, 60_000);
afterAll(async () => {
  await proxy.stop();
  await registry.stop();
});

describe("registry faults", () => {
  it("needs the credentials: without them the pull is refused in one line", async () => {
    const e = env();
    const r = await berthAsync(["pull", "--tls-verify=false", `${proxy.host}/team/app:1`], { env: e });
    expect(r.status).toBe(125);
    expect(r.stderr).toContain("authentication required");
    nothingStored(e);
  });

  it("retries 500 and 429, then succeeds", async () => {
    proxy.faults.push({ kind: "status", path: /\/manifests\/1$/, status: 500, times: 2 }, { kind: "status", path: blobPath, status: 429, times: 1 });
    const before = proxy.seen.length;
    const r = await pull(env());
    expect([r.status, r.stderr]).toEqual([0, ""]);
    const manifestGets = proxy.seen.slice(before).filter((s) => s.method === "GET" && /\/manifests\/1$/.test(s.path));
    expect(manifestGets.length).toBeGreaterThanOrEqual(3);
  });

  it("does not retry a 404", async () => {
    const before = proxy.seen.length;
    expect((await pull(env(), "team/nothing:1")).status).toBe(125);
    expect(proxy.seen.slice(before).filter((s) => /\/manifests\/1$/.test(s.path) && s.authorized)).toHaveLength(1);
  });

  it("resumes a blob cut mid-way with a Range request", async () => {
    proxy.faults.push({ kind: "reset", path: layerPath(layerDigest), afterBytes: 10_000, times: 1 });
    const before = proxy.seen.length;
    const e = env();
    const r = await pull(e);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(proxy.seen.slice(before).filter((s) => s.range !== undefined).map((s) => s.range)).toEqual(["bytes=10000-"]);
    expect(berth(["check"], { env: e }).stdout).toBe("the store is consistent\n");
  });

  it("refuses wrong bytes for a digest and a truncated body, keeping nothing", async () => {
    proxy.faults.push({ kind: "corrupt", path: layerPath(layerDigest), times: 1 });
    const e1 = env();
    const bad = await pull(e1);
    expect(bad.status).toBe(125);
    expect(bad.stderr).toContain(`blob ${layerDigest}: content has digest sha256:`);
    nothingStored(e1);
    proxy.faults.push({ kind: "truncate", path: layerPath(layerDigest), bytes: 5000, times: 1 });
    const e2 = env();
    const short = await pull(e2);
    expect(short.status).toBe(125);
    expect(short.stderr).toMatch(/got 5000 bytes, expected \d+/);
    nothingStored(e2);
  });

  it("follows a blob redirect to another origin without sending credentials there", async () => {
    const blobHost = await startBlobHost(registry.host, `Basic ${Buffer.from(creds).toString("base64")}`);
    try {
      proxy.faults.push({ kind: "redirect", path: blobPath, to: blobHost.host, times: 10 });
      const r = await pull(env());
      expect([r.status, r.stderr]).toEqual([0, ""]);
      expect(blobHost.requests()).toBeGreaterThan(0);
      expect(blobHost.authorizationSeen()).toBe(false);
    } finally {
      proxy.faults.length = 0;
      await blobHost.stop();
    }
  });

  it("stops cleanly on Ctrl-C, keeping nothing", async () => {
    proxy.faults.push({ kind: "slow", path: layerPath(layerDigest), bytesPerTick: 8 * 1024, tickMs: 100, times: 1 });
    const e = env();
    const before = proxy.seen.length;
    const child = spawn(process.execPath, [berthBin, "pull", "-q", "--tls-verify=false", "--creds", creds, `${proxy.host}/team/app:1`], {
      env: withPolicy(e),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on("close", r));
    // Interrupt once the slow layer is being read.
    for (let i = 0; i < 100 && !proxy.seen.slice(before).some((s) => layerPath(layerDigest).test(s.path) && s.authorized); i++) await sleep(50);
    await sleep(300);
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toBe("Error: interrupted; nothing was kept\n");
    nothingStored(e);
    proxy.faults.length = 0;
  });

  it("refuses a huge manifest", async () => {
    proxy.faults.push({ kind: "huge", path: /\/manifests\/1$/, bytes: 5 * 1024 * 1024, times: 1 });
    const e = env();
    const r = await pull(e);
    expect(r.status).toBe(125);
    expect(r.stderr).toContain("manifest 1 is larger than 4194304 bytes");
    nothingStored(e);
  });
});
