import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { parseDigest, parseReference, referenceString } from "../../../core/reference/index.ts";
import { f64, invalidReferences, validReferences } from "./vectors.ts";

describe("parseReference", () => {
  for (const [input, domain, path, tag, digest] of validReferences) {
    it(`accepts ${input.slice(0, 80)}`, () => {
      const parsed = parseReference(input);
      expect(parsed).toEqual(
        E.right({
          domain,
          path,
          ...(tag === undefined ? {} : { tag }),
          ...(digest === undefined ? {} : { digest }),
        }),
      );
      if (E.isRight(parsed)) expect(referenceString(parsed.right)).toBe(input);
    });
  }

  for (const [input, message] of invalidReferences) {
    it(`refuses ${JSON.stringify(input.slice(0, 80))}: ${message}`, () => {
      const parsed = parseReference(input);
      expect(E.isLeft(parsed)).toBe(true);
      if (E.isLeft(parsed)) {
        expect(parsed.left.message).toBe(message);
        expect(parsed.left.code).toBe("INVALID_REFERENCE");
        expect(parsed.left.input).toBe(input);
      }
    });
  }
});

describe("parseDigest", () => {
  it("accepts the three supported algorithms with lowercase hex of the right length", () => {
    for (const d of [`sha256:${f64}`, `sha384:${"0".repeat(96)}`, `sha512:${"a".repeat(128)}`]) {
      expect(parseDigest(d)).toEqual(E.right(d));
    }
  });

  const refused: ReadonlyArray<readonly [string, string]> = [
    ["", "invalid checksum digest format"],
    [":abc", "invalid checksum digest format"],
    ["sha256:", "invalid checksum digest format"],
    ["sha256", "invalid checksum digest format"],
    [`sha256:${"A".repeat(64)}`, "invalid checksum digest format"],
    [`sha256:${"g".repeat(64)}`, "invalid checksum digest format"],
    [`sha256:${f64}0`, "invalid checksum digest length"],
    ["sha256:abc", "invalid checksum digest length"],
    [`sha512:${f64}`, "invalid checksum digest length"],
    [`md5:${"0".repeat(32)}`, "unsupported digest algorithm"],
    [`sha256+b64u:${f64}`, "unsupported digest algorithm"],
    [`SHA256:${f64}`, "invalid checksum digest format"],
    [`sha256:../../${f64}`, "invalid checksum digest length"],
    [`../../etc:${f64}`, "invalid checksum digest format"],
  ];
  for (const [input, message] of refused) {
    it(`refuses ${JSON.stringify(input.slice(0, 40))}: ${message}`, () => {
      const parsed = parseDigest(input);
      expect(E.isLeft(parsed) ? parsed.left.message : "accepted").toBe(message);
    });
  }
});
