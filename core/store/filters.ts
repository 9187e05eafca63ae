import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../failure.ts";
import { parseReference, referenceString, repositoryName, trimmedName } from "../reference/index.ts";
import { printable } from "../text.ts";
import { globMatch } from "./glob.ts";
import type { ContainerRecord, ImageRecord } from "./records.ts";
import { parseTimestamp } from "./time.ts";
import { imageTree, type ImageTree } from "./tree.ts";

/** A filter that cannot be used: unknown key, bad value, or an image it names that is not there. */
export type FilterError = Failure<"INVALID_FILTER">;

/** What a filter may look at besides the image itself. */
export interface FilterContext {
  readonly images: ReadonlyArray<ImageRecord>;
  readonly containers: ReadonlyArray<ContainerRecord>;
  /** Milliseconds since the epoch: the caller's clock, for `until=DURATION`. */
  readonly now: number;
  /** Resolves what a user typed to a local image ID (the store's lookup), for before/after/reference. */
  readonly lookup: (name: string) => string | undefined;
}

/** A predicate over images, ready to use. */
export type ImagePredicate = (image: ImageRecord) => boolean;

/** Filters whose syntax is checked; binding them to a store state resolves the images they name. */
export interface CompiledFilters {
  readonly bind: (ctx: FilterContext) => E.Either<FilterError, ImagePredicate>;
}

const invalid = (filter: string, why: string): FilterError => failure("INVALID_FILTER", `invalid filter "${printable(filter)}": ${why}`);

type Bound = (ctx: FilterContext) => E.Either<FilterError, ImagePredicate>;

const always = (p: (ctx: FilterContext) => ImagePredicate): Bound => (ctx) => E.right(p(ctx));

const bool = (filter: string, value: string): E.Either<FilterError, boolean> =>
  value === "true" || value === "1" ? E.right(true) : value === "false" || value === "0" ? E.right(false) : E.left(invalid(filter, "expected true or false"));

const timeOf = (image: ImageRecord): number => (image.created === "" ? 0 : Date.parse(image.created));

/** The name forms a reference filter is matched against, as podman builds them. */
export const referenceCandidates = (name: string): ReadonlyArray<string> => {
  const parsed = parseReference(name);
  if (E.isLeft(parsed)) return [name];
  const ref = parsed.right;
  const full = referenceString(ref);
  const trimmed = referenceString(trimmedName(ref));
  const suffix = full.slice(trimmed.length);
  const lastOf = (s: string): string => s.slice(s.lastIndexOf("/") + 1);
  return [...new Set([full, ref.path, lastOf(full), ...(suffix === "" ? [] : [trimmed, ref.path + suffix, lastOf(trimmed)]), repositoryName(ref)])];
};

const referenceMatches = (ctx: FilterContext, pattern: string) => {
  const lookedUp = ctx.lookup(pattern);
  return (image: ImageRecord): boolean =>
    lookedUp === image.id || image.names.some((n) => referenceCandidates(n).some((c) => globMatch(pattern, c)));
};

const labelMatches = (spec: string) => {
  const eq = spec.indexOf("=");
  const key = eq < 0 ? spec : spec.slice(0, eq);
  const value = eq < 0 ? undefined : spec.slice(eq + 1);
  return (image: ImageRecord): boolean =>
    Object.entries(image.labels).some(([k, v]) => (k === key || globMatch(key, k)) && (value === undefined || v === value || globMatch(value, v)));
};

const relativeTo =
  (filter: string, value: string, compare: (created: number, pivot: number) => boolean): Bound =>
  (ctx) => {
    const id = ctx.lookup(value);
    const pivot = ctx.images.find((i) => i.id === id);
    return pivot === undefined ? E.left(invalid(filter, `no such image "${printable(value)}"`)) : E.right((image) => compare(timeOf(image), timeOf(pivot)));
  };

/** One filter's meaning, negation aside; reference filters are handled together. */
const single = (filter: string, key: string, value: string): E.Either<FilterError, Bound> => {
  switch (key) {
    case "before":
      return E.right(relativeTo(filter, value, (created, pivot) => created < pivot));
    case "after":
    case "since":
      return E.right(relativeTo(filter, value, (created, pivot) => created > pivot));
    case "until":
      return E.right((ctx) => {
        const t = parseTimestamp(value, ctx.now);
        return t === undefined
          ? E.left(invalid(filter, "expected a duration (10m, 2h), an RFC 3339 time or Unix seconds"))
          : E.right((image: ImageRecord) => timeOf(image) < t);
      });
    case "dangling":
      return E.map((want: boolean) => always((ctx) => ((tree: ImageTree) => (image: ImageRecord) => tree.isDangling(image) === want)(imageTree(ctx.images))))(bool(filter, value));
    case "intermediate":
      return E.map((want: boolean) => always((ctx) => ((tree: ImageTree) => (image: ImageRecord) => tree.isIntermediate(image) === want)(imageTree(ctx.images))))(bool(filter, value));
    case "containers":
      return E.map((want: boolean) => always((ctx) => (image) => ctx.containers.some((c) => c.imageId === image.id) === want))(bool(filter, value));
    case "manifest":
      return E.map((want: boolean) => always(() => (image) => image.manifestMediaType.includes("index") || image.manifestMediaType.includes("list") ? want : !want))(
        bool(filter, value),
      );
    case "id": {
      const prefix = value.replace(/^sha256:/, "");
      return /^[a-f0-9]+$/.test(prefix) ? E.right(always(() => (image) => image.id.startsWith(prefix))) : E.left(invalid(filter, "expected an image ID or prefix"));
    }
    case "digest":
      return /^sha256:[a-f0-9]*$/.test(value)
        ? E.right(always(() => (image) => image.digests.some((d) => d.startsWith(value)) || image.manifestDigest.startsWith(value)))
        : E.left(invalid(filter, "expected sha256: and a digest or prefix"));
    case "label":
      return value === "" ? E.left(invalid(filter, "expected a label key or key=value")) : E.right(always(() => labelMatches(value)));
    default:
      return E.left(invalid(filter, "unknown filter key (known: after, before, containers, dangling, digest, id, intermediate, label, manifest, reference, since, until)"));
  }
};

/**
 * Compiles podman's image filters: `key=value` or `key!=value`. Different
 * filters must all hold; positive `reference` filters hold when any does, and
 * `reference!=` filters exclude what they match.
 */
export const compileFilters = (filters: ReadonlyArray<string>): E.Either<FilterError, CompiledFilters> => {
  const bound: Bound[] = [];
  const wantedRefs: string[] = [];
  const unwantedRefs: string[] = [];
  for (const f of filters) {
    const eq = f.indexOf("=");
    if (eq <= 0) return E.left(invalid(f, "expected KEY=VALUE or KEY!=VALUE"));
    const negated = f[eq - 1] === "!";
    const key = f.slice(0, negated ? eq - 1 : eq);
    const value = f.slice(eq + 1);
    if (key === "reference") {
      if (value === "") return E.left(invalid(f, "expected a name or pattern"));
      (negated ? unwantedRefs : wantedRefs).push(value);
      continue;
    }
    const b = single(f, key, value);
    if (E.isLeft(b)) return b;
    const one = b.right;
    bound.push(negated ? (ctx) => E.map((p: ImagePredicate) => (image: ImageRecord) => !p(image))(one(ctx)) : one);
  }
  if (wantedRefs.length + unwantedRefs.length > 0) {
    bound.push(
      always((ctx) => {
        const wanted = wantedRefs.map((v) => referenceMatches(ctx, v));
        const unwanted = unwantedRefs.map((v) => referenceMatches(ctx, v));
        return (image) => !unwanted.some((m) => m(image)) && (wanted.length === 0 || wanted.some((m) => m(image)));
      }),
    );
  }
  return E.right({
    bind: (ctx) => {
      const predicates: ImagePredicate[] = [];
      for (const b of bound) {
        const p = b(ctx);
        if (E.isLeft(p)) return p;
        predicates.push(p.right);
      }
      return E.right((image) => predicates.every((p) => p(image)));
    },
  });
};
