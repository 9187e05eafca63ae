/**
 * The library: one typed API over what the CLI does, as Promises that throw
 * BerthError (with the code and the CLI's exit code) or as TaskEithers; a
 * caller's own transport plugs into `copy`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BerthError, openBerth, type Berth } from "../../index.ts";
import { memoryPlugin, newMemory } from "../../plugins/example/memory.ts";
import { berth as cli } from "../cli/berth.ts";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";

const root = tempDir();
let registry: Registry;
let b: Berth;
const etc = join(root, "etc");

beforeAll(async () => {
  registry = await startRegistry(join(root, "registry"));
  const tar = join(root, "app.tar");
  writeFileSync(tar, await smallRootfs("library"));
  // The library has no import yet: the CLI makes the first image in the same store.
  const env = { BERTH_ROOT: join(root, "store"), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: etc };
  expect(cli(["import", "-q", "--change", "LABEL tier=front", tar, "app"], { env }).status).toBe(0);
  b = await openBerth({ root: join(root, "store"), tlsVerify: false, signaturePolicy: join(etc, "policy.json") });
}, 60_000);

afterAll(async () => {
  await registry.stop();
});

describe("openBerth", () => {
  it("lists, filters, inspects and tags as the CLI does", async () => {
    const listed = await b.images();
    expect(listed.map((i) => i.Names)).toEqual([["localhost/app:latest"]]);
    expect((await b.images({ filters: ["label=tier=back"] })).length).toBe(0);
    await b.tag("app", "quay.io/team/app:1");
    const inspected = await b.inspect("quay.io/team/app:1");
    expect(inspected.RepoTags).toEqual(["localhost/app:latest", "quay.io/team/app:1"]);
    expect(inspected.Labels).toEqual({ tier: "front" });
    await b.untag("app", "quay.io/team/app:1");
    expect((await b.inspect("app")).RepoTags).toEqual(["localhost/app:latest"]);
  });

  it("pushes with copy and pulls back by name, reporting progress", async () => {
    const events: string[] = [];
    const pushed = await b.copy("store:app", `docker://${registry.host}/lib/app:1`, { onEvent: (e) => events.push(e.kind) });
    expect(events).toContain("manifest-written");
    const other = await openBerth({ root: join(root, "other"), tlsVerify: false, signaturePolicy: join(etc, "policy.json") });
    const lines: string[] = [];
    const pulled = await other.pull(`${registry.host}/lib/app:1`, { onMessage: (l) => lines.push(l) });
    expect(pulled.id).toBe((await b.inspect("app")).Id);
    expect(lines[0]).toBe(`Trying to pull ${registry.host}/lib/app:1...`);
    expect((await other.inspect(`${registry.host}/lib/app:1`)).Digest).toBe(pushed.manifestDigest);
    const layout = join(root, "layout");
    await other.copy(`docker://${registry.host}/lib/app:1`, `oci:${layout}:app`);
    expect(JSON.parse(readFileSync(join(layout, "index.json"), "utf8")).manifests[0].digest).toBe(pushed.manifestDigest);
  });

  it("fails with typed errors carrying the CLI's exit code, or as Left values", async () => {
    const missing = await b.inspect("nosuch").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(BerthError);
    expect([(missing as BerthError).code, (missing as BerthError).exitCode]).toEqual(["IMAGE_NOT_FOUND", 1]);
    const left = await b.te.inspect("nosuch")();
    expect(E.isLeft(left) && left.left.code).toBe("IMAGE_NOT_FOUND");
    const unreachable = await b.pull("127.0.0.1:1/none/app:1").catch((e: unknown) => e);
    expect((unreachable as BerthError).code).toBe("PULL_FAILED");
    const strict = await openBerth({ root: join(root, "store"), signaturePolicy: join(root, "no-such-policy.json") });
    const rejected = await strict.copy("store:app", `oci:${join(root, "never")}:x`).catch((e: unknown) => e);
    expect((rejected as BerthError).code).toBe("CONFIG_NOT_FOUND");
  });

  it("copies through a transport the caller brings", async () => {
    const mem = newMemory();
    const withMemory = await openBerth({
      root: join(root, "store"),
      signaturePolicy: join(etc, "policy.json"),
      transports: [{ ...memoryPlugin, openSource: (r) => memoryPlugin.openSource!(r, mem), openDestination: (r) => memoryPlugin.openDestination!(r, mem) }],
    });
    const saved = await withMemory.copy("store:app", "memory:kept");
    expect(mem.manifests.get("kept")?.digest).toBe(saved.manifestDigest);
    await withMemory.copy("memory:kept", "store:back-from-memory");
    expect((await withMemory.inspect("back-from-memory")).Id).toBe((await withMemory.inspect("app")).Id);
  });

  it("lets that transport say its own policy scopes", async () => {
    const mem = newMemory();
    const policy = join(root, "memory-policy.json");
    writeFileSync(policy, JSON.stringify({ default: [{ type: "insecureAcceptAnything" }], transports: { memory: { quarantined: [{ type: "reject" }] } } }));
    const bound = { ...memoryPlugin, openSource: (r: { key: string }) => memoryPlugin.openSource!(r, mem), openDestination: (r: { key: string }) => memoryPlugin.openDestination!(r, mem) };
    const lib = await openBerth({ root: join(root, "store"), signaturePolicy: policy, transports: [bound] });
    await lib.copy("store:app", "memory:quarantined");
    await lib.copy("store:app", "memory:fine");
    await lib.copy("memory:fine", `oci:${join(root, "from-memory")}:fine`);
    const refused = await lib.copy("memory:quarantined", `oci:${join(root, "from-memory")}:quarantined`).catch((e: unknown) => e);
    expect((refused as BerthError).code).toBe("POLICY_REJECTED");
    expect((refused as BerthError).message).toMatch(/^Source image rejected: /);
    // Without the plugin, the same policy file names an unknown transport.
    const without = await openBerth({ root: join(root, "store"), signaturePolicy: policy }).then((b) => b.copy("store:app", `oci:${join(root, "never")}:x`)).catch((e: unknown) => e);
    expect((without as BerthError).message).toContain('unknown transport "memory"');
  });
});

describe("removing through the library", () => {
  it("reports what rmi would do, does it, and prunes dangling images", async () => {
    const lib = await openBerth({ root: join(root, "store"), signaturePolicy: join(etc, "policy.json") });
    await lib.tag("app", "second:1");
    const dry = await lib.remove(["second:1", "nosuch"], { dryRun: true });
    expect(dry.steps.map((s) => s.kind)).toEqual(["untag"]);
    expect([dry.errors.map((e) => e.code), dry.exitCode]).toEqual([["IMAGE_NOT_FOUND"], 1]);
    expect((await lib.inspect("second:1")).RepoTags).toContain("localhost/second:1");
    const done = await lib.remove(["second:1"]);
    expect([done.steps.map((s) => s.kind), done.exitCode]).toEqual([["untag"], 0]);
    await lib.untag("back-from-memory", "back-from-memory");
    const before = await lib.images({ all: true });
    const pruned = await lib.prune();
    expect(pruned).toEqual(before.filter((i) => i.Dangling).map((i) => i.Id));
    expect((await lib.images({ all: true })).some((i) => i.Dangling)).toBe(false);
  });
});

describe("archives and tarballs through the library", () => {
  it("imports a tarball, saves to an archive and loads it into another store", async () => {
    const lib = await openBerth({ root: join(root, "store"), signaturePolicy: join(etc, "policy.json") });
    const tar = join(root, "fresh.tar");
    writeFileSync(tar, await smallRootfs("imported by the library"));
    const imported = await lib.import(tar, { name: "fresh", changes: ["LABEL made=library"] });
    expect((await lib.inspect("fresh")).Labels).toEqual({ made: "library" });
    const archive = join(root, "fresh-and-app.tar");
    await lib.save({ images: ["fresh", "app"], multiImage: true, output: archive });
    const other = await openBerth({ root: join(root, "loaded"), signaturePolicy: join(etc, "policy.json") });
    const heard: string[] = [];
    const names = await other.load(archive, (n) => heard.push(n));
    expect([...names].sort()).toEqual(["localhost/app:latest", "localhost/fresh:latest"]);
    expect(heard).toEqual(names);
    expect((await other.inspect("fresh")).Id).toBe(imported.id);
    const bad = await other.load(join(root, "no-such.tar")).catch((e: unknown) => e);
    expect((bad as BerthError).code).toBe("NOT_FOUND");
  });
});

describe("zstd layers through the library", () => {
  it("writes zstd layers, then reads them back into a store, a root filesystem and an archive", async () => {
    const lib = await openBerth({ root: join(root, "store"), signaturePolicy: join(etc, "policy.json") });
    const layout = join(root, "zstd-layout");
    await lib.copy("store:app", `oci:${layout}:app`, { compression: { format: "zstd", level: 5 } });
    const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as { manifests: Array<{ digest: string }> };
    const blob = (digest: string): Buffer => readFileSync(join(layout, "blobs", "sha256", digest.slice("sha256:".length)));
    const manifest = JSON.parse(blob(index.manifests[0]?.digest ?? "").toString("utf8")) as { layers: Array<{ mediaType: string; digest: string }> };
    expect(manifest.layers.map((l) => l.mediaType)).toEqual(["application/vnd.oci.image.layer.v1.tar+zstd"]);
    expect([...blob(manifest.layers[0]?.digest ?? "").subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);

    const other = await openBerth({ root: join(root, "zstd-store"), signaturePolicy: join(etc, "policy.json") });
    await other.copy(`oci:${layout}:app`, "store:zapp");
    expect((await other.inspect("zapp")).Id).toBe((await lib.inspect("app")).Id);
    const c = await other.create("zapp", { name: "zwork" });
    expect(readFileSync(join(c.rootfs, "etc/hello"), "utf8")).toBe("library\n");
    const archive = join(root, "zapp.tar");
    await other.save({ images: ["zapp"], output: archive });
    const loaded = await openBerth({ root: join(root, "zstd-loaded"), signaturePolicy: join(etc, "policy.json") });
    await loaded.load(archive);
    expect((await loaded.inspect("zapp")).Id).toBe((await lib.inspect("app")).Id);
    expect((await other.check()).findings).toEqual([]);
  });
});

describe("push, resolve and history through the library", () => {
  it("pushes an image of the store, explains a name, and shows history", async () => {
    const lib = await openBerth({ root: join(root, "store"), tlsVerify: false, signaturePolicy: join(etc, "policy.json") });
    const pushed = await lib.push("app", `${registry.host}/lib/pushed:1`);
    // The imported layer went gzipped: the registry's manifest is the one berth reports, not the store's.
    expect(pushed.manifestDigest).toBe((await lib.inspectRemote(`docker://${registry.host}/lib/pushed:1`)).Digest);
    expect(pushed.manifestDigest).not.toBe((await lib.inspect("app")).Digest);
    const plan = await lib.resolve(`${registry.host}/lib/pushed:1`);
    expect(plan.candidates.map((c) => c.name)).toEqual([`${registry.host}/lib/pushed:1`]);
    const history = await lib.history("app");
    expect(history.at(-1)?.created_by).toMatch(/^\/bin\/sh -c #\(nop\) ADD file:[0-9a-f]{64} in \/$/);
    expect(history.at(-1)?.comment).toBe("imported from tarball");
    const missing = await lib.push("nosuch").catch((e: unknown) => e);
    expect((missing as BerthError).exitCode).toBe(1);
  });
});

describe("containers and check through the library", () => {
  it("creates a root filesystem, lists and removes it, and checks the store", async () => {
    const lib = await openBerth({ root: join(root, "store"), signaturePolicy: join(etc, "policy.json") });
    const c = await lib.create("app", { name: "work" });
    expect(readFileSync(join(c.rootfs, "etc/hello"), "utf8")).toBe("library\n");
    expect((await lib.containers()).map((x) => x.name)).toEqual(["work"]);
    const inUse = await lib.remove(["app"]);
    expect([inUse.exitCode, inUse.errors[0]?.code]).toEqual([2, "IMAGE_IN_USE"]);
    const gone = await lib.removeContainer(["work", "nosuch"]);
    expect([gone.removed, gone.errors.map((e) => e.code)]).toEqual([[c.id], ["CONTAINER_NOT_FOUND"]]);
    expect((await lib.check()).findings).toEqual([]);
  });
});

describe("registries through the library", () => {
  it("lists tags, inspects and deletes remotely, and logs in and out", async () => {
    const home = join(root, "lib-home");
    const lib = await openBerth({ root: join(root, "store"), tlsVerify: false, signaturePolicy: join(etc, "policy.json"), authFile: join(home, "auth.json") });
    const first = await lib.copy("store:app", `docker://${registry.host}/remote/app:1`);
    // The second copy finds the gzipped layer the first made (the blob-info cache): the same manifest again.
    expect((await lib.copy("store:app", `docker://${registry.host}/remote/app:2`)).manifestDigest).toBe(first.manifestDigest);
    expect([...(await lib.tags(`docker://${registry.host}/remote/app`))].sort()).toEqual(["1", "2"]);
    const details = await lib.inspectRemote(`docker://${registry.host}/remote/app:1`);
    expect([details.Digest, details.Labels]).toEqual([first.manifestDigest, { tier: "front" }]);
    // Both tags name one manifest: deleting it removes both.
    expect(await lib.deleteRemote(`docker://${registry.host}/remote/app:2`)).toBe(details.Digest);
    const gone = await lib.inspectRemote(`docker://${registry.host}/remote/app:1`).catch((e: unknown) => e);
    expect([(gone as BerthError).code, (gone as BerthError).exitCode]).toEqual(["IMAGE_NOT_FOUND", 1]);
    await lib.login(registry.host, "someone", "secret");
    expect(JSON.parse(readFileSync(join(home, "auth.json"), "utf8")).auths[registry.host].auth).toBe(Buffer.from("someone:secret").toString("base64"));
    expect(await lib.logout(registry.host)).toBe(true);
    expect(await lib.logout(registry.host)).toBe(false);
  });

  it("syncs every tag of a repository, reporting each image, and a second sync copies nothing", async () => {
    const lib = await openBerth({ root: join(root, "store"), tlsVerify: false, signaturePolicy: join(etc, "policy.json") });
    for (const t of ["a", "b"]) await lib.copy("store:app", `docker://${registry.host}/sync-src/app:${t}`);
    const heard: string[] = [];
    const first = await lib.sync(`${registry.host}/sync-src/app`, `${registry.host}/sync-dest`, { onImage: (e) => heard.push(`${e.kind} ${e.destination}`) });
    expect(first.images.map((i) => [i.destination, i.outcome]).sort()).toEqual([
      [`docker://${registry.host}/sync-dest/app:a`, "copied"],
      [`docker://${registry.host}/sync-dest/app:b`, "copied"],
    ]);
    expect(heard.filter((h) => h.startsWith("image-done")).length).toBe(2);
    const again = await lib.sync(`${registry.host}/sync-src/app`, `${registry.host}/sync-dest`);
    expect(again.images.map((i) => i.outcome)).toEqual(["skipped", "skipped"]);
    const planned = await lib.sync(`${registry.host}/sync-src/app:a`, join(root, "sync-dir"), { destinationKind: "dir", dryRun: true });
    expect(planned.images).toEqual([{ source: `docker://${registry.host}/sync-src/app:a`, destination: `dir:${join(root, "sync-dir")}/app:a`, action: "copy", digest: first.images[0]?.digest, outcome: "planned" }]);
  });
});

describe("trust through the library", () => {
  it("shows and sets the policy", async () => {
    const file = join(root, "lib-policy.json");
    writeFileSync(file, JSON.stringify({ default: [{ type: "insecureAcceptAnything" }] }));
    const lib = await openBerth({ root: join(root, "store"), signaturePolicy: file });
    await lib.setTrust("quay.io/team", "reject");
    expect((await lib.trust()).rows).toEqual([
      { transport: "all", scope: "", type: "accept", keys: "" },
      { transport: "docker", scope: "quay.io/team", type: "reject", keys: "" },
    ]);
    const bad = await lib.setTrust("quay.io/x", "signedBy").catch((e: unknown) => e);
    expect((bad as BerthError).code).toBe("INVALID_ARGUMENT");
  });
});

describe("cancelling through the library", () => {
  it("stops a copy on an aborted signal and leaves nothing behind", async () => {
    const lib = await openBerth({ root: join(root, "store"), signaturePolicy: join(etc, "policy.json") });
    const controller = new AbortController();
    controller.abort();
    const layout = join(root, "cancelled");
    const r = await lib.copy("store:app", `oci:${layout}:x`, { signal: controller.signal }).catch((e: unknown) => e);
    expect((r as BerthError).code).toBe("INTERRUPTED");
    expect(existsSync(join(layout, "index.json"))).toBe(false);
  });
});
