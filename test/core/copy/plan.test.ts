import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blobsToMove, describePlan, planCopy, selectInstances, type CopyFacts, type DestinationCapabilities, type ReadInstance } from "../../../core/copy/index.ts";
import { mediaTypes, type ImageManifest, type ParsedManifest } from "../../../core/manifest/index.ts";
import type { Digest } from "../../../core/reference/index.ts";
import { runs } from "../arbitraries.ts";

const d = (c: string) => `sha256:${c.padEnd(64, "0")}` as Digest;
const digestOf = (bytes: Uint8Array) => d(`c${bytes.byteLength.toString(16)}`);
const image = (config: string, layers: string[], mediaType: string = mediaTypes.ociManifest): ImageManifest => ({
  schemaVersion: 2,
  mediaType,
  config: { mediaType: mediaType === mediaTypes.ociManifest ? mediaTypes.ociConfig : mediaTypes.dockerConfig, digest: d(config), size: 10 },
  layers: layers.map((l) => ({ mediaType: mediaType === mediaTypes.ociManifest ? mediaTypes.ociLayerGzip : mediaTypes.dockerLayerGzip, digest: d(l), size: 100 })),
});
const single = (m: ImageManifest, digest = d("aa")): CopyFacts => ({
  top: { digest, mediaType: m.mediaType ?? mediaTypes.ociManifest, size: 500, parsed: { kind: "image", mediaType: m.mediaType ?? mediaTypes.ociManifest, manifest: m } },
  instances: [{ digest, mediaType: m.mediaType ?? mediaTypes.ociManifest, size: 500, manifest: m }],
  present: new Set(),
  signatures: 0,
  locations: [],
});
const anywhere: DestinationCapabilities = { acceptedManifestTypes: [mediaTypes.ociManifest, mediaTypes.dockerManifest, mediaTypes.ociIndex], holdsIndex: true, keepsSignatures: true };
const ociOnly: DestinationCapabilities = { acceptedManifestTypes: [mediaTypes.ociManifest, mediaTypes.ociIndex], holdsIndex: true, keepsSignatures: false };
const platform = { os: "linux", architecture: "amd64" };

describe("planning a copy", () => {
  it("copies what the destination lacks and skips the rest, config first, each digest once", () => {
    const m = image("c1", ["l1", "l2", "l1"]);
    const plan = planCopy({ ...single(m), present: new Set([d("l2")]) }, anywhere, { platform }, digestOf);
    expect(E.isRight(plan) && plan.right.instances[0]?.blobs.map((b) => [b.role, b.descriptor.digest, b.action])).toEqual([
      ["config", d("c1"), "copy"],
      ["layer", d("l1"), "copy"],
      ["layer", d("l2"), "skip"],
    ]);
    expect(E.isRight(plan) && plan.right.instances[0]?.manifest).toEqual({ action: "keep", digest: d("aa"), mediaType: mediaTypes.ociManifest });
  });

  it("converts for a destination that takes only the other format, and refuses under preserve-digests", () => {
    const m = image("c1", ["l1"], mediaTypes.dockerManifest);
    const plan = planCopy(single(m), ociOnly, { platform }, digestOf);
    expect(E.isRight(plan) && plan.right.instances[0]?.manifest.action).toBe("convert");
    expect(E.isRight(plan) && plan.right.instances[0]?.manifest.mediaType).toBe(mediaTypes.ociManifest);
    const refused = planCopy(single(m), ociOnly, { platform, preserveDigests: true }, digestOf);
    expect(E.isLeft(refused) && refused.left.message).toContain("--preserve-digests forbids that");
  });

  it("mounts from a repository of the destination's registry where the source is known, never from the destination itself", () => {
    const m = image("c1", ["l1"]);
    const into = { registry: "reg.example", repository: "team/new" };
    const facts = { ...single(m), locations: [{ registry: "other.example", repository: "a" }, { registry: "reg.example", repository: "team/new" }, { registry: "reg.example", repository: "team/old" }] };
    const plan = planCopy(facts, { ...anywhere, mountsInto: into }, { platform }, digestOf);
    expect(E.isRight(plan) && plan.right.instances[0]?.blobs.map((b) => [b.action, b.from?.repository])).toEqual([
      ["mount", "team/old"],
      ["mount", "team/old"],
    ]);
  });

  it("carries signatures, drops them when asked, and refuses to change a signed manifest or to lose them", () => {
    const m = image("c1", ["l1"], mediaTypes.dockerManifest);
    const signed = { ...single(m), signatures: 2 };
    const carried = planCopy(signed, anywhere, { platform }, digestOf);
    expect(E.isRight(carried) && carried.right.signatures).toEqual({ action: "carry", count: 2 });
    const converted = planCopy(signed, anywhere, { platform, format: "oci" }, digestOf);
    expect(E.isLeft(converted) && converted.left.code).toBe("SIGNATURES_INVALIDATED");
    const dropped = planCopy(signed, anywhere, { platform, format: "oci", removeSignatures: true }, digestOf);
    expect(E.isRight(dropped) && dropped.right.signatures).toEqual({ action: "drop", why: "asked" });
    expect(describePlan(E.isRight(dropped) ? dropped.right : (undefined as never)).at(-1)).toBe("drop signatures (asked)");
    const nowhere = planCopy(signed, { ...anywhere, keepsSignatures: false }, { platform }, digestOf);
    expect(E.isLeft(nowhere) && nowhere.left.code).toBe("SIGNATURES_NOT_SUPPORTED");
  });

  it("selects the platform's image of an index, all of them, or says why not", () => {
    const index: ParsedManifest = {
      kind: "index",
      mediaType: mediaTypes.ociIndex,
      index: {
        schemaVersion: 2,
        manifests: [
          { mediaType: mediaTypes.ociManifest, digest: d("a1"), size: 1, platform: { os: "linux", architecture: "amd64" } },
          { mediaType: mediaTypes.ociManifest, digest: d("a2"), size: 1, platform: { os: "linux", architecture: "arm64" } },
        ],
      },
    };
    const top = { digest: d("ii"), mediaType: mediaTypes.ociIndex, size: 300, parsed: index };
    const one = selectInstances(top, anywhere, { platform: { os: "linux", architecture: "arm64" } });
    expect(E.isRight(one) && one.right.kind === "instance" && one.right.entry.digest).toBe(d("a2"));
    const none = selectInstances(top, anywhere, { platform: { os: "windows", architecture: "amd64" } });
    expect(E.isLeft(none) && none.left.code).toBe("NO_MATCHING_PLATFORM");
    const store: DestinationCapabilities = { acceptedManifestTypes: [mediaTypes.ociManifest], holdsIndex: false, keepsSignatures: false };
    expect(E.isLeft(selectInstances(top, store, { platform, all: true }))).toBe(true);
    const instances: ReadInstance[] = [d("a1"), d("a2")].map((digest, i) => ({ digest, mediaType: mediaTypes.ociManifest, size: 1, manifest: image("c" + i, ["shared", "own" + i]) }));
    const all = planCopy({ top, instances, present: new Set(), signatures: 0, locations: [] }, anywhere, { platform, all: true }, digestOf);
    // The shared layer moves once; the index is written as read.
    expect(E.isRight(all) && blobsToMove(all.right).filter((b) => b.descriptor.digest === d("shared"))).toHaveLength(1);
    expect(E.isRight(all) && all.right.index?.digest).toBe(d("ii"));
  });
});

const hex = fc.constantFrom("1", "2", "3", "4", "5", "6");
const manifestArb = fc.record({
  config: hex,
  layers: fc.array(hex, { maxLength: 6 }),
  docker: fc.boolean(),
});
const optionsArb = fc.record({ format: fc.constantFrom(undefined, "oci" as const, "v2s2" as const), preserveDigests: fc.boolean(), removeSignatures: fc.boolean() });

describe("planning properties", () => {
  it("never converts under preserve-digests, and plans every blob of the image exactly once, skipped iff present", () => {
    fc.assert(
      fc.property(manifestArb, fc.array(hex), fc.nat({ max: 3 }), optionsArb, fc.boolean(), (mm, present, signatures, o, ociDest) => {
        const m = image(mm.config, mm.layers, mm.docker ? mediaTypes.dockerManifest : mediaTypes.ociManifest);
        const facts = { ...single(m), present: new Set(present.map(d)), signatures };
        const options = { platform, ...(o.format === undefined ? {} : { format: o.format }), preserveDigests: o.preserveDigests, removeSignatures: o.removeSignatures };
        const plan = planCopy(facts, ociDest ? ociOnly : anywhere, options, digestOf);
        if (E.isLeft(plan)) return plan.left.message.split("\n").length === 1;
        const steps = plan.right.instances[0]?.blobs ?? [];
        const wanted = [...new Set([m.config.digest, ...m.layers.map((l) => l.digest)])];
        return (
          !(o.preserveDigests && plan.right.instances.some((i) => i.manifest.action === "convert")) &&
          steps.map((s) => s.descriptor.digest).join() === wanted.join() &&
          steps.every((s) => (s.action === "skip") === facts.present.has(s.descriptor.digest))
        );
      }),
      runs,
    );
  });

  it("never throws on arbitrary facts", () => {
    fc.assert(
      fc.property(fc.array(manifestArb, { minLength: 1, maxLength: 3 }), optionsArb, fc.boolean(), (ms, o, all) => {
        const instances = ms.map((mm, i) => ({ digest: d(`f${i}`), mediaType: mediaTypes.ociManifest, size: 1, manifest: image(mm.config, mm.layers, mm.docker ? mediaTypes.dockerManifest : mediaTypes.ociManifest) }));
        const top = { ...single(instances[0]?.manifest ?? image("1", [])).top };
        const r = planCopy({ top, instances, present: new Set(), signatures: 1, locations: [] }, anywhere, { platform, all, ...o, format: o.format ?? "oci" }, digestOf);
        return E.isLeft(r) || r.right.instances.length === instances.length;
      }),
      runs,
    );
  });
});
