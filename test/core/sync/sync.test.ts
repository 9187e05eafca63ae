/**
 * Planning a sync: destination names as skopeo sync makes them (examples
 * from its manual), skip decisions, and the YAML source file's codec; every
 * function total on arbitrary input.
 */
import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseNormalizedNamed, type Reference } from "../../../core/reference/index.ts";
import { basePath, describeSync, destinationOf, joinPath, planSync, repositoriesOf, selectTags, type Naming, type SourceImage, type SyncCandidate } from "../../../core/sync/index.ts";
import { anyString, digest, reference, runs, tag } from "../arbitraries.ts";

const ref = (text: string): Reference => {
  const r = parseNormalizedNamed(text);
  if (E.isLeft(r)) throw new Error(text);
  return r.right;
};
const docker = (text: string): SourceImage => ({ kind: "docker", ref: ref(text) });
const naming = (destination: string, more: Partial<Naming> = {}): Naming => ({ kind: "docker", destination, scoped: false, appendSuffix: "", ...more });

describe("destination names", () => {
  it("follows skopeo sync's manual", () => {
    expect(destinationOf(naming("my-registry.local.lan"))(docker("registry.example.com/busybox:1-glibc"))).toEqual(E.right("docker://my-registry.local.lan/busybox:1-glibc"));
    expect(destinationOf(naming("my-registry.local.lan/repo"))(docker("registry.example.com/repo/busybox:latest"))).toEqual(E.right("docker://my-registry.local.lan/repo/busybox:latest"));
    expect(destinationOf(naming("my-registry.local.lan", { appendSuffix: "-mirror" }))(docker("registry.example.com/busybox:1-musl"))).toEqual(E.right("docker://my-registry.local.lan/busybox:1-musl-mirror"));
    expect(destinationOf(naming("/media/usb", { kind: "dir" }))(docker("registry.example.com/busybox:latest"))).toEqual(E.right("dir:/media/usb/busybox:latest"));
    expect(destinationOf(naming("/media/usb", { kind: "dir", scoped: true }))(docker("registry.example.com/busybox:latest"))).toEqual(E.right("dir:/media/usb/registry.example.com/busybox:latest"));
    expect(destinationOf(naming("my-registry.local.lan/test/"))({ kind: "dir", path: "/media/usb/busybox:1-glibc", base: "/media/usb/busybox:1-glibc" })).toEqual(E.right("docker://my-registry.local.lan/test/busybox:1-glibc"));
    expect(destinationOf(naming("reg.lan"))({ kind: "dir", path: "/media/usb/busybox:1", base: "/media/usb" })).toEqual(E.right("docker://reg.lan/busybox:1"));
    // Docker Hub's short names are written out in full, as containers/image prints them.
    expect(destinationOf(naming("reg.lan", { scoped: true }))(docker("busybox"))).toEqual(E.right("docker://reg.lan/docker.io/library/busybox"));
  });

  it("refuses a name that is no reference, saying which", () => {
    const scoped = destinationOf(naming("reg.lan", { scoped: true }))(docker("localhost:5000/app:1"));
    expect(E.isLeft(scoped) && scoped.left.message).toBe('destination "reg.lan/localhost:5000/app:1": invalid reference format');
    expect(E.isLeft(destinationOf(naming("reg.lan", { appendSuffix: "!" }))(docker("quay.io/app:1")))).toBe(true);
  });

  it("joins paths as Go's path.Join, and takes the last element as path.Base", () => {
    expect(joinPath("a/", "/b", "", "c//d")).toBe("a/b/c/d");
    expect(joinPath("/x/../y", "./z")).toBe("/y/z");
    expect(joinPath("", "")).toBe("");
    expect(joinPath("..", "a")).toBe("../a");
    expect([basePath("a/b:1"), basePath("a/"), basePath(""), basePath("///")]).toEqual(["b:1", "a", ".", "/"]);
  });

  it("unscoped, a valid source under a plain destination keeps its last name element, tag and digest", () => {
    fc.assert(
      fc.property(reference, (r) => {
        const source = ref(r.text);
        const name = destinationOf(naming("mirror.lan/ns"))({ kind: "docker", ref: source });
        const last = source.path.slice(source.path.lastIndexOf("/") + 1);
        const rest = (source.tag === undefined ? "" : `:${source.tag}`) + (source.digest === undefined ? "" : `@${source.digest}`);
        expect(name).toEqual(E.right(`docker://mirror.lan/ns/${last}${rest}`));
      }),
      { numRuns: 2_000 },
    );
  });

  it("never throws, whatever the names", () => {
    fc.assert(
      fc.property(anyString, anyString, anyString, fc.boolean(), fc.constantFrom("docker" as const, "dir" as const), (dest, path, suffix, scoped, kind) => {
        const r = destinationOf({ kind, destination: dest, scoped, appendSuffix: suffix })({ kind: "dir", path, base: dest });
        expect(E.isLeft(r) || E.isRight(r)).toBe(true);
        expect(joinPath(dest, path)).not.toMatch(/\/\//);
      }),
      runs,
    );
  });
});

describe("the plan", () => {
  const a = `sha256:${"a".repeat(64)}`;
  const b = `sha256:${"b".repeat(64)}`;

  it("skips exactly the images whose destination holds the same manifest, each destination once", () => {
    const steps = planSync([
      { source: "docker://s/app:1", destination: "docker://d/app:1", sourceDigest: a, destinationDigest: a },
      { source: "docker://s/app:2", destination: "docker://d/app:2", sourceDigest: a, destinationDigest: b },
      { source: "docker://s/app:3", destination: "docker://d/app:3", sourceDigest: a },
      { source: "docker://s/app:4", destination: "docker://d/app:4" },
      { source: "docker://t/app:1", destination: "docker://d/app:1", sourceDigest: b },
    ]);
    expect(steps.map((s) => [s.source, s.action])).toEqual([
      ["docker://s/app:1", "skip"],
      ["docker://s/app:2", "copy"],
      ["docker://s/app:3", "copy"],
      ["docker://s/app:4", "copy"],
    ]);
    expect(describeSync(steps)).toEqual([
      `skip docker://s/app:1 -> docker://d/app:1 (already there as ${a})`,
      "copy docker://s/app:2 -> docker://d/app:2",
      "copy docker://s/app:3 -> docker://d/app:3",
      "copy docker://s/app:4 -> docker://d/app:4",
      "3 to copy, 1 already there",
    ]);
  });

  it("skips only where both digests are known and equal, and names no destination twice", () => {
    const candidate = fc.record({ source: anyString, destination: fc.constantFrom("x", "y", "z", "w"), sourceDigest: fc.option(fc.constantFrom(a, b), { nil: undefined }), destinationDigest: fc.option(fc.constantFrom(a, b), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 12 }), (cs) => {
        const steps = planSync(
          cs.map((c): SyncCandidate => ({
            source: c.source,
            destination: c.destination,
            ...(c.sourceDigest === undefined ? {} : { sourceDigest: c.sourceDigest }),
            ...(c.destinationDigest === undefined ? {} : { destinationDigest: c.destinationDigest }),
          })),
        );
        expect(new Set(steps.map((s) => s.destination)).size).toBe(steps.length);
        for (const s of steps) {
          const c = cs.find((x) => x.destination === s.destination);
          expect(s.action === "skip").toBe(c?.sourceDigest !== undefined && c.sourceDigest === c.destinationDigest);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("the YAML source file", () => {
  it("reads images, tag patterns and access per registry, in the file's order", () => {
    const doc = {
      "registry.example.com": {
        images: { busybox: [], redis: ["1.0", "2.0", `sha256:${"0".repeat(32)}${"1".repeat(32)}`] },
        "images-by-tag-regex": { nginx: "^1\\.13\\.[12]-alpine-perl$" },
        credentials: { username: "john", password: "this is a secret" },
        "tls-verify": true,
        "cert-dir": "/home/john/certs",
      },
      "quay.io": { "tls-verify": false, images: { "coreos/etcd": ["latest"] } },
    };
    const r = repositoriesOf("sync.yml")(doc);
    if (E.isLeft(r)) throw new Error(r.left.message);
    expect(r.right.map((w) => [w.repository.domain, w.repository.path, w.wanted.kind])).toEqual([
      ["registry.example.com", "busybox", "all"],
      ["registry.example.com", "redis", "list"],
      ["registry.example.com", "nginx", "pattern"],
      ["quay.io", "coreos/etcd", "list"],
    ]);
    expect(r.right[0]?.access).toEqual({ tlsVerify: true, certDir: "/home/john/certs", credentials: { username: "john", password: "this is a secret" } });
    expect(r.right[3]?.access).toEqual({ tlsVerify: false });
    const redis = r.right[1];
    expect(redis === undefined ? [] : selectTags(redis, ["9"]).map((x) => x.tag ?? x.digest)).toEqual(["1.0", "2.0", `sha256:${"0".repeat(32)}${"1".repeat(32)}`]);
    const nginx = r.right[2];
    expect(nginx === undefined ? [] : selectTags(nginx, ["1.13.1-alpine-perl", "1.13.3-alpine-perl", "1.13.2-alpine-perl", "latest"]).map((x) => x.tag)).toEqual(["1.13.1-alpine-perl", "1.13.2-alpine-perl"]);
  });

  it("refuses what it cannot use, saying where", () => {
    const message = (doc: unknown) => {
      const r = repositoriesOf("f.yml")(doc);
      return E.isLeft(r) ? r.left.message : "accepted";
    };
    expect(message({ "quay.io": { images: { app: 3 } } })).toBe('f.yml: key "quay.io.images.app": expected a list of tags and digests, found number 3');
    expect(message({ "quay.io": { images: { app: ["no tag!"] } } })).toBe('f.yml: key "quay.io.images.app": "no tag!" is neither a tag nor a digest');
    expect(message({ "quay.io": { "images-by-tag-regex": { app: "(" } } })).toMatch(/^f\.yml: key "quay\.io\.images-by-tag-regex\.app": invalid regular expression: /);
    expect(message({ "quay.io": { "images-by-semver": { app: ">= 1" } } })).toBe('f.yml: key "quay.io.images-by-semver": not supported; list the tags or use images-by-tag-regex');
    expect(message({ "quay.io": { images: { "App:1": [] } } })).toMatch(/^f\.yml: repository "quay\.io\/App:1": /);
    expect(message({ "quay.io": { credentials: { username: "u" } } })).toBe('f.yml: key "quay.io.credentials": needs both username and password');
    expect(message([])).toBe("f.yml: document: expected a table of registries, found an array");
  });

  it("never throws on any document", () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: "small" }, fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie("value"), { maxLength: 3 }), fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("images", "images-by-tag-regex", "credentials", "tls-verify", "quay.io")), tie("value"), { maxKeys: 3 })),
    })).value;
    fc.assert(
      fc.property(json, (doc) => {
        const r = repositoriesOf("f.yml")(doc);
        expect(E.isLeft(r) || E.isRight(r)).toBe(true);
      }),
      runs,
    );
  });

  it("selects every valid tag for a repository asked in full", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(tag, anyString, digest), { maxLength: 8 }), (tags) => {
        const picked = selectTags({ repository: ref("quay.io/app"), access: {}, wanted: { kind: "all" } }, tags);
        expect(picked.every((p) => p.tag !== undefined && tags.includes(p.tag))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});
