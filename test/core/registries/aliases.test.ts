import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseReference } from "../../../core/reference/index.ts";
import { checkAliasName, checkAliasValue, isPlainAliasName, isPlainAliasValue } from "../../../core/registries/aliases.ts";
import { hasRegistry } from "../../../core/registries/index.ts";
import { anyString, domain, path, reference, runs, soup } from "../arbitraries.ts";

/** What the reference parser makes of an alias name and value: the oracle the fast checks must never contradict. */
const parsedName = (s: string): boolean => {
  const r = parseReference(s);
  return E.isRight(r) && r.right.tag === undefined && r.right.digest === undefined && !hasRegistry(r.right);
};
const parsedValue = (s: string): boolean => {
  const r = parseReference(s);
  return s === "" || (E.isRight(r) && r.right.tag === undefined && r.right.digest === undefined && hasRegistry(r.right));
};

const candidates = fc.oneof(
  reference.map((r) => r.text),
  path,
  fc.tuple(domain, path).map(([d, p]) => `${d}/${p}`),
  fc.tuple(fc.constantFrom("localhost", "a.b", "x"), path).map(([d, p]) => `${d}/${p}`),
  soup,
  anyString,
);

describe("short-name alias checks", () => {
  it("take the quick way only for what the reference parser accepts", () => {
    fc.assert(
      fc.property(candidates, (s) => {
        if (isPlainAliasName(s)) expect([s, parsedName(s)]).toEqual([s, true]);
        if (isPlainAliasValue(s)) expect([s, parsedValue(s)]).toEqual([s, true]);
      }),
      runs,
    );
  });

  it("accept exactly what the reference parser accepts, and never throw", () => {
    fc.assert(
      fc.property(candidates, (s) => {
        expect([s, E.isRight(checkAliasName("f.conf", s))]).toEqual([s, parsedName(s)]);
        expect([s, E.isRight(checkAliasValue("f.conf", "n", s))]).toEqual([s, parsedValue(s)]);
      }),
      runs,
    );
  });

  it("recognise the usual shapes without the parser", () => {
    for (const name of ["alpine", "library/alpine", "centos/centos", "rhel8/rhel", "ubi9-minimal", "a__b/c.d/e--f"]) expect([name, isPlainAliasName(name)]).toEqual([name, true]);
    for (const value of ["docker.io/library/alpine", "registry.fedoraproject.org/fedora", "quay.io/centos/centos", "localhost/a", "localhost:5000/a/b", "127.0.0.1:5000/x", "registry.access.redhat.com/ubi9/ubi-minimal"]) {
      expect([value, isPlainAliasValue(value)]).toEqual([value, true]);
    }
  });

  it("leave the rest to the parser, which says what is wrong", () => {
    for (const name of ["example.com/a", "localhost/a", "Alpine", "a:1", "a@sha256:" + "0".repeat(64), "", "a".repeat(256)]) expect([name, isPlainAliasName(name)]).toEqual([name, false]);
    for (const value of ["docker.io/a:latest", "foo/bar", "Quay.io/a", "[::1]:5000/a", "x", "docker.io"]) expect([value, isPlainAliasValue(value)]).toEqual([value, false]);
    const message = (r: E.Either<{ message: string }, string>) => (E.isLeft(r) ? r.left.message : undefined);
    expect(message(checkAliasName("f.conf", "example.com/a"))).toBe('f.conf: alias "example.com/a": a short name must not contain a registry');
    expect(message(checkAliasValue("f.conf", "a", "foo/bar"))).toBe('f.conf: alias "a" = "foo/bar": must contain a registry and a repository');
  });
});
