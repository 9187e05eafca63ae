import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isBracketedIPv6,
  isDigestShape,
  isDomainAndPort,
  isDomainComponent,
  isDomainName,
  isIdentifier,
  isLowerHexString,
  isPathComponent,
  isReferenceDigest,
  isRemoteName,
  isTag,
} from "../../../core/reference/grammar.ts";
import { runs } from "../arbitraries.ts";

/**
 * The distribution reference grammar's own expressions (RE2 syntax, which
 * these are in JavaScript too), anchored: the oracle the scanners must agree
 * with. Inputs stay short, so backtracking here costs nothing.
 */
const pathComponent = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const oracles: ReadonlyArray<readonly [string, (s: string) => boolean, RegExp]> = [
  ["path-component", isPathComponent, new RegExp(`^${pathComponent}$`)],
  ["remote-name", isRemoteName, new RegExp(`^${pathComponent}(?:/${pathComponent})*$`)],
  ["domain-component", isDomainComponent, new RegExp(`^${domainComponent}$`)],
  ["domain-name", isDomainName, new RegExp(`^${domainName}$`)],
  ["ipv6", isBracketedIPv6, /^\[[a-fA-F0-9:]+\]$/],
  ["domain", isDomainAndPort, new RegExp(`^(?:${domainName}|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`)],
  ["tag", isTag, /^[\w][\w.-]{0,127}$/],
  ["digest", isReferenceDigest, /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/],
  ["digest shape", isDigestShape, /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/],
  ["lower hex", isLowerHexString, /^[a-f0-9]+$/],
  ["identifier", isIdentifier, /^[a-f0-9]{64}$/],
];

/** Strings near the grammar: its own characters, with a few that it refuses. */
const near = fc.string({ unit: fc.constantFrom(..."abcfxzABFZ0189._-_:/[]@=+ \u00e9\u0130"), maxLength: 40 });
/** Long hex runs, where digests and identifiers live. */
const hexy = fc.tuple(fc.string({ unit: fc.constantFrom(..."sha256:+.-"), maxLength: 10 }), fc.string({ unit: fc.constantFrom(..."0123456789abcdefABG"), minLength: 28, maxLength: 70 })).map(([a, b]) => a + b);

describe("reference grammar scanners", () => {
  for (const [what, scan, oracle] of oracles) {
    it(`${what} agrees with the grammar's expression`, () => {
      fc.assert(
        fc.property(fc.oneof(near, hexy, fc.string({ maxLength: 40 })), (s) => {
          expect(scan(s)).toBe(oracle.test(s));
        }),
        runs,
      );
    });
  }

  it("agrees on the edges: lengths, separators and classes", () => {
    const cases = ["", "a", "a__b", "a___b", "a--b", "a-", "-a", "a.b", "a..b", "a_b", "A", "a" + "b".repeat(127), "w".repeat(129), "[::1]", "[]", "[g]", "x:", "x:1", "x:1a", "sha256:" + "a".repeat(32), "sha256:" + "a".repeat(31), "a+b:" + "0".repeat(32)];
    for (const s of cases) for (const [, scan, oracle] of oracles) expect([s, scan(s)]).toEqual([s, oracle.test(s)]);
  });
});
