import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { choosePlatform, mediaTypes, parseManifest, parsePlatform, type ImageIndex } from "../../../core/manifest/index.ts";
import type { Digest } from "../../../core/reference/index.ts";
import { anyString, runs } from "../arbitraries.ts";

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const d = (n: string) => ({ mediaType: mediaTypes.ociManifest, digest: `sha256:${n.repeat(64)}` as Digest, size: 1 });
const why = (bytes: Uint8Array, type = "") => {
  const r = parseManifest(bytes, type, "test");
  return E.isLeft(r) ? r.left.message : r.right.kind;
};

describe("parseManifest", () => {
  it("reads images and indexes by media type or by their fields", () => {
    const image = { schemaVersion: 2, config: d("a"), layers: [d("b")] };
    expect(why(enc(image), mediaTypes.ociManifest)).toBe("image");
    expect(why(enc({ ...image, mediaType: mediaTypes.dockerManifest }), "")).toBe("image");
    expect(why(enc({ schemaVersion: 2, manifests: [d("c")] }), mediaTypes.ociIndex)).toBe("index");
    expect(why(enc({ schemaVersion: 2, manifests: [d("c")] }), "application/json")).toBe("index");
  });

  it("refuses schema 1, ambiguous documents, mismatched types, junk and huge manifests", () => {
    expect(why(enc({ schemaVersion: 1, fsLayers: [] }))).toMatch(/schema 1 manifests are not supported/);
    expect(why(enc({ schemaVersion: 2, config: d("a"), layers: [], manifests: [] }))).toBe("test: document is both an image manifest and an index");
    expect(why(enc({ schemaVersion: 2, mediaType: mediaTypes.ociIndex, config: d("a"), layers: [] }), mediaTypes.ociManifest)).toMatch(/served as .* but says it is/);
    expect(why(new TextEncoder().encode("not json"))).toMatch(/^test: manifest is not valid JSON/);
    expect(why(new Uint8Array(5 * 1024 * 1024))).toBe("test: manifest is larger than 4194304 bytes");
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.oneof(anyString.map((s) => new TextEncoder().encode(s)), fc.uint8Array({ maxLength: 300 }), fc.jsonValue().map(enc)), anyString, (bytes, type) => {
        expect(typeof why(bytes, type)).toBe("string");
      }),
      runs,
    );
  });
});

describe("platform choice", () => {
  const entry = (architecture: string, variant?: string) => ({ ...d(architecture === "amd64" ? "1" : (variant ?? "0").slice(-1)), platform: { os: "linux", architecture, ...(variant === undefined ? {} : { variant }) } });
  const index: ImageIndex = { schemaVersion: 2, manifests: [entry("amd64"), entry("arm", "v6"), entry("arm", "v7"), entry("arm64", "v8")] };

  it("picks the exact platform, then compatible arm variants", () => {
    expect(choosePlatform(index, { os: "linux", architecture: "amd64" })?.platform?.architecture).toBe("amd64");
    expect(choosePlatform(index, { os: "linux", architecture: "arm", variant: "v7" })?.platform?.variant).toBe("v7");
    expect(choosePlatform(index, { os: "linux", architecture: "arm", variant: "v8" })?.platform?.variant).toBe("v7");
    expect(choosePlatform(index, { os: "linux", architecture: "arm64" })?.platform?.variant).toBe("v8");
    expect(choosePlatform(index, { os: "windows", architecture: "amd64" })).toBeUndefined();
  });

  it("parses os/arch[/variant]", () => {
    expect(parsePlatform("linux/arm/v7")).toEqual({ os: "linux", architecture: "arm", variant: "v7" });
    expect(parsePlatform("linux/amd64")).toEqual({ os: "linux", architecture: "amd64" });
    expect(parsePlatform("linux")).toBeUndefined();
    expect(parsePlatform("a/b/c/d")).toBeUndefined();
  });
});
