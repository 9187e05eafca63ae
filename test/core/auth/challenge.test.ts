import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseChallenges } from "../../../core/auth/index.ts";
import { anyString, runs } from "../arbitraries.ts";

describe("WWW-Authenticate", () => {
  it("reads bearer and basic challenges with quoted and bare parameters", () => {
    expect(parseChallenges('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"')).toEqual([
      { scheme: "bearer", params: { realm: "https://auth.example/token", service: "registry.example", scope: "repository:a/b:pull" } },
    ]);
    expect(parseChallenges('Basic realm="Registry Realm"')).toEqual([{ scheme: "basic", params: { realm: "Registry Realm" } }]);
    expect(parseChallenges('Bearer realm="x\\"y", error=insufficient_scope')).toEqual([{ scheme: "bearer", params: { realm: 'x"y', error: "insufficient_scope" } }]);
    expect(parseChallenges("")).toEqual([]);
  });

  it("never throws on arbitrary headers", () => {
    fc.assert(
      fc.property(anyString, (h) => {
        expect(Array.isArray(parseChallenges(h))).toBe(true);
      }),
      runs,
    );
  });
});
