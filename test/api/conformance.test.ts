/**
 * One table of checks that every transport passes, as go-containerregistry's
 * `validate` is for its images: a round trip of an image with its digests
 * kept, `--all` on an index where the transport holds one (and a refusal
 * where it does not), format conversion, signatures where it keeps them, an
 * aborted copy leaving nothing visible, and a destination closed without
 * commit leaving no orphan blob. A new plugin adds a row and runs the same
 * table. Runs on Node and on Deno (`docker://` against the real registry).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../../adapters/api/context.ts";
import { sha256Digest } from "../../adapters/store/hash.ts";
import { parseImageName } from "../../core/transport/index.ts";
import { BerthError, openBerth, type Berth, type BerthOptions } from "../../index.ts";
import type { BuiltinContext } from "../../plugins/builtin-context.ts";
import type { BuiltinReference } from "../../plugins/builtin.ts";
import type { TransportPlugin } from "../../plugins/contract.ts";
import { memoryPlugin, newMemory, type MemoryImages } from "../../plugins/example/memory.ts";
import { noise, writeIndexLayout, writeLayout } from "../layouts.ts";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { makeTar } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";

const root = tempDir();
const etc = join(root, "etc");
const lookaside = join(root, "lookaside");
let registry: Registry;
let n = 0;
const fresh = (label: string) => join(root, `${label}-${n++}`);

/** One transport under test: how to name a fresh place in it, what is visible there, and what it can hold. */
interface Row {
  readonly transport: string;
  /** A name for a new, empty place. */
  readonly place: () => string;
  /** Whether an image is visible at `name`. */
  readonly visible: (name: string) => Promise<boolean>;
  /** Blobs left at `name` (for the no-orphan check); `undefined` where the transport cannot tell (a registry keeps uploads until its own garbage collection). */
  readonly blobsAt?: (name: string) => number;
  /** Whether a copy through it keeps the manifest's bytes (else the image ID and layers are what stays). */
  readonly keepsManifest: boolean;
  readonly holdsIndex: boolean;
  readonly takesDocker: boolean;
  readonly takesOci: boolean;
  readonly keepsSignatures: boolean;
}

const memory: MemoryImages = newMemory();
const boundMemory: TransportPlugin<{ key: string }, BuiltinContext> = {
  ...memoryPlugin,
  openSource: (r) => memoryPlugin.openSource?.(r, memory) ?? Promise.reject(new Error("no source")),
  openDestination: (r) => memoryPlugin.openDestination?.(r, memory) ?? Promise.reject(new Error("no destination")),
};

const count = (dir: string): number => (existsSync(dir) ? readdirSync(dir).length : 0);
/** Temporary files and directories an archive writer left beside `file` (`.NAME.berth-…`). */
const leftoversBeside = (file: string): number => readdirSync(dirname(file)).filter((f) => f.startsWith(`.${basename(file)}.`)).length;

const rows = (): ReadonlyArray<Row> => [
  {
    transport: "memory",
    place: () => `memory:key${n++}`,
    visible: async (name) => memory.manifests.has(name.slice("memory:".length)),
    blobsAt: () => memory.blobs.size,
    keepsManifest: true,
    holdsIndex: false,
    takesDocker: true,
    takesOci: true,
    keepsSignatures: false,
  },
  {
    transport: "oci",
    place: () => `oci:${fresh("oci")}:img`,
    visible: async (name) => existsSync(join(name.slice(4, name.lastIndexOf(":")), "index.json")),
    blobsAt: (name) => count(join(name.slice(4, name.lastIndexOf(":")), "blobs", "sha256")),
    keepsManifest: true,
    holdsIndex: true,
    takesDocker: false,
    takesOci: true,
    keepsSignatures: false,
  },
  {
    transport: "oci-archive",
    place: () => `oci-archive:${fresh("ocia")}.tar:img`,
    visible: async (name) => existsSync(name.slice("oci-archive:".length, name.lastIndexOf(":"))),
    blobsAt: (name) => leftoversBeside(name.slice("oci-archive:".length, name.lastIndexOf(":"))),
    keepsManifest: true,
    holdsIndex: true,
    takesDocker: false,
    takesOci: true,
    keepsSignatures: false,
  },
  {
    transport: "dir",
    place: () => `dir:${fresh("dir")}`,
    visible: async (name) => existsSync(join(name.slice(4), "manifest.json")),
    blobsAt: (name) => count(name.slice(4)),
    keepsManifest: true,
    holdsIndex: false,
    takesDocker: true,
    takesOci: true,
    keepsSignatures: true,
  },
  {
    transport: "docker-archive",
    place: () => `docker-archive:${fresh("da")}.tar:localhost/img:1`,
    visible: async (name) => existsSync(name.slice("docker-archive:".length, name.lastIndexOf(":", name.lastIndexOf(":") - 1))),
    blobsAt: (name) => leftoversBeside(name.slice("docker-archive:".length, name.lastIndexOf(":", name.lastIndexOf(":") - 1))),
    keepsManifest: false,
    holdsIndex: false,
    takesDocker: true,
    takesOci: true,
    keepsSignatures: false,
  },
  {
    transport: "store",
    place: () => `store:conformance/img${n++}:1`,
    visible: async (name) => (await b.images()).some((i) => i.Names.includes(`localhost/${name.slice("store:".length)}`)),
    keepsManifest: true,
    holdsIndex: false,
    takesDocker: true,
    takesOci: true,
    keepsSignatures: false,
  },
  {
    transport: "docker",
    place: () => `docker://${registry.host}/conformance/img${n++}:1`,
    visible: async (name) => {
      const tags: ReadonlyArray<string> = await b.tags(name.slice(0, name.lastIndexOf(":"))).catch(() => []);
      return tags.includes("1");
    },
    keepsManifest: true,
    holdsIndex: true,
    takesDocker: true,
    takesOci: true,
    keepsSignatures: true,
  },
];

let b: Berth;
let options: BerthOptions;
let source = "";
let indexSource = "";
let indexDigest = "";
let signedSource = "";
let imageDigest = "";

beforeAll(async () => {
  registry = await startRegistry(join(root, "registry"));
  mkdirSync(join(etc, "registries.d"), { recursive: true });
  writeFileSync(join(etc, "registries.d", "default.yaml"), `default-docker:\n  lookaside-staging: file://${lookaside}\n  lookaside: file://${lookaside}\n`);
  const layer = await makeTar([{ name: "data/noise", content: noise(64 * 1024, 3) }]);
  const layout = join(root, "source");
  // gzipped, as registries hold layers: every transport then keeps the image as it is (an uncompressed one would be gzipped into registries and layouts).
  writeLayout(layout, [{ name: "img", layers: [layer], gzip: true }]);
  source = `oci:${layout}:img`;
  const indexed = join(root, "index-source");
  indexDigest = writeIndexLayout(indexed, "multi", ["linux/amd64", "linux/arm64"], [layer]).indexDigest;
  indexSource = `oci:${indexed}:multi`;
  options = { root: join(root, "store"), tlsVerify: false, insecurePolicy: true, registriesD: join(etc, "registries.d"), transports: [boundMemory] };
  b = await openBerth(options);
  // A dir: image with a signature beside it, as skopeo keeps them.
  const signed = join(root, "signed");
  await b.copy(source, `dir:${signed}`);
  writeFileSync(join(signed, "signature-1"), "not checked: the policy here accepts anything");
  signedSource = `dir:${signed}`;
  imageDigest = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")).manifests[0].digest as string;
}, 120_000);
afterAll(async () => {
  await registry.stop();
});

const failureOf = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => "none",
    (e: unknown) => (e instanceof BerthError ? e.code : `thrown: ${String(e)}`),
  );

describe("transport conformance", () => {
  it("round-trips an image, keeping its digests", async () => {
    for (const row of rows()) {
      const at = row.place();
      await b.copy(source, at);
      expect([row.transport, await row.visible(at)]).toEqual([row.transport, true]);
      const back = fresh("back");
      const r = await b.copy(at, `oci:${back}:img`);
      const inspected = await b.planCopy(at, `oci:${fresh("plan")}:img`);
      if (row.keepsManifest) expect([row.transport, r.manifestDigest]).toEqual([row.transport, imageDigest]);
      // Whatever the manifest became, the config (the image ID) and the layers are the same bytes.
      const configOf = (digest: string) => inspected.instances[0]?.blobs.find((s) => s.role === "config")?.descriptor.digest ?? digest;
      expect([row.transport, configOf("")]).toEqual([row.transport, (await b.planCopy(source, `oci:${fresh("plan")}:img`)).instances[0]?.blobs[0]?.descriptor.digest]);
    }
  });

  it("copies a whole index where the transport holds one, keeping its digest, and refuses where it does not", async () => {
    for (const row of rows()) {
      const at = row.place();
      if (!row.holdsIndex) {
        expect([row.transport, await failureOf(b.copy(indexSource, at, { all: true }))]).toEqual([row.transport, "UNSUPPORTED_MANIFEST"]);
        expect([row.transport, await row.visible(at)]).toEqual([row.transport, false]);
        continue;
      }
      const r = await b.copy(indexSource, at, { all: true });
      expect([row.transport, r.manifestDigest]).toEqual([row.transport, indexDigest]);
      const back = await b.copy(at, `oci:${fresh("index-back")}:multi`, { all: true });
      expect([row.transport, back.manifestDigest]).toEqual([row.transport, indexDigest]);
    }
  });

  it("converts formats where the transport takes the other one, and refuses where it does not", async () => {
    for (const row of rows()) {
      const at = row.place();
      if (!row.takesDocker) {
        expect([row.transport, await failureOf(b.copy(source, at, { format: "v2s2" }))]).toEqual([row.transport, "UNSUPPORTED_MANIFEST"]);
        continue;
      }
      const r = await b.copy(source, at, { format: "v2s2" });
      if (row.keepsManifest) {
        expect([row.transport, r.manifestDigest === imageDigest]).toEqual([row.transport, false]);
        const plan = await b.planCopy(at, `dir:${fresh("plan")}`);
        expect([row.transport, plan.source.mediaType]).toEqual([row.transport, "application/vnd.docker.distribution.manifest.v2+json"]);
      }
    }
  });

  it("carries signatures where the transport keeps them, and refuses to lose them where it does not unless asked", async () => {
    for (const row of rows()) {
      const at = row.place();
      if (!row.keepsSignatures) {
        expect([row.transport, await failureOf(b.copy(signedSource, at))]).toEqual([row.transport, "SIGNATURES_NOT_SUPPORTED"]);
        expect([row.transport, (await b.planCopy(signedSource, at, { removeSignatures: true })).signatures]).toEqual([row.transport, { action: "drop", why: "asked" }]);
        continue;
      }
      expect([row.transport, (await b.planCopy(signedSource, at)).signatures]).toEqual([row.transport, { action: "carry", count: 1 }]);
      await b.copy(signedSource, at);
      if (row.transport === "dir") expect(existsSync(join(at.slice(4), "signature-1"))).toBe(true);
      if (row.transport === "docker") expect(count(lookaside)).toBeGreaterThan(0);
    }
  });

  it("leaves nothing visible when a copy is aborted", async () => {
    for (const row of rows()) {
      const at = row.place();
      const stop = new AbortController();
      // Stopped at the first step, whatever it is (a transport that has every blob skips them all).
      const code = await failureOf(b.copy(source, at, { signal: stop.signal, onEvent: () => stop.abort() }));
      expect([row.transport, code, await row.visible(at)]).toEqual([row.transport, "INTERRUPTED", false]);
    }
  });

  it("leaves no blob behind when a destination is closed without commit", async () => {
    const ctx = await createContext({ ...options, root: join(root, "orphans") });
    if (E.isLeft(ctx)) throw new Error(ctx.left.message);
    for (const row of rows()) {
      const at = row.place();
      const before = row.blobsAt?.(at) ?? 0;
      const name = parseImageName(at, ctx.right.plugins);
      if (E.isLeft(name)) throw new Error(name.left.message);
      const plugin = ctx.right.plugins.find((p) => p.name === name.right.transport) as TransportPlugin<BuiltinReference, BuiltinContext>;
      const http = ctx.right.http(ctx.right.access());
      try {
        const dst = await plugin.openDestination?.(name.right.reference, ctx.right.transportContext(ctx.right.access(), http));
        if (dst === undefined || E.isLeft(dst)) throw new Error(`${row.transport}: no destination`);
        const bytes = new TextEncoder().encode(`orphan of ${row.transport}`);
        const digest = sha256Digest(bytes);
        const put = await dst.right.putBlob({ mediaType: "application/octet-stream", digest, size: bytes.byteLength }, (async function* () {
          yield bytes;
        })());
        expect([row.transport, E.isRight(put)]).toEqual([row.transport, true]);
        await dst.right.close();
      } finally {
        await http.close();
      }
      if (row.blobsAt !== undefined) expect([row.transport, row.blobsAt(at)]).toEqual([row.transport, before]);
      expect([row.transport, await row.visible(at)]).toEqual([row.transport, false]);
    }
  });
});
