/**
 * The example plugin of plugins/README.md: `memory:KEY` keeps images in a Map.
 * It is small on purpose; a test loads it to show that a transport plugs in
 * without touching core/ or the copy engine.
 */
import { createHash } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import { failure } from "../../core/failure.ts";
import type { Descriptor } from "../../core/manifest/index.ts";
import type { ImageDestination, ImageSource, RawManifest, TransportPlugin } from "../contract.ts";

/** What `memory:` holds: manifests by key, blobs by digest. */
export interface MemoryImages {
  readonly manifests: Map<string, RawManifest>;
  readonly blobs: Map<string, Uint8Array>;
}

/** A fresh, empty memory. */
export const newMemory = (): MemoryImages => ({ manifests: new Map(), blobs: new Map() });

const collect = async (stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> => {
  const parts: Uint8Array[] = [];
  for await (const p of stream) parts.push(p);
  return new Uint8Array(Buffer.concat(parts));
};

/** The `memory:` transport; its context is the memory it works on. */
export const memoryPlugin: TransportPlugin<{ key: string }, MemoryImages> = {
  name: "memory",
  // The policy knows an image by its key; a scope is any key.
  policy: { transport: "memory", validateScope: (scope) => (scope.includes("/") ? "a memory key has no /" : undefined), identity: async ({ key }) => ({ scopes: [key] }) },
  parseReference: (rest) => (rest === "" ? E.left("memory needs a key: memory:KEY") : E.right({ key: rest })),
  openSource: async ({ key }, mem): Promise<E.Either<ReturnType<typeof failure>, ImageSource>> =>
    E.right({
      manifest: async (digest) => {
        const m = mem.manifests.get(key);
        return m === undefined || (digest !== undefined && digest !== m.digest) ? E.left(failure("NOT_FOUND", `memory:${key}: no such image`)) : E.right(m);
      },
      blob: async (d: Descriptor) => {
        const b = mem.blobs.get(d.digest);
        return b === undefined
          ? E.left(failure("BLOB_NOT_FOUND", `memory: no blob ${d.digest}`))
          : E.right(
              (async function* () {
                yield b;
              })(),
            );
      },
      close: async () => undefined,
    }),
  openDestination: async ({ key }, mem): Promise<E.Either<ReturnType<typeof failure>, ImageDestination>> => {
    let manifest: RawManifest | undefined;
    // Nothing is visible before commit: blobs wait here, and go with a copy that does not commit.
    const staged = new Map<string, Uint8Array>();
    return E.right({
      acceptedManifestTypes: ["application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"],
      hasBlob: async (d) => mem.blobs.has(d.digest) || staged.has(d.digest),
      putBlob: async (d, stream) => {
        const bytes = await collect(stream);
        // Every destination verifies what it is given, this one too.
        const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
        if (digest !== d.digest || bytes.byteLength !== d.size) return E.left(failure("DIGEST_MISMATCH", `memory: blob ${d.digest} is not what was promised`));
        staged.set(digest, bytes);
        return E.right(undefined);
      },
      putManifest: async (m) => {
        manifest = m;
        return E.right(undefined);
      },
      commit: async () => {
        if (manifest === undefined) return E.left(failure("INVALID_MANIFEST", "memory: nothing to commit"));
        for (const [digest, bytes] of staged) mem.blobs.set(digest, bytes);
        mem.manifests.set(key, manifest);
        return E.right({ id: manifest.digest });
      },
      close: async () => undefined,
    });
  },
};
