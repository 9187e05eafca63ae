import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { counterpartsOf, decodeBlobInfo, withLocation, withVariant, type BlobInfoEntry } from "../../../core/copy/blob-info.ts";
import {
  checkCompression,
  compressionOf,
  describePlan,
  layerChange,
  layerTypeFor,
  planCopy,
  type CompressionOptions,
  type CopyFacts,
  type DestinationCapabilities,
} from "../../../core/copy/index.ts";
import { mediaTypes, rewriteLayers, type Descriptor, type ImageManifest } from "../../../core/manifest/index.ts";
import type { Digest } from "../../../core/reference/index.ts";
import { runs } from "../arbitraries.ts";

const d = (c: string) => `sha256:${c.padEnd(64, "0")}` as Digest;
const digestOf = (bytes: Uint8Array) => d(`c${bytes.byteLength.toString(16)}`);
const layer = (c: string, mediaType: string = mediaTypes.ociLayer): Descriptor => ({ mediaType, digest: d(c), size: 100 });
const image = (layers: Descriptor[], mediaType: string = mediaTypes.ociManifest): ImageManifest => ({
  schemaVersion: 2,
  mediaType,
  config: { mediaType: mediaType === mediaTypes.ociManifest ? mediaTypes.ociConfig : mediaTypes.dockerConfig, digest: d("c0"), size: 10 },
  layers,
});
const single = (m: ImageManifest): CopyFacts => ({
  top: { digest: d("aa"), mediaType: m.mediaType ?? mediaTypes.ociManifest, size: 500, parsed: { kind: "image", mediaType: m.mediaType ?? mediaTypes.ociManifest, manifest: m } },
  instances: [{ digest: d("aa"), mediaType: m.mediaType ?? mediaTypes.ociManifest, size: 500, manifest: m }],
  present: new Set(),
  signatures: 0,
  locations: [],
});
const registry: DestinationCapabilities = {
  acceptedManifestTypes: [mediaTypes.ociManifest, mediaTypes.dockerManifest, mediaTypes.ociIndex],
  holdsIndex: true,
  keepsSignatures: true,
  compression: "compress",
  takesNewBlobs: true,
  mountsInto: { registry: "reg.example", repository: "team/new" },
};
const store: DestinationCapabilities = { acceptedManifestTypes: [mediaTypes.ociManifest, mediaTypes.dockerManifest], holdsIndex: false, keepsSignatures: false };
const platform = { os: "linux", architecture: "amd64" };

describe("a layer's compression", () => {
  it("is read from its media type; configs, foreign layers and artifacts have none berth changes", () => {
    expect([mediaTypes.ociLayer, mediaTypes.ociLayerGzip, mediaTypes.ociLayerZstd, mediaTypes.dockerLayer, mediaTypes.dockerLayerGzip].map(compressionOf)).toEqual(["none", "gzip", "zstd", "none", "gzip"]);
    expect([mediaTypes.ociConfig, mediaTypes.ociForeignLayerGzip, "application/vnd.example+json"].map(compressionOf)).toEqual([undefined, undefined, undefined]);
    expect([layerTypeFor("gzip", mediaTypes.dockerLayer), layerTypeFor("zstd", mediaTypes.dockerLayer), layerTypeFor("zstd", mediaTypes.ociLayer), layerTypeFor("none", mediaTypes.ociLayerGzip)]).toEqual([
      mediaTypes.dockerLayerGzip,
      undefined,
      mediaTypes.ociLayerZstd,
      mediaTypes.ociLayer,
    ]);
  });

  it("changes as podman and skopeo decide: compress the uncompressed, recompress only when a format is named or forced, decompress when asked", () => {
    const tar = layer("l1");
    const gz = layer("l2", mediaTypes.ociLayerGzip);
    expect(layerChange(tar, "compress", {})).toEqual({ action: "compress", from: "none", to: "gzip" });
    expect(layerChange(tar, "preserve", {})).toBeUndefined();
    expect(layerChange(tar, "preserve", { compress: true, level: 9 })).toEqual({ action: "compress", from: "none", to: "gzip", level: 9 });
    expect(layerChange(gz, "compress", {})).toBeUndefined();
    expect(layerChange(gz, "compress", { format: "zstd" })).toEqual({ action: "compress", from: "gzip", to: "zstd" });
    expect(layerChange(gz, "compress", { format: "gzip" })).toBeUndefined();
    expect(layerChange(gz, "preserve", { decompress: true })).toEqual({ action: "decompress", from: "gzip" });
    expect(layerChange(tar, "compress", { decompress: true })).toBeUndefined();
    expect(layerChange(layer("l3", mediaTypes.ociForeignLayerGzip), "compress", { format: "zstd" })).toBeUndefined();
  });

  it("checks levels against the format's range and refuses compressing and decompressing at once", () => {
    expect(E.isRight(checkCompression({ level: 9 }))).toBe(true);
    expect(E.isLeft(checkCompression({ level: 10 }))).toBe(true);
    expect(E.isRight(checkCompression({ format: "zstd", level: 19 }))).toBe(true);
    expect(E.isLeft(checkCompression({ decompress: true, compress: true }))).toBe(true);
  });
});

describe("planning compression", () => {
  it("gzips uncompressed layers into a registry, rewriting the manifest once they are written", () => {
    const plan = planCopy(single(image([layer("l1"), layer("l2", mediaTypes.ociLayerGzip)])), registry, { platform }, digestOf);
    expect(E.isRight(plan) && plan.right.instances[0]?.blobs.map((b) => [b.role, b.action, b.change?.action])).toEqual([
      ["config", "copy", undefined],
      ["layer", "copy", "compress"],
      ["layer", "copy", undefined],
    ]);
    expect(E.isRight(plan) && plan.right.instances[0]?.manifest).toEqual({ action: "rewrite", from: d("aa"), mediaType: mediaTypes.ociManifest });
    expect(E.isRight(plan) && describePlan(plan.right).join("\n")).toContain(", compress gzip");
  });

  it("keeps layers as they are into the store, and refuses a change under --preserve-digests with the layer named", () => {
    const m = image([layer("l1")]);
    const kept = planCopy(single(m), store, { platform }, digestOf);
    expect(E.isRight(kept) && kept.right.instances[0]?.manifest.action).toBe("keep");
    const refused = planCopy(single(m), registry, { platform, preserveDigests: true }, digestOf);
    expect(E.isLeft(refused) && refused.left.message).toContain(`changing the compression of layer ${d("l1")}`);
    const asked = planCopy(single(m), store, { platform, compression: { compress: true } }, digestOf);
    expect(E.isLeft(asked) && asked.left.message).toContain("cannot change the compression of layers");
  });

  it("writes a Docker image whose layers become zstd as OCI, and refuses zstd under --format v2s2", () => {
    const m = image([layer("l1", mediaTypes.dockerLayer)], mediaTypes.dockerManifest);
    const plan = planCopy(single(m), registry, { platform, compression: { format: "zstd" } }, digestOf);
    expect(E.isRight(plan) && plan.right.instances[0]?.manifest).toEqual({ action: "rewrite", from: d("aa"), mediaType: mediaTypes.ociManifest });
    const refused = planCopy(single(m), registry, { platform, format: "v2s2", compression: { format: "zstd" } }, digestOf);
    expect(E.isLeft(refused) && refused.left.message).toContain("zstd layers cannot be written in a Docker schema 2 manifest");
  });

  it("uses a known counterpart: skipped where the destination has it, mounted from where it was seen, else compressed again", () => {
    const m = image([layer("l1")]);
    const gz = layer("g1", mediaTypes.ociLayerGzip);
    const counterparts = new Map([[d("l1"), [{ descriptor: gz, compression: "gzip" as const, locations: [{ registry: "reg.example", repository: "team/old" }] }]]]);
    const there = planCopy({ ...single(m), counterparts, present: new Set([gz.digest]) }, registry, { platform }, digestOf);
    expect(E.isRight(there) && there.right.instances[0]?.blobs[1]).toMatchObject({ action: "skip", written: gz });
    const mounted = planCopy({ ...single(m), counterparts }, registry, { platform }, digestOf);
    expect(E.isRight(mounted) && mounted.right.instances[0]?.blobs[1]).toMatchObject({ action: "mount", written: gz, from: { registry: "reg.example", repository: "team/old" }, change: { action: "compress", from: "none", to: "gzip" } });
    const elsewhere = new Map([[d("l1"), [{ descriptor: gz, compression: "gzip" as const, locations: [{ registry: "other.example", repository: "x" }] }]]]);
    const copied = planCopy({ ...single(m), counterparts: elsewhere }, registry, { platform }, digestOf);
    expect(E.isRight(copied) && copied.right.instances[0]?.blobs[1]).toMatchObject({ action: "copy", change: { action: "compress", from: "none", to: "gzip" } });
    const zstdWanted = planCopy({ ...single(m), counterparts, present: new Set([gz.digest]) }, registry, { platform, compression: { format: "zstd" } }, digestOf);
    expect(E.isRight(zstdWanted) && zstdWanted.right.instances[0]?.blobs[1]?.written).toBeUndefined();
  });
});

describe("rewriting a manifest's layers", () => {
  it("keeps the source's other fields and each layer's annotations, and converts where the format changes", () => {
    const source = { schemaVersion: 2 as const, mediaType: mediaTypes.ociManifest, config: { mediaType: mediaTypes.ociConfig, digest: d("c0"), size: 10 }, layers: [{ ...layer("l1"), annotations: { a: "b" } }], annotations: { x: "y" }, subject: { mediaType: mediaTypes.ociManifest, digest: d("s"), size: 3 } };
    const bytes = new TextEncoder().encode(JSON.stringify(source));
    const made = rewriteLayers("oci", "here", [layer("g1", mediaTypes.ociLayerGzip)])(source, bytes, mediaTypes.ociManifest);
    const doc = E.isRight(made) ? (JSON.parse(new TextDecoder().decode(made.right.bytes)) as typeof source) : undefined;
    expect(doc?.layers).toEqual([{ mediaType: mediaTypes.ociLayerGzip, digest: d("g1"), size: 100, annotations: { a: "b" } }]);
    expect([doc?.subject, doc?.annotations, doc?.config]).toEqual([source.subject, source.annotations, source.config]);
    const docker = image([layer("l1", mediaTypes.dockerLayer)], mediaTypes.dockerManifest);
    const toOci = rewriteLayers("oci", "here", [layer("z1", mediaTypes.ociLayerZstd)])(docker, new TextEncoder().encode(JSON.stringify(docker)), mediaTypes.dockerManifest);
    expect(E.isRight(toOci) && JSON.parse(new TextDecoder().decode(toOci.right.bytes)).layers[0].mediaType).toBe(mediaTypes.ociLayerZstd);
    expect(E.isLeft(rewriteLayers("oci", "here", [])(source, bytes, mediaTypes.ociManifest))).toBe(true);
  });
});

describe("the blob-info cache's entries", () => {
  it("find the compressions of a layer through its uncompressed content, with where each was seen, newest first", () => {
    const entries = new Map<string, BlobInfoEntry>();
    const update = (k: string, f: (e: BlobInfoEntry) => BlobInfoEntry) => entries.set(k, f(entries.get(k) ?? {}));
    update(d("u"), withVariant({ ...layer("g"), mediaType: mediaTypes.ociLayerGzip, compression: "gzip" }));
    update(d("g"), (e) => ({ ...e, uncompressed: d("u") }));
    update(d("g"), withLocation({ registry: "r", repository: "a" }));
    update(d("g"), withLocation({ registry: "r", repository: "b" }));
    update(d("g"), withLocation({ registry: "r", repository: "a" }));
    update(d("u"), withVariant({ ...layer("z"), mediaType: mediaTypes.ociLayerZstd, compression: "zstd" }));
    const read = (k: string) => entries.get(k) ?? {};
    expect(counterpartsOf(d("u"), read).map((c) => [c.descriptor.digest, c.compression, c.locations.map((l) => l.repository)])).toEqual([
      [d("z"), "zstd", []],
      [d("g"), "gzip", ["a", "b"]],
    ]);
    expect(counterpartsOf(d("g"), read).map((c) => c.descriptor.digest)).toEqual([d("z")]);
  });

  it("decode anything read back as an entry or as nothing, never throwing", () => {
    expect(decodeBlobInfo({ uncompressed: "nope" })).toEqual({});
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const e = decodeBlobInfo(v);
        return typeof e === "object" && e !== null;
      }),
      runs,
    );
  });
});

const layerArb = fc.record({
  mediaType: fc.constantFrom(mediaTypes.ociLayer, mediaTypes.ociLayerGzip, mediaTypes.ociLayerZstd, mediaTypes.dockerLayer, mediaTypes.dockerLayerGzip, mediaTypes.ociForeignLayerGzip, "text/plain"),
  id: fc.constantFrom("1", "2", "3", "4"),
});
const compressionArb: fc.Arbitrary<CompressionOptions> = fc.record(
  { format: fc.constantFrom("gzip" as const, "zstd" as const), level: fc.integer({ min: -2, max: 25 }), compress: fc.boolean(), decompress: fc.boolean(), force: fc.boolean() },
  { requiredKeys: [] },
);

describe("compression planning properties", () => {
  it("never throws; a change is planned only for plain tar layers, never under preserve-digests, and then the manifest is rewritten", () => {
    fc.assert(
      fc.property(fc.array(layerArb, { maxLength: 5 }), fc.boolean(), compressionArb, fc.boolean(), fc.boolean(), (ls, docker, compression, preserveDigests, toStore) => {
        const m = image(
          ls.map((l) => layer(l.id, l.mediaType)),
          docker ? mediaTypes.dockerManifest : mediaTypes.ociManifest,
        );
        const plan = planCopy(single(m), toStore ? store : registry, { platform, compression, preserveDigests }, digestOf);
        if (E.isLeft(plan)) return plan.left.message.split("\n").length === 1;
        const steps = plan.right.instances[0]?.blobs ?? [];
        const changed = steps.filter((s) => s.change !== undefined);
        return (
          changed.every((s) => compressionOf(s.descriptor.mediaType) !== undefined) &&
          !(preserveDigests && changed.length > 0) &&
          (changed.length === 0 || plan.right.instances[0]?.manifest.action === "rewrite")
        );
      }),
      runs,
    );
  });
});
