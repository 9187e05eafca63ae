import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { referenceString } from "../../core/reference/index.ts";
import { parseImageName } from "../../core/transport/index.ts";
import { builtinTransports, type BuiltinImageName } from "../../plugins/builtin.ts";
import { anyString, runs } from "../core/arbitraries.ts";

const parse = (s: string) => parseImageName(s, builtinTransports);
const ok = (s: string): BuiltinImageName => {
  const r = parse(s);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};
const refusal = (s: string): string => {
  const r = parse(s);
  return E.isLeft(r) ? r.left.message : "accepted";
};

describe("parseImageName with the built-in transports", () => {
  it("reads docker://NAME, normalised and tagged latest when bare", () => {
    const n = ok("docker://alpine");
    expect(n.transport).toBe("docker");
    expect("reference" in n.reference && referenceString(n.reference.reference)).toBe("docker.io/library/alpine:latest");
    const m = ok("docker://localhost:5000/a/b@sha256:" + "a".repeat(64));
    expect("reference" in m.reference && referenceString(m.reference.reference)).toBe(`localhost:5000/a/b@sha256:${"a".repeat(64)}`);
  });

  it("explains docker:NAME without //", () => {
    expect(refusal("docker:alpine")).toBe('invalid image name "docker:alpine": docker references must start with "//", as in "docker://alpine"');
  });

  it("refuses a docker reference with both a tag and a digest, and bad names", () => {
    expect(refusal(`docker://alpine:3@sha256:${"a".repeat(64)}`)).toMatch(/both a tag and a digest/);
    expect(refusal("docker://Alpine")).toMatch(/must be lowercase/);
  });

  it("reads the file transports' PATH[:NAME] forms", () => {
    expect(ok("oci:/tmp/layout").reference).toEqual({ path: "/tmp/layout" });
    expect(ok("oci:/tmp/layout:app:v1").reference).toEqual({ path: "/tmp/layout", name: "app:v1" });
    expect(ok("oci-archive:/tmp/a.tar:latest")).toEqual({ transport: "oci-archive", reference: { path: "/tmp/a.tar", name: "latest" } });
    expect(ok("dir:/tmp/d:x").reference).toEqual({ path: "/tmp/d:x" });
    expect(ok("tarball:/a.tar:/b.tar").reference).toEqual({ paths: ["/a.tar", "/b.tar"] });
    expect(ok("tarball:-").reference).toEqual({ paths: ["-"] });
  });

  it("reads docker-archive:PATH[:NAME|:@INDEX]", () => {
    expect(ok("docker-archive:/a.tar").reference).toEqual({ path: "/a.tar" });
    expect(ok("docker-archive:/a.tar:@2").reference).toEqual({ path: "/a.tar", index: 2 });
    const named = ok("docker-archive:/a.tar:busybox").reference;
    expect("name" in named && named.name !== undefined && typeof named.name === "object" && referenceString(named.name)).toBe(
      "docker.io/library/busybox:latest",
    );
    expect(refusal("docker-archive:/a.tar:@-1")).toMatch(/invalid source index/);
    expect(refusal(`docker-archive:/a.tar:busybox@sha256:${"a".repeat(64)}`)).toMatch(/digest references/);
  });

  it("reads store:NAME for names and IDs", () => {
    expect(ok("store:alpine").reference).toEqual({ text: "alpine" });
    expect(ok("store:8dd4b1").reference).toEqual({ text: "8dd4b1" });
    expect(ok("store:@8dd4b1").reference).toEqual({ text: "@8dd4b1" });
    expect(refusal("store:Alpine")).toMatch(/must be lowercase/);
  });

  it("refuses empty paths, bad OCI names, unknown transports and missing transports", () => {
    expect(refusal("oci:")).toMatch(/needs a path/);
    expect(refusal("oci:/x:-bad")).toMatch(/invalid image name "-bad"/);
    expect(refusal("dir:")).toMatch(/needs a path/);
    expect(refusal("tarball:")).toMatch(/one or more paths/);
    expect(refusal("ftp://x")).toBe(
      'invalid image name "ftp://x": unknown transport "ftp" (known: dir, docker, docker-archive, oci, oci-archive, store, tarball)',
    );
    expect(refusal("alpine")).toMatch(/expected TRANSPORT:NAME/);
  });

  it("takes a transport table as data: a new transport needs no core change", () => {
    const table = [{ name: "mem", parseReference: (rest: string) => E.right({ key: rest }) }];
    expect(parseImageName("mem:abc", table)).toEqual(E.right({ transport: "mem", reference: { key: "abc" } }));
  });

  it("never throws on arbitrary input, and fails with one line", () => {
    fc.assert(
      fc.property(fc.oneof(anyString, fc.constantFrom("docker:", "oci:", "docker-archive:", "store:", "tarball:", "dir:").chain((t) => anyString.map((s) => t + s))), (s) => {
        const r = parse(s);
        if (E.isLeft(r)) {
          expect(r.left.code).toBe("INVALID_IMAGE_NAME");
          expect(r.left.message.includes("\n")).toBe(false);
        }
      }),
      runs,
    );
  });
});
