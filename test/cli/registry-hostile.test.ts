/**
 * A hostile or broken registry: manifests whose digests would steer URLs,
 * silent servers, stalled bodies, redirect loops and redirected manifests,
 * and a store that cannot be written. The real registry stays behind a
 * fault-injecting proxy; a silent TCP server stands in for one that hangs.
 * Every case ends in one line and podman's exit code, never a hang.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBlobHost, startFaultProxy, startSilentServer, type FaultProxy } from "../peers/fault-proxy.ts";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { outputOf } from "../spawn.ts";
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
let layerDigest = "";
let configDigest = "";
let configSize = 0;

const pull = (e: { BERTH_ROOT: string }, name: string, ...flags: string[]) =>
  berthAsync([...flags, "pull", "-q", "--tls-verify=false", "--creds", creds, `${proxy.host}/${name}`], { env: e });
const lines = (s: string) => s.split("\n").filter((l) => l !== "");
const nothingStored = (e: { BERTH_ROOT: string; HOME: string; BERTH_SYSTEM_CONFIG_DIR: string }) => {
  expect(berth(["images", "-q"], { env: e }).stdout).toBe("");
  expect(listing(join(e.BERTH_ROOT, "blobs/sha256"))).toEqual([]);
  expect(listing(join(e.BERTH_ROOT, "berth/ingest"))).toEqual([]);
};
const ociManifest = (layers: ReadonlyArray<{ digest: string; size: number }>) =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: configDigest, size: configSize },
    layers: layers.map((l) => ({ mediaType: "application/vnd.oci.image.layer.v1.tar", ...l })),
  });

beforeAll(async () => {
  mkdirSync(home, { recursive: true });
  const htpasswd = join(root, "htpasswd");
  writeFileSync(htpasswd, spawnSync("htpasswd", ["-Bbn", "tester", "s3cret-pass"], { encoding: "utf8" }).stdout);
  registry = await startRegistry(join(root, "registry"), `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${htpasswd}\n`);
  proxy = await startFaultProxy(registry.host);
  const tar = join(root, "app.tar");
  writeFileSync(tar, await makeTar([{ name: "data/filler", content: Buffer.alloc(256 * 1024, 7) }, { name: "etc/hello", content: "hi\n" }]));
  const source = env();
  expect(berth(["import", "-q", tar, "app"], { env: source }).status).toBe(0);
  expect(berth(["copy", "-q", "--dest-decompress", "--dest-tls-verify=false", "--dest-creds", creds, "store:app", `docker://${registry.host}/team/app:1`], { env: source }).status).toBe(0);
  const inspected = JSON.parse(berth(["inspect", "app"], { env: source }).stdout) as { Id: string; RootFS: { Layers: string[] } }[];
  layerDigest = inspected[0]?.RootFS.Layers[0] ?? "";
  configDigest = `sha256:${inspected[0]?.Id ?? ""}`;
  const raw = spawnSync("skopeo", ["inspect", "--raw", "--tls-verify=false", "--creds", creds, `docker://${registry.host}/team/app:1`], { encoding: "utf8" });
  configSize = (JSON.parse(raw.stdout) as { config: { size: number } }).config.size;
}, 60_000);
afterAll(async () => {
  await proxy.stop();
  await registry.stop();
});

describe("a registry's documents never steer requests", () => {
  it("refuses a layer digest that would climb out of the repository, before any request is made with it", async () => {
    for (const digest of ["sha256:../../../../../../elsewhere/secret", `sha256:${"a".repeat(63)}/`, "md5:d41d8cd98f00b204e9800998ecf8427e", `sha256:${"A".repeat(64)}`]) {
      proxy.faults.push({ kind: "serve", path: /\/manifests\/evil$/, contentType: "application/vnd.oci.image.manifest.v1+json", body: ociManifest([{ digest, size: 10 }]), times: 1 });
      const before = proxy.seen.length;
      const e = env();
      const r = await pull(e, "team/app:evil");
      expect(r.status).toBe(125);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toContain('key "layers.0.digest": expected a digest (algorithm:hex)');
      // Only the manifest was asked for: nothing was sent anywhere the digest pointed.
      expect(proxy.seen.slice(before).filter((s) => !/\/manifests\/evil$/.test(s.path) && s.path !== "/v2/")).toEqual([]);
      nothingStored(e);
    }
  });

  it("refuses an index entry with such a digest, and a size that is not a byte count", async () => {
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: "sha256:../../../v2/other/manifests/latest", size: 100, platform: { os: "linux", architecture: "amd64" } }],
    });
    proxy.faults.push({ kind: "serve", path: /\/manifests\/evil-index$/, contentType: "application/vnd.oci.image.index.v1+json", body: index, times: 1 });
    const before = proxy.seen.length;
    const r = await pull(env(), "team/app:evil-index");
    expect([r.status, lines(r.stderr).length]).toEqual([125, 1]);
    expect(r.stderr).toContain('key "manifests.0.digest": expected a digest');
    expect(proxy.seen.slice(before).some((s) => s.path.includes("other"))).toBe(false);
    proxy.faults.push({ kind: "serve", path: /\/manifests\/negative$/, contentType: "application/vnd.oci.image.manifest.v1+json", body: ociManifest([{ digest: layerDigest, size: -1 }]), times: 1 });
    const negative = await pull(env(), "team/app:negative");
    expect([negative.status, lines(negative.stderr).length]).toEqual([125, 1]);
    expect(negative.stderr).toContain('key "layers.0.size": expected a size in bytes');
  });
});

describe("redirects", () => {
  it("follows a redirected manifest, without sending credentials to the other origin", async () => {
    const other = await startBlobHost(registry.host, `Basic ${Buffer.from(creds).toString("base64")}`);
    try {
      proxy.faults.push({ kind: "redirect", path: /\/manifests\/1$/, to: other.host, times: 1 });
      const r = await pull(env(), "team/app:1");
      expect([r.status, r.stderr]).toEqual([0, ""]);
      expect(other.requests()).toBe(1);
      expect(other.authorizationSeen()).toBe(false);
    } finally {
      proxy.faults.length = 0;
      await other.stop();
    }
  });

  it("gives up on a redirect loop after 10 hops, saying so", async () => {
    proxy.faults.push({ kind: "loop", path: new RegExp(`/blobs/${layerDigest}$`), times: 1 });
    const e = env();
    const r = await pull(e, "team/app:1");
    proxy.faults.length = 0;
    expect([r.status, lines(r.stderr).length]).toEqual([125, 1]);
    expect(r.stderr).toContain(`blob ${layerDigest}: stopped after 10 redirects`);
    nothingStored(e);
  });
});

describe("silence", () => {
  it("gives up on a registry that never answers within --network-timeout, retries included", async () => {
    const silent = await startSilentServer();
    try {
      const r = await berthAsync(["--network-timeout", "1s", "pull", "-q", "--retry", "1", "--tls-verify=false", `${silent.host}/team/app:1`], { env: env() });
      expect(r.status).toBe(125);
      expect(r.stderr).toBe(`Error: initializing source docker://${silent.host}/team/app:1: ${silent.host}/team/app: ${silent.host}: no response within 1 s\n`);
      // One TLS attempt, then plain HTTP for it and its retry.
      expect(silent.connections()).toBe(3);
    } finally {
      await silent.stop();
    }
  });

  it("stops at once on Ctrl-C while a TLS handshake waits, whatever the timeout", async () => {
    const silent = await startSilentServer();
    try {
      const child = spawn(process.execPath, [berthBin, "--network-timeout", "1h", "pull", "--tls-verify=false", `${silent.host}/team/app:1`], {
        env: withPolicy(env()),
        stdio: ["ignore", "pipe", "pipe"],
      });
      const done = outputOf(child);
      for (let i = 0; i < 200 && silent.connections() === 0; i++) await sleep(25);
      child.kill("SIGINT");
      // Before, the process lingered until the connect timeout: with an hour, the test's own limit would end it.
      const r = await done;
      expect([r.status, r.stderr.split("\n").slice(-2)]).toEqual([130, ["Error: interrupted; nothing was kept", ""]]);
    } finally {
      await silent.stop();
    }
  });

  it("resumes a body that stalls, once the idle limit passes", async () => {
    proxy.faults.push({ kind: "stall", path: new RegExp(`/blobs/${layerDigest}$`), afterBytes: 10_000, times: 1 });
    const before = proxy.seen.length;
    const e = env();
    const r = await pull(e, "team/app:1", "--network-timeout", "1s");
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(proxy.seen.slice(before).flatMap((s) => (s.range === undefined ? [] : [s.range]))).toEqual(["bytes=10000-"]);
    expect(berth(["check"], { env: e }).stdout).toBe("the store is consistent\n");
  });
});

describe("a store that cannot be written", () => {
  const brokenStore = () => {
    const e = env();
    // The ingest directory is one where nobody, root included, can create a file.
    mkdirSync(join(e.BERTH_ROOT, "berth"), { recursive: true });
    symlinkSync("/proc/self", join(e.BERTH_ROOT, "berth/ingest"));
    return e;
  };

  it("believes no config that is not what its digest says: inspect and manifest add refuse it", async () => {
    const e = env();
    proxy.faults.push({ kind: "corrupt", path: new RegExp(`/blobs/${configDigest}$`), times: 2 });
    const shown = await berthAsync(["inspect", "--tls-verify=false", "--creds", creds, `docker://${proxy.host}/team/app:1`], { env: e });
    // inspect of docker:// is skopeo's: 1.
    expect([shown.status, shown.stdout]).toEqual([1, ""]);
    expect(lines(shown.stderr)).toEqual([expect.stringMatching(new RegExp(`^Error: .*config ${configDigest} has digest sha256:[0-9a-f]{64}$`))]);
    expect(berth(["manifest", "create", "list"], { env: e }).status).toBe(0);
    const added = await berthAsync(["manifest", "add", "--tls-verify=false", "--creds", creds, "list", `${proxy.host}/team/app:1`], { env: e });
    expect(added.status).toBe(125);
    expect(lines(added.stderr)).toEqual([expect.stringMatching(new RegExp(`^Error: .*config ${configDigest} has digest sha256:[0-9a-f]{64}$`))]);
    expect(JSON.parse(berth(["manifest", "inspect", "list"], { env: e }).stdout)).toMatchObject({ manifests: [] });
  });

  it("fails a pull in one line that names the store, not the source", async () => {
    const e = brokenStore();
    const r = await pull(e, "team/app:1");
    expect(r.status).toBe(125);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^Error: ${e.BERTH_ROOT}: cannot store blob sha256:[0-9a-f]{64}: E[A-Z]+: `));
    expect(r.stderr).not.toContain("initializing source");
    expect(berth(["images", "-q"], { env: e }).stdout).toBe("");
  });

  it("settles the library's pull with a BerthError", async () => {
    const e = brokenStore();
    const script = join(root, "library-pull.mjs");
    writeFileSync(
      script,
      [
        `import { openBerth, BerthError } from ${JSON.stringify(join(berthBin, "..", "index.js"))};`,
        `const berth = await openBerth({ root: ${JSON.stringify(e.BERTH_ROOT)}, tlsVerify: false });`,
        `try { await berth.pull(${JSON.stringify(`${proxy.host}/team/app:1`)}, { creds: { username: "tester", password: "s3cret-pass" } }); console.log("pulled"); }`,
        `catch (err) { console.log(err instanceof BerthError ? \`\${err.code} \${err.exitCode}\` : \`other \${err}\`); }`,
      ].join("\n"),
    );
    // Before, the promise never settled: Node ended the script with exit code 13 and nothing printed.
    const r = await outputOf(spawn(process.execPath, [script], { env: withPolicy(e), stdio: ["ignore", "pipe", "pipe"] }));
    expect([r.status, r.stdout]).toEqual([0, "BLOB_IO 125\n"]);
  });
});
