/**
 * Editing manifest lists: adding is idempotent and replaces an instance in
 * place, removing undoes adding, annotating changes only what is asked, and
 * the store's records with lists decode as they were written.
 */
import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Digest } from "../../../core/reference/index.ts";
import { annotatedInstance, blobsInUse, emptyIndex, ociIndexOf, parseAnnotations, storeState, withInstance, withoutInstance, type StoreState } from "../../../core/store/index.ts";
import { anyString, digest, runs } from "../arbitraries.ts";

const entry = (d: string, arch = "amd64") => ({ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: d as Digest, size: 100, platform: { os: "linux", architecture: arch } });
const a = `sha256:${"a".repeat(64)}`;
const b = `sha256:${"b".repeat(64)}`;

describe("list edits", () => {
  it("adds, replaces in place, annotates and removes", () => {
    const two = withInstance(entry(b, "arm64"))(withInstance(entry(a))(emptyIndex()));
    expect(two.manifests.map((m) => m.digest)).toEqual([a, b]);
    const replaced = withInstance(entry(a, "s390x"), { annotations: { k: "v" } })(two);
    expect(replaced.manifests.map((m) => [m.digest, m.platform?.architecture, m.annotations])).toEqual([
      [a, "s390x", { k: "v" }],
      [b, "arm64", undefined],
    ]);
    const annotated = annotatedInstance(b, { variant: "v8", osVersion: "1", features: ["sse4"], osFeatures: ["win32k"], annotations: { x: "y" } })(replaced);
    expect(E.isRight(annotated) && annotated.right.manifests[1]).toEqual({
      ...entry(b, "arm64"),
      platform: { os: "linux", architecture: "arm64", variant: "v8", "os.version": "1", features: ["sse4"], "os.features": ["win32k"] },
      annotations: { x: "y" },
    });
    expect(E.isLeft(annotatedInstance(`sha256:${"c".repeat(64)}`, {})(two))).toBe(true);
    const removed = withoutInstance(a)(two);
    expect(E.isRight(removed) && removed.right.manifests.map((m) => m.digest)).toEqual([b]);
    expect(E.isLeft(withoutInstance(a)(emptyIndex()))).toBe(true);
  });

  it("adding is idempotent, and removing what was added gives the index back", () => {
    fc.assert(
      fc.property(fc.uniqueArray(digest, { maxLength: 6 }), digest, (present, added) => {
        const base = present.filter((d) => d !== added).reduce((i, d) => withInstance(entry(d))(i), emptyIndex());
        const once = withInstance(entry(added))(base);
        expect(withInstance(entry(added))(once)).toEqual(once);
        expect(withoutInstance(added)(once)).toEqual(E.right(base));
      }),
      { numRuns: 2_000 },
    );
  });

  it("reads annotations as KEY=VALUE, never throwing", () => {
    expect(parseAnnotations(["a=b", "c=d=e", "e="])).toEqual(E.right({ a: "b", c: "d=e", e: "" }));
    expect(E.isLeft(parseAnnotations(["=x"]))).toBe(true);
    expect(E.isLeft(parseAnnotations(["novalue"]))).toBe(true);
    fc.assert(
      fc.property(fc.array(anyString, { maxLength: 5 }), (pairs) => {
        const r = parseAnnotations(pairs);
        expect(E.isLeft(r) || Object.keys(r.right).length <= pairs.length).toBe(true);
      }),
      runs,
    );
  });
});

describe("lists in the store's records", () => {
  const state: StoreState = {
    version: 1,
    images: [],
    containers: [],
    lists: [{ id: "f".repeat(64), name: "localhost/multi:latest", digest: a, mediaType: "application/vnd.oci.image.index.v1+json", size: 10, instances: [{ digest: b, source: "docker://quay.io/app@" + b }] }],
  };

  it("decode as written, keep their blobs alive, and name their index in index.json", () => {
    expect(storeState.decode(JSON.parse(JSON.stringify(state)))).toEqual(E.right(state));
    const { lists: _none, ...older } = state;
    expect(storeState.decode(older)).toEqual(E.right(older));
    expect([...blobsInUse(state)]).toEqual([a, b]);
    expect(ociIndexOf(state).manifests).toEqual([{ mediaType: "application/vnd.oci.image.index.v1+json", digest: a, size: 10, annotations: { "org.opencontainers.image.ref.name": "localhost/multi:latest" } }]);
  });
});
