import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makePayload, parsePayload, simpleSigningPayloadType, sigstorePayloadType } from "../../../core/signature/index.ts";
import { runs } from "../arbitraries.ts";

const enc = (v: unknown) => new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v));
const why = (v: unknown, type = sigstorePayloadType) => {
  const r = parsePayload(type)(enc(v));
  return E.isLeft(r) ? r.left.message : r.right;
};
const critical = { type: sigstorePayloadType, image: { "docker-manifest-digest": "sha256:a" }, identity: { "docker-reference": "quay.io/a/b:1" } };

describe("signature payloads", () => {
  it("read the claim, strictly", () => {
    expect(why({ critical, optional: { anything: [1] } })).toEqual({ dockerReference: "quay.io/a/b:1", manifestDigest: "sha256:a" });
    expect(why({ critical: { ...critical, extra: 1 } })).toBe('signature payload: critical: unknown field "extra"');
    expect(why({ critical }, simpleSigningPayloadType)).toMatch(/type is "cosign container image signature", not "atomic container signature"/);
    expect(why({ critical: { ...critical, image: {} } })).toBe("signature payload: no critical.image.docker-manifest-digest");
    expect(why('{"critical":{},"critical":{}}')).toMatch(/appears twice/);
  });

  it("round-trip what berth writes, and never throw on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.nat(), (ref, digest, t) => {
        const r = parsePayload(sigstorePayloadType)(makePayload(sigstorePayloadType, { dockerReference: ref, manifestDigest: digest }, "berth", t));
        expect(r).toEqual(E.right({ dockerReference: ref, manifestDigest: digest }));
      }),
      runs,
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => typeof E.isLeft(parsePayload(sigstorePayloadType)(b)) === "boolean"), runs);
  });
});
