/** The payload a manifest digest is taken over: the manifest itself, or a JWS-signed schema 1 manifest without its signatures. */
import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { manifestPayload } from "../../../core/manifest/index.ts";
import { runs } from "../arbitraries.ts";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const b64url = (s: string): string => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** A schema 1 manifest signed as libtrust lays it out: the body, the signatures, and the tail the protected header names. */
const signed = (body: string, tail: string, header: unknown = undefined): string =>
  `${body},\n   "signatures": [{"header": {"alg": "ES256"}, "signature": "AAAA", "protected": "${b64url(JSON.stringify(header ?? { formatLength: body.length, formatTail: b64url(tail) }))}"}]${tail}`;

describe("manifestPayload", () => {
  it("is the manifest itself for anything but a signed schema 1 manifest", () => {
    for (const t of ['{"schemaVersion":2,"layers":[]}', '{"schemaVersion":1,"name":"a"}', "not json", '{"schemaVersion":1,"signatures":[]}']) {
      expect(manifestPayload(bytes(t))).toEqual(E.right(bytes(t)));
    }
  });

  it("takes the signatures out of a signed schema 1 manifest", () => {
    const body = '{\n   "schemaVersion": 1,\n   "name": "team/app",\n   "fsLayers": []';
    expect(E.map(text)(manifestPayload(bytes(signed(body, "\n}"))))).toEqual(E.right(`${body}\n}`));
  });

  it("refuses a protected header that does not describe the manifest", () => {
    const body = '{"schemaVersion": 1';
    for (const header of [{ formatLength: 10_000, formatTail: b64url("}") }, { formatLength: -1, formatTail: "" }, { formatLength: 1.5, formatTail: "" }, { formatTail: "" }, { formatLength: 3, formatTail: "not base64!" }]) {
      const r = manifestPayload(bytes(signed(body, "}", header)));
      expect(E.isLeft(r) && r.left.code).toBe("INVALID_MANIFEST");
    }
  });

  it("never throws, whatever the bytes or the header", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        expect(typeof E.isLeft(manifestPayload(b))).toBe("boolean");
      }),
      runs,
    );
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.anything(), (body, tail, header) => {
        expect(typeof E.isLeft(manifestPayload(bytes(signed(`{"schemaVersion":1${body}`, tail, header))))).toBe("boolean");
      }),
    );
  });
});
