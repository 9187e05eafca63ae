/**
 * Copies of one run (a sync) into one registry repository write each blob
 * once: a mount or upload another copy has under way is waited for, not
 * repeated. Two mounts of one blob at once race in the distribution registry
 * (it rewrites the blob's link in place), which once failed a sync's manifest
 * check with "digest invalid".
 */
import { createHash, randomBytes } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { copyImage } from "../../../adapters/copy/engine.ts";
import type { Location } from "../../../core/copy/index.ts";
import type { ImageDestination, ImageSource, RawManifest } from "../../../plugins/contract.ts";

const digestOf = (b: Uint8Array) => `sha256:${createHash("sha256").update(b).digest("hex")}` as const;

/** An OCI image of a config and two layers, served from the repository `src`. */
const image = () => {
  const blobs = new Map<string, Uint8Array>();
  const described = (mediaType: string, bytes: Uint8Array) => {
    blobs.set(digestOf(bytes), bytes);
    return { mediaType, digest: digestOf(bytes), size: bytes.byteLength };
  };
  const config = described("application/vnd.oci.image.config.v1+json", new TextEncoder().encode(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } })));
  const layers = [randomBytes(300), randomBytes(500)].map((b) => described("application/vnd.oci.image.layer.v1.tar+gzip", b));
  const bytes = new TextEncoder().encode(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config, layers }));
  const manifest: RawManifest = { bytes, mediaType: "application/vnd.oci.image.manifest.v1+json", digest: digestOf(bytes) };
  const source: ImageSource = {
    manifest: async () => E.right(manifest),
    blob: async (d) =>
      E.right(
        (async function* () {
          const b = blobs.get(d.digest);
          if (b !== undefined) yield b;
        })(),
      ),
    locations: [{ registry: "r.example", repository: "src" }],
    close: async () => undefined,
  };
  return { source, blobCount: blobs.size };
};

/** A registry repository `dest` that counts writes of each blob and notes any two at once. */
const repository = () => {
  const writes = new Map<string, number>();
  const busy = new Set<string>();
  const overlaps: string[] = [];
  const write = async (digest: string): Promise<void> => {
    if (busy.has(digest)) overlaps.push(digest);
    busy.add(digest);
    writes.set(digest, (writes.get(digest) ?? 0) + 1);
    await new Promise((r) => setTimeout(r, 20));
    busy.delete(digest);
  };
  const open = (): ImageDestination => ({
    acceptedManifestTypes: ["application/vnd.oci.image.manifest.v1+json"],
    mountsInto: { registry: "r.example", repository: "dest" },
    hasBlob: async (d) => writes.has(d.digest) && !busy.has(d.digest),
    mountBlob: async (d, from: Location) => {
      expect(from).toEqual({ registry: "r.example", repository: "src" });
      await write(d.digest);
      return E.right(true);
    },
    putBlob: async (d, stream) => {
      for await (const _ of stream) void _;
      await write(d.digest);
      return E.right(undefined);
    },
    putManifest: async () => E.right(undefined),
    commit: async () => E.right({ id: "x" }),
    close: async () => undefined,
  });
  return { open, writes, overlaps };
};

describe("copies of one run into one repository", () => {
  it("mount each blob once, the second copy waiting for the first's mount", async () => {
    const { source, blobCount } = image();
    const dest = repository();
    const uploads = new Map<string, Promise<boolean>>();
    const options = { platform: { os: "linux", architecture: "amd64" }, uploads };
    const both = await Promise.all([copyImage(source, dest.open(), options), copyImage(source, dest.open(), options)]);
    expect(both.map(E.isRight)).toEqual([true, true]);
    expect(dest.overlaps).toEqual([]);
    expect([...dest.writes.values()]).toEqual(new Array(blobCount).fill(1));
  });

  it("mount each blob again when nothing is shared between them (each copy on its own)", async () => {
    const { source, blobCount } = image();
    const dest = repository();
    const options = { platform: { os: "linux", architecture: "amd64" } };
    const both = await Promise.all([copyImage(source, dest.open(), options), copyImage(source, dest.open(), options)]);
    expect(both.map(E.isRight)).toEqual([true, true]);
    expect([...dest.writes.values()]).toEqual(new Array(blobCount).fill(2));
  });
});
