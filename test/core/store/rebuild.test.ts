import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { failure } from "../../../core/failure.ts";
import type { ImageConfig, ImageManifest } from "../../../core/manifest/index.ts";
import type { Digest } from "../../../core/reference/index.ts";
import { ociIndexOf, rebuildState, refNameAnnotation, type WrittenImage } from "../../../core/store/index.ts";
import { anyString, runs } from "../arbitraries.ts";

const d = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const image = (configHex: string): Omit<WrittenImage, "names"> => {
  const manifest: ImageManifest = { schemaVersion: 2, config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: d(configHex), size: 2 }, layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: d("f"), size: 3 }] };
  const config: ImageConfig = { architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [d("f")] } };
  return { manifest, manifestDigest: `manifest-of-${configHex}`, manifestMediaType: "application/vnd.oci.image.manifest.v1+json", manifestSize: 10, config, configDigest: d(configHex) };
};
const docs = (m: string) => (m === "m1" ? E.right(image("1")) : m === "m2" ? E.right(image("2")) : E.left(failure("BLOB_NOT_FOUND", `blob ${m} is missing`)));
const named = (digest: string, name?: string) => ({ digest, ...(name === undefined ? {} : { annotations: { [refNameAnnotation]: name } }) });

describe("rebuilding the records from the layout", () => {
  it("brings back each image once, with every name its entries carry", () => {
    const r = rebuildState([named("m1", "localhost/one:latest"), named("m1", "quay.io/team/one:2"), named("m2")], docs, (t) => `h(${t.length})`);
    expect(r.state.images.map((i) => [i.id, i.names])).toEqual([
      ["1".repeat(64), ["localhost/one:latest", "quay.io/team/one:2"]],
      ["2".repeat(64), []],
    ]);
    expect(r.lost).toEqual([]);
    // Its index is the one it was rebuilt from, up to the manifest digests the fixture made up.
    expect(ociIndexOf(r.state).manifests.map((m) => m.annotations?.[refNameAnnotation])).toEqual(["localhost/one:latest", "quay.io/team/one:2", undefined]);
  });

  it("says what it could not bring back", () => {
    const r = rebuildState([named("gone", "localhost/lost:1"), named("m1", "not a name!")], docs, () => "h");
    expect(r.state.images).toHaveLength(1);
    expect(r.lost).toHaveLength(2);
    expect(r.lost[0]).toBe('"localhost/lost:1": blob gone is missing');
    expect(r.lost[1]).toContain('name "not a name!"');
  });

  it("never throws, whatever the index holds", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ digest: fc.oneof(fc.constantFrom("m1", "m2"), anyString), annotations: fc.dictionary(fc.oneof(fc.constant(refNameAnnotation), anyString), anyString) })), (entries) => {
        const r = rebuildState(entries, docs, () => "h");
        return r.state.images.length <= 2 && new Set(r.state.images.flatMap((i) => i.names)).size === r.state.images.flatMap((i) => i.names).length;
      }),
      runs,
    );
  });
});
