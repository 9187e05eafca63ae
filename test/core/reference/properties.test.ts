import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  familiarString,
  matchesId,
  parseDigest,
  parseNormalizedNamed,
  parseReference,
  referenceString,
  type Reference,
} from "../../../core/reference/index.ts";
import { anyString, reference, runs } from "../arbitraries.ts";

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify(e.left)}`);
  return e.right;
};

const isOneLineFailure = (e: E.Either<{ code: string; message: string }, unknown>): boolean =>
  E.isRight(e) || (e.left.code === "INVALID_REFERENCE" && e.left.message.length > 0 && !e.left.message.includes("\n"));

describe("reference properties", () => {
  it("every reference built from the grammar parses and prints back as typed", () => {
    fc.assert(
      fc.property(reference, (g) => {
        const r = right(parseReference(g.text));
        expect(referenceString(r)).toBe(g.text);
        expect(r.tag).toBe(g.tag);
        expect(r.digest).toBe(g.digest);
        if (g.domain !== undefined) expect([r.domain, r.path]).toEqual([g.domain, g.path]);
        if (g.domain === undefined && !g.path.includes("/")) expect([r.domain, r.path]).toEqual(["", g.path]);
      }),
      runs,
    );
  });

  it("parseNormalizedNamed is idempotent on its own output", () => {
    fc.assert(
      fc.property(reference, (g) => {
        // Upstream quirk kept: a first component with "." that is not a valid domain leaves the domain empty.
        const r = right(parseNormalizedNamed(g.text));
        expect(right(parseNormalizedNamed(referenceString(r)))).toEqual(r);
      }),
      runs,
    );
  });

  it("familiarString round-trips through parseNormalizedNamed", () => {
    fc.assert(
      fc.property(reference, (g) => {
        const r: Reference = right(parseNormalizedNamed(g.text));
        expect(right(parseNormalizedNamed(familiarString(r)))).toEqual(r);
      }),
      runs,
    );
  });

  it("arbitrary strings never throw and fail with a one-line INVALID_REFERENCE", () => {
    fc.assert(
      fc.property(anyString, (s) => {
        expect(isOneLineFailure(parseReference(s))).toBe(true);
        expect(isOneLineFailure(parseNormalizedNamed(s))).toBe(true);
        expect(isOneLineFailure(parseDigest(s))).toBe(true);
        expect(typeof matchesId(s, s)).toBe("boolean");
      }),
      runs,
    );
  });

  it("whatever parses, prints back to the same text", () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const r = parseReference(s);
        if (E.isRight(r)) expect(referenceString(r.right)).toBe(s);
      }),
      runs,
    );
  });

  it("64 KiB hostile inputs are refused without blowing up", () => {
    const k = 64 * 1024;
    const hostile = [
      "a-".repeat(k / 2) + "!",
      "a.".repeat(k / 2) + "!",
      "a_".repeat(k / 2),
      "a/".repeat(k / 2) + "A",
      "[" + ":".repeat(k) + "/a",
      "a:".repeat(k / 2),
      "a@".repeat(k / 2),
      `sha256:${"f".repeat(k)}`,
      `a@${"a-".repeat(k / 2)}:${"f".repeat(64)}`,
      `x.${"a-".repeat(k / 2)}a/B`,
      `a:${"t".repeat(k)}`,
      "A".repeat(k),
      `example.com/${"a".repeat(k)}`,
    ];
    for (const s of hostile) {
      expect(E.isLeft(parseReference(s))).toBe(true);
      expect(E.isLeft(parseNormalizedNamed(s))).toBe(true);
      expect(E.isLeft(parseDigest(s))).toBe(true);
    }
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", "-", ".", "_", "/", ":", "@", "A"), minLength: k, maxLength: k }), (s) => {
        expect(isOneLineFailure(parseReference(s))).toBe(true);
        expect(isOneLineFailure(parseNormalizedNamed(s))).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});
