import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { convertManifest, goJson, mediaTypes, parseManifest, type ImageManifest } from "../../../core/manifest/index.ts";
import type { Digest } from "../../../core/reference/index.ts";
import { runs } from "../arbitraries.ts";

const hex = fc.string({ unit: fc.constantFrom(..."0123456789abcdef".split("")), minLength: 64, maxLength: 64 });
const blob = (types: ReadonlyArray<string>) =>
  fc.record(
    { mediaType: fc.constantFrom(...types), digest: hex.map((h) => `sha256:${h}` as Digest), size: fc.nat() },
    { requiredKeys: ["mediaType", "digest", "size"] },
  );
const ociLayers = [mediaTypes.ociLayer, mediaTypes.ociLayerGzip, mediaTypes.ociForeignLayerGzip];
const ociImage: fc.Arbitrary<ImageManifest> = fc.record({
  schemaVersion: fc.constant(2 as const),
  mediaType: fc.constant(mediaTypes.ociManifest),
  config: blob([mediaTypes.ociConfig]),
  layers: fc.array(blob(ociLayers), { maxLength: 6 }),
});
const decode = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as ImageManifest;

describe("convertManifest", () => {
  it("writes Docker schema 2 in containers/image's field order, without annotations", () => {
    const m: ImageManifest = {
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: { mediaType: mediaTypes.ociConfig, digest: `sha256:${"a".repeat(64)}` as Digest, size: 2 },
      layers: [{ mediaType: mediaTypes.ociLayerGzip, digest: `sha256:${"b".repeat(64)}` as Digest, size: 3, annotations: { k: "v" } }],
      annotations: { "org.example": "x" },
    };
    const r = convertManifest("v2s2", "test")(m);
    expect(E.isRight(r) && new TextDecoder().decode(r.right.bytes)).toBe(
      `{"schemaVersion":2,"mediaType":"${mediaTypes.dockerManifest}","config":{"mediaType":"${mediaTypes.dockerConfig}","size":2,"digest":"sha256:${"a".repeat(64)}"},` +
        `"layers":[{"mediaType":"${mediaTypes.dockerLayerGzip}","size":3,"digest":"sha256:${"b".repeat(64)}"}]}`,
    );
  });

  it("refuses layers the other format cannot name", () => {
    const m: ImageManifest = {
      schemaVersion: 2,
      config: { mediaType: mediaTypes.ociConfig, digest: `sha256:${"a".repeat(64)}` as Digest, size: 2 },
      layers: [{ mediaType: mediaTypes.ociLayerZstd, digest: `sha256:${"b".repeat(64)}` as Digest, size: 3 }],
    };
    const r = convertManifest("v2s2", "test")(m);
    expect(E.isLeft(r) && r.left.message).toBe(`test: a blob of type "${mediaTypes.ociLayerZstd}" cannot be written in a Docker schema 2 manifest`);
  });

  it("escapes as Go's encoding/json does", () => {
    expect(goJson({ a: "<&>\u2028" })).toBe('{"a":"\\u003c\\u0026\\u003e\\u2028"}');
  });

  it("round-trips OCI → v2s2 → OCI to the same manifest, which parses, keeping every digest", () => {
    fc.assert(
      fc.property(ociImage, (m) => {
        const there = convertManifest("v2s2", "t")(m);
        if (E.isLeft(there)) return false;
        expect(E.isRight(parseManifest(there.right.bytes, there.right.mediaType, "t"))).toBe(true);
        const back = convertManifest("oci", "t")(decode(there.right.bytes));
        if (E.isLeft(back)) return false;
        const again = decode(back.right.bytes);
        expect(again).toEqual({ ...m, config: { ...m.config }, layers: m.layers.map((l) => ({ ...l })) });
        return true;
      }),
      runs,
    );
  });

  it("never throws on arbitrary descriptors", () => {
    // Unchecked digests on purpose: conversion must not throw whatever it is handed.
    const any = fc.record({ mediaType: fc.string(), digest: fc.string().map((x) => x as Digest), size: fc.integer() });
    fc.assert(
      fc.property(any, fc.array(any, { maxLength: 4 }), fc.constantFrom("oci" as const, "v2s2" as const), (config, layers, to) => {
        const r = convertManifest(to, "t")({ schemaVersion: 2, config, layers });
        return E.isLeft(r) || r.right.bytes.byteLength > 0;
      }),
      runs,
    );
  });
});
