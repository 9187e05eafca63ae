import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { findRegistry, prefixMatchLength } from "../../../core/registries/index.ts";
import { config, fixtureText, load, refusal } from "./fixtures.ts";

const main = "/etc/containers/registries.conf";
const dropIn = "/etc/containers/registries.conf.d/50-extra.conf";

describe("registries.conf v2", () => {
  it("reads the documented example: prefixes, locations, mirrors, wildcard, aliases", async () => {
    const c = config([[main, await fixtureText("example.conf")]]);
    expect(c.unqualifiedSearchRegistries).toEqual(["registry.example.org", "quay.io", "docker.io"]);
    expect(c.unqualifiedSearchRegistriesFile).toBe(main);
    expect(c.shortNameMode).toBe("enforcing");
    expect(c.registries.map((r) => [r.prefix, r.location, r.blocked])).toEqual([
      ["example.com/foo", "internal-registry-for-example.com/bar", false],
      ["blocked.example.net", "blocked.example.net", true],
      ["docker.io/library", "docker.io/library", false],
      ["*.wild.example", "", false],
    ]);
    expect(c.registries[0]?.mirrors).toEqual([
      { location: "example-mirror-0.local/mirror-for-foo", insecure: false, pullFromMirror: undefined },
      { location: "example-mirror-1.local/mirrors/foo", insecure: true, pullFromMirror: undefined },
    ]);
    expect(c.aliases["fedora"]).toEqual({ value: "registry.fedoraproject.org/fedora", file: main });
    expect(c.credentialHelpers).toEqual(["containers-auth.json"]);
  });

  it("trims trailing slashes and defaults an empty prefix to the location", () => {
    const c = config([[main, '[[registry]]\nlocation = "r.example.com/ns///"\nprefix = ""\n']]);
    expect(c.registries[0]).toMatchObject({ prefix: "r.example.com/ns", location: "r.example.com/ns" });
  });

  it("keeps only the first table of a prefix repeated in one file", () => {
    const c = config([[main, '[[registry]]\nprefix = "a.io"\nlocation = "one.io"\n[[registry]]\nprefix = "a.io"\nlocation = "two.io"\n']]);
    expect(c.registries.map((r) => r.location)).toEqual(["one.io"]);
  });

  it("reports unknown keys as warnings naming the file and the key", () => {
    const r = load([[main, 'frobnicate = 1\n[[registry]]\nlocation = "a.io"\nspeed = "fast"\n']]);
    expect(E.isRight(r) && r.right.warnings).toEqual([`${main}: unknown key "frobnicate" ignored`, `${main}: unknown key "registry.0.speed" ignored`]);
  });

  const refused: ReadonlyArray<readonly [string, string, string]> = [
    ["a URL scheme in a location", '[[registry]]\nlocation = "https://r.io"\n', 'location "https://r.io": URI schemes are not supported'],
    ["a prefix and location both unset", "[[registry]]\ninsecure = true\n", "neither prefix nor location"],
    ["a wildcard with a path", '[[registry]]\nprefix = "*.r.io/ns"\n', "wildcarded prefix should be in the format *.example.com"],
    ["a wildcard in the middle", '[[registry]]\nprefix = "a.*.r.io"\n', 'prefix "a.*.r.io": a wildcard is only allowed'],
    ["conflicting insecure settings", '[[registry]]\nprefix = "a.io/x"\nlocation = "r.io"\n[[registry]]\nprefix = "b.io"\nlocation = "r.io"\ninsecure = true\n', "registry \"r.io\" is defined multiple times with conflicting 'insecure' settings"],
    ["conflicting blocked settings", '[[registry]]\nprefix = "a.io/x"\nlocation = "r.io"\nblocked = true\n[[registry]]\nprefix = "b.io"\nlocation = "r.io"\n', "conflicting 'blocked' settings"],
    ["pull-from-mirror with mirror-by-digest-only", '[[registry]]\nlocation = "r.io"\nmirror-by-digest-only = true\n[[registry.mirror]]\nlocation = "m.io"\npull-from-mirror = "all"\n', "sets mirror-by-digest-only and its mirror \"m.io\" sets pull-from-mirror"],
    ["a bad pull-from-mirror value", '[[registry]]\nlocation = "r.io"\n[[registry.mirror]]\nlocation = "m.io"\npull-from-mirror = "sometimes"\n', 'unsupported pull-from-mirror value "sometimes"'],
    ["pull-from-mirror on a registry", '[[registry]]\nlocation = "r.io"\npull-from-mirror = "all"\n', 'pull-from-mirror must not be set for the non-mirror registry "r.io"'],
    ["a mirror without location", '[[registry]]\nlocation = "r.io"\n[[registry.mirror]]\ninsecure = true\n', 'a mirror of registry "r.io" has no location'],
    ["a search registry with a path", 'unqualified-search-registries = ["quay.io/ns"]\n', 'entry "quay.io/ns" must be host[:port]'],
    ["a search registry with a scheme", 'unqualified-search-registries = ["https://quay.io"]\n', "URI schemes are not supported"],
    ["an unknown short-name-mode", 'short-name-mode = "lenient"\n', 'short-name-mode "lenient" is not one of enforcing, permissive, disabled'],
    ["an alias with a tag", '[aliases]\n"app:1" = "quay.io/app"\n', 'alias "app:1": a short name must not contain a tag or digest'],
    ["an alias name with a registry", '[aliases]\n"quay.io/app" = "quay.io/app"\n', 'alias "quay.io/app": a short name must not contain a registry'],
    ["an alias value without a registry", '[aliases]\n"app" = "library/app"\n', 'alias "app" = "library/app": must contain a registry and a repository'],
    ["an alias value with a tag", '[aliases]\n"app" = "quay.io/app:1"\n', "must not contain a tag or digest"],
    ["a wrongly typed value", '[[registry]]\nlocation = "r.io"\ninsecure = "yes"\n', 'key "registry.0.insecure": expected boolean, found the string "yes"'],
    ["a wrongly typed table", 'registry = "r.io"\n', 'key "registry": expected an array of [[registry]] tables'],
    ["mixed v1 and v2", 'unqualified-search-registries = ["a.io"]\n[registries.search]\nregistries = ["b.io"]\n', "mixing v1 ([registries.*]) and v2 keys"],
  ];
  for (const [what, toml, message] of refused) {
    it(`refuses ${what}, naming the file`, () => {
      const m = refusal([[main, toml]]);
      expect(m.startsWith(`${main}: `)).toBe(true);
      expect(m).toContain(message);
      expect(m.includes("\n")).toBe(false);
    });
  }
});

describe("registries.conf v1", () => {
  it("converts search, insecure and block lists to v2", async () => {
    const c = config([[main, await fixtureText("v1.conf")]]);
    expect(c.unqualifiedSearchRegistries).toEqual(["registry1.com", "registry2.com"]);
    expect(c.registries.map((r) => [r.prefix, r.insecure, r.blocked])).toEqual([
      ["registry.untrusted.com", false, true],
      ["registry.unsafe.com", false, true],
      ["registry3.com", true, false],
    ]);
  });
});

describe("drop-in merging", () => {
  const base = 'unqualified-search-registries = ["a.io", "b.io"]\nshort-name-mode = "enforcing"\n[[registry]]\nprefix = "x.io"\nlocation = "one.io"\n[[registry]]\nprefix = "y.io"\nlocation = "y.io"\n[aliases]\n"keep" = "k.io/keep"\n"drop" = "d.io/drop"\n';

  it("replaces [[registry]] tables by prefix in place, adds new ones last", () => {
    const c = config([[main, base], [dropIn, '[[registry]]\nprefix = "x.io"\nlocation = "two.io"\n[[registry]]\nprefix = "z.io"\nlocation = "z.io"\n']]);
    expect(c.registries.map((r) => [r.prefix, r.location, r.file])).toEqual([
      ["x.io", "two.io", dropIn],
      ["y.io", "y.io", main],
      ["z.io", "z.io", dropIn],
    ]);
  });

  it("replaces the search registries when a later file sets them, even to none", () => {
    expect(config([[main, base], [dropIn, 'unqualified-search-registries = ["c.io"]\n']]).unqualifiedSearchRegistries).toEqual(["c.io"]);
    const emptied = config([[main, base], [dropIn, "unqualified-search-registries = []\n"]]);
    expect(emptied.unqualifiedSearchRegistries).toEqual([]);
    expect(emptied.unqualifiedSearchRegistriesFile).toBe(dropIn);
  });

  it("leaves earlier values when a later file does not mention them", () => {
    const c = config([[main, base], [dropIn, '[aliases]\n"new" = "n.io/new"\n']]);
    expect(c.unqualifiedSearchRegistries).toEqual(["a.io", "b.io"]);
    expect(c.shortNameMode).toBe("enforcing");
    expect(c.unqualifiedSearchRegistriesFile).toBe(main);
  });

  it("merges aliases, and an alias set to an empty string is erased", () => {
    const c = config([[main, base], [dropIn, '[aliases]\n"drop" = ""\n"keep" = "k2.io/keep"\n"new" = "n.io/new"\n']]);
    expect(c.aliases).toEqual({ keep: { value: "k2.io/keep", file: dropIn }, new: { value: "n.io/new", file: dropIn } });
  });

  it("refuses conflicts across files and names both files", () => {
    const m = refusal([[main, '[[registry]]\nprefix = "a.io/x"\nlocation = "r.io"\n'], [dropIn, '[[registry]]\nprefix = "b.io"\nlocation = "r.io"\ninsecure = true\n']]);
    expect(m).toBe(`${main} and ${dropIn}: registry "r.io" is defined multiple times with conflicting 'insecure' settings`);
  });

  it("a drop-in that is refused leaves nothing half-applied: the whole load fails", () => {
    expect(E.isLeft(load([[main, base], [dropIn, '[[registry]]\nlocation = "http://bad"\n']]))).toBe(true);
  });
});

describe("prefix matching", () => {
  it("matches the whole name or up to /, : or @", () => {
    expect(prefixMatchLength("example.com/foo/bar:1", "example.com/foo")).toBe("example.com/foo".length);
    expect(prefixMatchLength("example.com/foo", "example.com/foo")).toBe("example.com/foo".length);
    expect(prefixMatchLength("example.com/foobar", "example.com/foo")).toBe(-1);
    expect(prefixMatchLength("example.com/foo@sha256:x", "example.com/foo")).toBe("example.com/foo".length);
    expect(prefixMatchLength("other.com/example.com/foo", "example.com/foo")).toBe(-1);
  });

  it("matches *.domain on any subdomain before the first /", () => {
    expect(prefixMatchLength("a.wild.example/x", "*.wild.example")).toBe("a.wild.example".length);
    expect(prefixMatchLength("a.b.wild.example:5000/x", "*.wild.example")).toBe("a.b.wild.example".length);
    expect(prefixMatchLength("wild.example/x", "*.wild.example")).toBe(-1);
    expect(prefixMatchLength("r.io/a.wild.example/x", "*.wild.example")).toBe(-1);
    expect(prefixMatchLength("a.wild.examples/x", "*.wild.example")).toBe(-1);
  });

  it("picks the longest matching prefix", async () => {
    const c = config([[main, '[[registry]]\nprefix = "r.io"\nlocation = "one.io"\n[[registry]]\nprefix = "r.io/ns"\nlocation = "two.io"\n']]);
    expect(findRegistry("r.io/ns/app:1", c)?.location).toBe("two.io");
    expect(findRegistry("r.io/other/app", c)?.location).toBe("one.io");
    expect(findRegistry("s.io/ns/app", c)).toBeUndefined();
  });
});
