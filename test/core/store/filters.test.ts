import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileFilters, globMatch, parseDuration, parseTimestamp, type StoreState } from "../../../core/store/index.ts";
import { anyString, runs } from "../arbitraries.ts";
import { ctr, img, lookup, state } from "./fixtures.ts";

const base = img("base", { names: ["docker.io/library/base:1"], created: "2024-01-01T00:00:00Z", diffIds: ["sha256:a"], history: ["ha"], labels: { tier: "base" } });
const mid = img("mid", { names: [], created: "2024-02-01T00:00:00Z", diffIds: ["sha256:a", "sha256:b"], history: ["ha", "hb"] });
const app = img("app", {
  names: ["quay.io/team/app:2", "localhost/app:latest"],
  created: "2024-03-01T00:00:00Z",
  diffIds: ["sha256:a", "sha256:b", "sha256:c"], history: ["ha", "hb", "hc"],
  labels: { tier: "front", "org.example.version": "2.1" },
});
const lone = img("lone", { names: [], created: "2024-04-01T00:00:00Z", diffIds: ["sha256:z"], history: ["hz"] });
const world: StoreState = state([base, mid, app, lone], [ctr("web", app)]);
const now = Date.parse("2024-05-01T00:00:00Z");

const select = (filters: string[], s: StoreState = world): string[] | string => {
  const c = compileFilters(filters);
  if (E.isLeft(c)) return c.left.message;
  const p = c.right.bind({
    images: s.images,
    containers: s.containers,
    now,
    lookup: (name) => {
      const r = lookup(name, s.images);
      return E.isRight(r) ? r.right.image.id : undefined;
    },
  });
  if (E.isLeft(p)) return p.left.message;
  return s.images.filter(p.right).map((i) => (i === base ? "base" : i === mid ? "mid" : i === app ? "app" : "lone"));
};

describe("image filters", () => {
  it("before, after and since compare creation with a named image", () => {
    expect(select(["before=quay.io/team/app:2"])).toEqual(["base", "mid"]);
    expect(select(["since=base:1"])).toEqual(["mid", "app", "lone"]);
    expect(select(["after=base:1", "before=app"])).toEqual(["mid"]);
    expect(select(["before=nothere"])).toBe('invalid filter "before=nothere": no such image "nothere"');
  });

  it("until takes durations, RFC 3339 and Unix seconds", () => {
    expect(select(["until=2024-02-15T00:00:00Z"])).toEqual(["base", "mid"]);
    expect(select(["until=2024-02-15"])).toEqual(["base", "mid"]);
    expect(select([`until=${Date.parse("2024-02-15T00:00:00Z") / 1000}`])).toEqual(["base", "mid"]);
    expect(select(["until=1000h"])).toEqual(["base", "mid", "app"]);
    expect(select(["until=soon"])).toMatch(/^invalid filter "until=soon": expected a duration/);
  });

  it("dangling is no names and no children; intermediate is no names with children", () => {
    expect(select(["dangling=true"])).toEqual(["lone"]);
    expect(select(["dangling=false"])).toEqual(["base", "mid", "app"]);
    expect(select(["intermediate=true"])).toEqual(["mid"]);
    expect(select(["dangling=maybe"])).toBe('invalid filter "dangling=maybe": expected true or false');
  });

  it("id and digest match prefixes", () => {
    expect(select([`id=${app.id.slice(0, 6)}`])).toEqual(["app"]);
    expect(select([`digest=${app.manifestDigest.slice(0, 15)}`])).toEqual(["app"]);
    expect(select(["id=xyz"])).toBe('invalid filter "id=xyz": expected an image ID or prefix');
  });

  it("label takes a key, key=value and globs", () => {
    expect(select(["label=tier"])).toEqual(["base", "app"]);
    expect(select(["label=tier=front"])).toEqual(["app"]);
    expect(select(["label=org.example.*"])).toEqual(["app"]);
    expect(select(["label=tier=f*"])).toEqual(["app"]);
    expect(select(["label!=tier=front"])).toEqual(["base", "mid", "lone"]);
  });

  it("reference globs over the name forms; positives OR, negatives AND-NOT", () => {
    expect(select(["reference=app"])).toEqual(["app"]);
    expect(select(["reference=team/*"])).toEqual(["app"]);
    expect(select(["reference=*/*/app:2"])).toEqual(["app"]);
    expect(select(["reference=base:1"])).toEqual(["base"]);
    expect(select(["reference=base", "reference=app"])).toEqual(["base", "app"]);
    expect(select(["reference=*", "reference!=quay.io/*/*"])).toEqual(["base"]);
    expect(select(["reference!=base"])).toEqual(["mid", "app", "lone"]);
    expect(select(["reference=docker.io/library/base:1"])).toEqual(["base"]);
  });

  it("containers and manifest", () => {
    expect(select(["containers=true"])).toEqual(["app"]);
    expect(select(["containers=false"])).toEqual(["base", "mid", "lone"]);
    expect(select(["manifest=false"])).toEqual(["base", "mid", "app", "lone"]);
  });

  it("several filters of one key all hold too (podman 5, docker)", () => {
    expect(select(["label=tier", "label=org.example.version=2.1"])).toEqual(["app"]);
    expect(select(["label=tier=base", "label=tier=front"])).toEqual([]);
  });

  it("different keys all hold", () => {
    expect(select(["label=tier", "dangling=false", "before=app"])).toEqual(["base"]);
  });

  it("refuses unknown keys and malformed filters", () => {
    expect(select(["colour=red"])).toMatch(/^invalid filter "colour=red": unknown filter key/);
    expect(select(["dangling"])).toBe('invalid filter "dangling": expected KEY=VALUE or KEY!=VALUE');
    expect(select(["=x"])).toBe('invalid filter "=x": expected KEY=VALUE or KEY!=VALUE');
  });

  it("a negated filter is the exact complement of the filter", () => {
    const filter = fc.constantFrom(
      "dangling=true",
      "intermediate=true",
      "containers=true",
      "label=tier",
      "label=tier=front",
      `id=${app.id.slice(0, 4)}`,
      "before=app",
      "since=base:1",
      "until=2024-02-15",
      `digest=${base.manifestDigest.slice(0, 12)}`,
      "reference=app",
      "reference=*base*",
    );
    fc.assert(
      fc.property(filter, (f) => {
        const yes = select([f]);
        const no = select([f.replace("=", "!=")]);
        expect(Array.isArray(yes) && Array.isArray(no)).toBe(true);
        if (Array.isArray(yes) && Array.isArray(no)) {
          expect([...yes, ...no].sort()).toEqual(["app", "base", "lone", "mid"]);
          expect(yes.filter((x) => no.includes(x))).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("never throws on arbitrary filter strings", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(anyString, fc.constantFrom("label=", "reference=", "until=", "before=").chain((k) => anyString.map((s) => k + s))), { maxLength: 3 }), (fs) => {
        const r = select(fs);
        expect(typeof r === "string" ? !r.includes("\n") : Array.isArray(r)).toBe(true);
      }),
      runs,
    );
  });
});

describe("globs and times", () => {
  it("matches like Go's path.Match", () => {
    expect(globMatch("a*c", "abbc")).toBe(true);
    expect(globMatch("a*c", "ab/c")).toBe(false);
    expect(globMatch("a?c", "abc")).toBe(true);
    expect(globMatch("[a-c]x", "bx")).toBe(true);
    expect(globMatch("[^a-c]x", "bx")).toBe(false);
    expect(globMatch("a\\*", "a*")).toBe(true);
    expect(globMatch("[", "[")).toBe(false);
    expect(globMatch("*/*", "a/b")).toBe(true);
  });

  it("runs in polynomial time on hostile patterns", () => {
    expect(globMatch("*a".repeat(200) + "b", "a".repeat(5000))).toBe(false);
  });

  it("parses Go durations and timestamps", () => {
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("1.5s")).toBe(1500);
    expect(parseDuration("10")).toBeUndefined();
    expect(parseTimestamp("2024-01-01T00:00:00Z", 0)).toBe(Date.parse("2024-01-01T00:00:00Z"));
    expect(parseTimestamp("2024-01-01T01:00:00+01:00", 0)).toBe(Date.parse("2024-01-01T00:00:00Z"));
    expect(parseTimestamp("10m", 1_000_000)).toBe(400_000);
  });

  it("never throws on arbitrary globs and times", () => {
    fc.assert(
      fc.property(anyString, anyString, (p, t) => {
        expect(typeof globMatch(p, t)).toBe("boolean");
        const ts = parseTimestamp(p, 0);
        expect(ts === undefined || typeof ts === "number").toBe(true);
      }),
      runs,
    );
  });
});
