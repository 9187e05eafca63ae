import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import {
  familiarString,
  parseNormalizedNamed,
  referenceString,
  tagNameOnly,
  type Reference,
} from "../../../core/reference/index.ts";
import { f64 } from "./vectors.ts";

const normalized = (s: string): string => {
  const r = parseNormalizedNamed(s);
  return E.isRight(r) ? referenceString(r.right) : `error: ${r.left.message}`;
};

describe("parseNormalizedNamed", () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    // input, fully-qualified, familiar
    ["ubuntu", "docker.io/library/ubuntu", "ubuntu"],
    ["ubuntu:22.04", "docker.io/library/ubuntu:22.04", "ubuntu:22.04"],
    ["library/ubuntu", "docker.io/library/ubuntu", "ubuntu"],
    ["docker.io/ubuntu", "docker.io/library/ubuntu", "ubuntu"],
    ["index.docker.io/ubuntu", "docker.io/library/ubuntu", "ubuntu"],
    ["index.docker.io/docker/docker", "docker.io/docker/docker", "docker/docker"],
    ["fooo/bar", "docker.io/fooo/bar", "fooo/bar"],
    ["nonlibrary/ubuntu", "docker.io/nonlibrary/ubuntu", "nonlibrary/ubuntu"],
    ["other/library", "docker.io/other/library", "other/library"],
    ["docker.io/library/foo/bar", "docker.io/library/foo/bar", "library/foo/bar"],
    ["ubuntu-12.04-base", "docker.io/library/ubuntu-12.04-base", "ubuntu-12.04-base"],
    ["127.0.0.1:8000/private/moonbase", "127.0.0.1:8000/private/moonbase", "127.0.0.1:8000/private/moonbase"],
    ["localhost:8000/private/moonbase", "localhost:8000/private/moonbase", "localhost:8000/private/moonbase"],
    ["localhost/foo", "localhost/foo", "localhost/foo"],
    ["example.com/private/moonbase", "example.com/private/moonbase", "example.com/private/moonbase"],
    ["192.168.0.1", "docker.io/library/192.168.0.1", "192.168.0.1"],
    ["192.168.0.1:80", "docker.io/library/192.168.0.1:80", "192.168.0.1:80"],
    ["192.168.0.1:8/debian", "192.168.0.1:8/debian", "192.168.0.1:8/debian"],
    ["[fc00::1]:5000/docker", "[fc00::1]:5000/docker", "[fc00::1]:5000/docker"],
    ["[::1]:5000/a/b:c", "[::1]:5000/a/b:c", "[::1]:5000/a/b:c"],
    ["Docker/docker", "Docker/docker", "Docker/docker"],
    [`busybox@sha256:${f64}`, `docker.io/library/busybox@sha256:${f64}`, `busybox@sha256:${f64}`],
    [`busybox:1@sha256:${f64}`, `docker.io/library/busybox:1@sha256:${f64}`, `busybox:1@sha256:${f64}`],
  ];
  for (const [input, full, familiar] of cases) {
    it(`${input} → ${full}`, () => {
      const r = parseNormalizedNamed(input);
      expect(E.isRight(r)).toBe(true);
      if (E.isRight(r)) {
        expect(referenceString(r.right)).toBe(full);
        expect(familiarString(r.right)).toBe(familiar);
      }
    });
  }

  const refused: ReadonlyArray<readonly [string, string]> = [
    ["https://github.com/docker/docker", "invalid reference format"],
    ["docker/Docker", "invalid reference format: repository name (docker/Docker) must be lowercase"],
    ["docker.io/docker/Docker", "invalid reference format: repository name (docker/Docker) must be lowercase"],
    ["UPPER", "invalid reference format: repository name (library/UPPER) must be lowercase"],
    ["-docker", "invalid reference format"],
    ["-docker/docker", "invalid reference format"],
    ["-docker.io/docker/docker", "invalid reference format"],
    ["docker///docker", "invalid reference format"],
    ["docker.io/docker///docker", "invalid reference format"],
    ["[fc00::1]", "invalid reference format"],
    ["[fc00::1]:5000", "invalid reference format"],
    ["fc00::1:5000/debian", "invalid reference format"],
    ["[fe80::1%eth0]:5000/debian", "invalid reference format"],
    ["[2001:db8:3:4::192.0.2.33]:5000/debian", "invalid reference format"],
    [f64, `invalid repository name (${f64}), cannot specify 64-byte hexadecimal strings`],
    ["", "invalid reference format"],
  ];
  for (const [input, message] of refused) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      const r = parseNormalizedNamed(input);
      expect(E.isLeft(r) ? r.left.message : "accepted").toBe(message);
    });
  }

  it("keeps a 64-hex string as a valid name when it is not the whole input", () => {
    expect(normalized(`${f64}:tag`)).toBe(`docker.io/library/${f64}:tag`);
    expect(normalized(`docker.io/${f64}`)).toBe(`docker.io/library/${f64}`);
  });
});

describe("tagNameOnly", () => {
  const ref = (s: string): Reference => {
    const r = parseNormalizedNamed(s);
    if (E.isLeft(r)) throw new Error(r.left.message);
    return r.right;
  };
  it("adds latest to a bare name", () => {
    expect(referenceString(tagNameOnly(ref("alpine")))).toBe("docker.io/library/alpine:latest");
  });
  it("leaves tagged and digested references alone", () => {
    expect(referenceString(tagNameOnly(ref("alpine:3")))).toBe("docker.io/library/alpine:3");
    expect(referenceString(tagNameOnly(ref(`alpine@sha256:${f64}`)))).toBe(`docker.io/library/alpine@sha256:${f64}`);
  });
});
