/** The referrers tag schema: the tag of a digest, reading a referrers list, and adding to one without repeating. */
import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { referrersIn, referrersTag, withReferrers } from "../../../core/copy/index.ts";
import { isTag, parseDigest, type Digest } from "../../../core/reference/index.ts";
import { anyString, digest, runs } from "../arbitraries.ts";

const entry = (d: string) => ({ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: d as Digest, size: 1 });

describe("referrers", () => {
  it("names the fallback tag ALG-HEX, a valid tag for every digest", () => {
    expect(referrersTag(`sha256:${"ab".repeat(32)}` as Digest)).toBe(`sha256-${"ab".repeat(32)}`);
    fc.assert(
      fc.property(digest, (d) => {
        const parsed = parseDigest(d);
        if (E.isLeft(parsed)) throw new Error(d);
        expect(isTag(referrersTag(parsed.right))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it("adds each referrer once, keeping those listed first", () => {
    fc.assert(
      fc.property(fc.array(digest, { maxLength: 6 }), fc.array(digest, { maxLength: 6 }), (before, added) => {
        const first = withReferrers(undefined, before.map(entry));
        const merged = withReferrers(first, added.map(entry));
        const digests = merged.manifests.map((m) => m.digest);
        expect(new Set(digests).size).toBe(digests.length);
        expect(digests.slice(0, first.manifests.length)).toEqual(first.manifests.map((m) => m.digest));
        expect(new Set(digests)).toEqual(new Set([...before, ...added]));
      }),
      { numRuns: 2_000 },
    );
  });

  it("reads a referrers list, refuses anything else, and never throws", () => {
    const index = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [{ ...entry(`sha256:${"c".repeat(64)}`), artifactType: "application/x" }] });
    const r = referrersIn(new TextEncoder().encode(index), "list");
    expect(E.isRight(r) && r.right).toEqual([{ ...entry(`sha256:${"c".repeat(64)}`), artifactType: "application/x" }]);
    expect(E.isLeft(referrersIn(new TextEncoder().encode('{"schemaVersion":2,"manifests":[{"digest":"sha256:../x","size":1,"mediaType":"a"}]}'), "list"))).toBe(true);
    fc.assert(
      fc.property(anyString, (s) => {
        const out = referrersIn(new TextEncoder().encode(s), "list");
        expect(E.isLeft(out) || Array.isArray(out.right)).toBe(true);
      }),
      runs,
    );
  });
});
