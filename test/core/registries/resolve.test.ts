import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import {
  chooseCandidate,
  findLocalImage,
  localLookupOrder,
  pullSources,
  resolveShortName,
  type RegistriesConfig,
  type ResolutionPlan,
} from "../../../core/registries/index.ts";
import { parseNormalizedNamed, type Reference } from "../../../core/reference/index.ts";
import { config, fixtureText } from "./fixtures.ts";

const main = "/etc/containers/registries.conf";
const digest = `sha256:${"a".repeat(64)}`;

const ref = (s: string): Reference => {
  const r = parseNormalizedNamed(s);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};
const sources = (c: RegistriesConfig, s: string) => {
  const r = pullSources(c)(ref(s));
  return E.isLeft(r) ? r.left.message : r.right.map((x) => `${x.mirror ? "mirror" : "primary"} ${x.reference}${x.insecure ? " insecure" : ""}`);
};

describe("pull sources", () => {
  it("lists mirrors in file order, then the primary location, with the prefix rewritten", async () => {
    const c = config([[main, await fixtureText("example.conf")]]);
    expect(sources(c, "example.com/foo/image:latest")).toEqual([
      "mirror example-mirror-0.local/mirror-for-foo/image:latest",
      "mirror example-mirror-1.local/mirrors/foo/image:latest insecure",
      "primary internal-registry-for-example.com/bar/image:latest",
    ]);
  });

  it("uses mirror-by-digest-only mirrors for digest pulls only", async () => {
    const c = config([[main, await fixtureText("example.conf")]]);
    expect(sources(c, "docker.io/library/alpine:3")).toEqual(["primary docker.io/library/alpine:3"]);
    expect(sources(c, `alpine@${digest}`)).toEqual([`mirror hub-mirror.local/library/alpine@${digest}`, `primary docker.io/library/alpine@${digest}`]);
  });

  it("honours pull-from-mirror per mirror", async () => {
    const c = config([[main, await fixtureText("pull-from-mirror.conf")]]);
    expect(sources(c, "quay.io/app/web:1")).toEqual(["mirror tags.local/app/web:1", "mirror all.local/app/web:1", "primary quay.io/app/web:1"]);
    expect(sources(c, `quay.io/app/web@${digest}`)).toEqual([
      `mirror digests.local/app/web@${digest}`,
      `mirror all.local/app/web@${digest}`,
      `primary quay.io/app/web@${digest}`,
    ]);
  });

  it("keeps the name's own host for a wildcard prefix without location", async () => {
    const c = config([[main, await fixtureText("example.conf")]]);
    expect(sources(c, "a.wild.example/x/y:1")).toEqual(["mirror wild-mirror.local/x/y:1", "primary a.wild.example/x/y:1"]);
  });

  it("refuses a blocked registry and names the file", async () => {
    const c = config([[main, await fixtureText("example.conf")]]);
    expect(sources(c, "blocked.example.net/x:1")).toBe(`registry blocked.example.net is blocked in ${main}`);
  });

  it("gives the name itself when no table matches", () => {
    expect(sources(config([[main, ""]]), "quay.io/x")).toEqual(["primary quay.io/x"]);
  });
});

const resolve = (c: RegistriesConfig, input: string, tty = false, aliasCache?: { file: string; aliases: Record<string, string> }) =>
  resolveShortName(input, c, { tty, ...(aliasCache === undefined ? {} : { aliasCache }) });
const names = (r: E.Either<{ message: string }, ResolutionPlan>) => (E.isLeft(r) ? r.left.message : r.right.candidates.map((c) => c.name));

describe("short-name resolution", () => {
  const searching = (mode: string) =>
    config([[main, `unqualified-search-registries = ["registry.example.org", "quay.io", "docker.io"]\nshort-name-mode = "${mode}"\n`]]);

  it("takes a fully-qualified name as the one candidate, tagged latest", () => {
    const r = resolve(searching("enforcing"), "quay.io/podman/hello");
    expect(E.isRight(r) && r.right.candidates).toEqual([
      { name: "quay.io/podman/hello:latest", origin: "fully-qualified", sources: [{ reference: "quay.io/podman/hello:latest", insecure: false, mirror: false }], record: false },
    ]);
    expect(names(resolve(searching("enforcing"), "localhost/app:1"))).toEqual(["localhost/app:1"]);
    expect(names(resolve(searching("enforcing"), "docker.io/alpine"))).toEqual(["docker.io/library/alpine:latest"]);
  });

  it("tries the search registries in order in permissive mode without a terminal", () => {
    expect(names(resolve(searching("permissive"), "app:2"))).toEqual(["registry.example.org/app:2", "quay.io/app:2", "docker.io/library/app:2"]);
    expect(names(resolve(searching("permissive"), `ns/app@${digest}`))).toEqual([
      `registry.example.org/ns/app@${digest}`,
      `quay.io/ns/app@${digest}`,
      `docker.io/ns/app@${digest}`,
    ]);
  });

  it("refuses in enforcing mode without a terminal", () => {
    expect(names(resolve(searching("enforcing"), "app"))).toBe("short-name resolution enforced but cannot prompt without a TTY");
  });

  it("returns all in disabled mode, and asks with a terminal otherwise", () => {
    expect(names(resolve(searching("disabled"), "app", true))).toHaveLength(3);
    const asked = resolve(searching("enforcing"), "app", true);
    expect(E.isRight(asked) && asked.right.ask).toBe(true);
    if (E.isRight(asked)) {
      const chosen = chooseCandidate(1)(asked.right);
      expect(chosen.candidates).toEqual([{ ...asked.right.candidates[1], record: true }]);
      expect(chosen.ask).toBe(false);
    }
  });

  it("uses the only search registry without asking", () => {
    const c = config([[main, 'unqualified-search-registries = ["quay.io"]\nshort-name-mode = "enforcing"\n']]);
    expect(names(resolve(c, "app", true))).toEqual(["quay.io/app:latest"]);
  });

  it("stops at an alias, carrying the tag or digest over", async () => {
    const c = config([[main, await fixtureText("example.conf")]]);
    const r = resolve(c, "fedora:39");
    expect(E.isRight(r) && r.right.candidates.map((x) => [x.name, x.origin, x.file])).toEqual([["registry.fedoraproject.org/fedora:39", "alias", main]]);
    expect(names(resolve(c, `tools/jq@${digest}`))).toEqual([`quay.io/tools/jq@${digest}`]);
  });

  it("prefers the machine-written alias cache to registries.conf", async () => {
    const c = config([[main, await fixtureText("example.conf")]]);
    const r = resolve(c, "fedora", false, { file: "/var/cache/containers/short-name-aliases.conf", aliases: { fedora: "quay.io/fedora/fedora" } });
    expect(E.isRight(r) && r.right.candidates.map((x) => [x.name, x.file])).toEqual([["quay.io/fedora/fedora:latest", "/var/cache/containers/short-name-aliases.conf"]]);
  });

  it("explains a short name with no alias and no search registries, naming the file", () => {
    expect(names(resolve(config([[main, ""]]), "app"))).toBe(
      `short-name "app" did not resolve to an alias and no unqualified-search registries are defined in "${main}"`,
    );
  });

  it("marks a blocked candidate instead of giving sources", async () => {
    const c = config([[main, 'unqualified-search-registries = ["blocked.example.net", "quay.io"]\n[[registry]]\nlocation = "blocked.example.net"\nblocked = true\n']]);
    const r = resolve(c, "x");
    expect(E.isRight(r) && r.right.candidates.map((x) => [x.name, x.blocked ?? "ok", x.sources.length])).toEqual([
      ["blocked.example.net/x:latest", `registry blocked.example.net is blocked in ${main}`, 0],
      ["quay.io/x:latest", "ok", 1],
    ]);
  });

  it("refuses invalid input with the reference error", () => {
    expect(names(resolve(searching("permissive"), "Bad Name"))).toBe('parsing "Bad Name": invalid reference format');
  });
});

describe("local lookup", () => {
  const c = config([[main, 'unqualified-search-registries = ["quay.io", "docker.io"]\n[aliases]\n"web" = "registry.example.org/team/web"\n']]);
  const id1 = "1".repeat(64);
  const id2 = "12".padEnd(64, "3");

  it("orders alias, localhost, search registries, docker.io, then ID, then suffix", () => {
    expect(localLookupOrder("web", c)).toEqual(
      E.right({
        names: ["registry.example.org/team/web:latest", "localhost/web:latest", "quay.io/web:latest", "docker.io/library/web:latest"],
        suffix: "web:latest",
      }),
    );
    expect(localLookupOrder("abc", c)).toEqual(
      E.right({ names: ["localhost/abc:latest", "quay.io/abc:latest", "docker.io/library/abc:latest"], idPrefix: "abc", suffix: "abc:latest" }),
    );
    expect(localLookupOrder(`sha256:${id1}`, c)).toEqual(E.right({ names: [], idPrefix: id1 }));
    expect(localLookupOrder("quay.io/x", c)).toEqual(E.right({ names: ["quay.io/x:latest"] }));
  });

  it("finds by name first, then ID prefix, then a suffix at a / boundary", () => {
    const images = [
      { id: id1, names: ["quay.io/abc:latest"] },
      { id: id2, names: ["example.org/team/tool:1", "example.org/team/other:1"] },
    ];
    const find = (input: string) => {
      const plan = localLookupOrder(input, c);
      if (E.isLeft(plan)) return plan.left.message;
      const r = findLocalImage(input, plan.right)(images);
      return E.isLeft(r) ? r.left.message : r.right.id;
    };
    expect(find("abc")).toBe(id1);
    expect(find("123")).toBe(id2);
    expect(find("1")).toBe(`"1" matches several images: ${id1.slice(0, 12)}, ${id2.slice(0, 12)}`);
    expect(find("tool:1")).toBe(id2);
    expect(find("team/tool:1")).toBe(id2);
    expect(find("ool:1")).toBe("ool:1: image not known");
  });
});
