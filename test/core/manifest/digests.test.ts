import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeDocument } from "../../../core/codec.ts";
import { digestCodec, imageManifest, parseManifest, sizeCodec } from "../../../core/manifest/index.ts";
import { parseDigest } from "../../../core/reference/index.ts";
import { anyString, digest as validDigest, runs } from "../arbitraries.ts";

const manifestWith = (digest: unknown, size: unknown = 1) => ({
  schemaVersion: 2,
  config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: `sha256:${"a".repeat(64)}`, size: 1 },
  layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest, size }],
});

describe("digests and sizes in documents from outside", () => {
  it("take exactly what the reference grammar takes as a digest", () => {
    fc.assert(
      fc.property(fc.oneof(validDigest, anyString), (s) => {
        expect(E.isRight(digestCodec.decode(s))).toBe(E.isRight(parseDigest(s)));
      }),
      runs,
    );
  });

  it("refuse digests that would make a path or URL climb, and say where in one line", () => {
    for (const bad of ["sha256:../../../../../../elsewhere/secret", `sha256:${"a".repeat(63)}/`, `sha256:${"A".repeat(64)}`, "sha256:", "", `sha256:${"a".repeat(64)}\n`, 42, null]) {
      const r = decodeDocument(imageManifest, "m")(manifestWith(bad));
      expect(E.isLeft(r) && r.left.message.split("\n")).toHaveLength(1);
      expect(E.isLeft(r) && r.left.message).toContain('key "layers.0.digest": expected a digest (algorithm:hex)');
    }
  });

  it("take whole, non-negative, safe sizes only", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double(), fc.constant(2 ** 53), fc.string()), (n) => {
        expect(E.isRight(sizeCodec.decode(n))).toBe(typeof n === "number" && Number.isSafeInteger(n) && n >= 0);
      }),
      runs,
    );
    const r = parseManifest(new TextEncoder().encode(JSON.stringify(manifestWith(`sha256:${"b".repeat(64)}`, -1))), "application/vnd.oci.image.manifest.v1+json", "m");
    expect(E.isLeft(r) && r.left.message).toContain('key "layers.0.size": expected a size in bytes');
  });

  it("never throw on arbitrary manifests", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (digest, size) => {
        const r = parseManifest(new TextEncoder().encode(JSON.stringify(manifestWith(digest, size))), "", "m");
        return E.isLeft(r) || (typeof digest === "string" && E.isRight(parseDigest(digest)));
      }),
      runs,
    );
  });
});
