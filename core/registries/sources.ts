import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../failure.ts";
import { parseNormalizedNamed, referenceString, type Reference } from "../reference/index.ts";
import { findRegistry, prefixMatchLength } from "./match.ts";
import type { RegistriesConfig, RegistryEntry } from "./model.ts";

/** One place to try when pulling: the reference there, and how to reach it. */
export interface PullSource {
  /** The fully-qualified reference at this location, e.g. `mirror.local/lib/alpine:3`. */
  readonly reference: string;
  readonly insecure: boolean;
  readonly mirror: boolean;
}

/** Why no pull sources could be given. */
export type PullSourceError = Failure<"BLOCKED_REGISTRY" | "INVALID_REFERENCE">;

const rewrite = (ref: string, entry: RegistryEntry, location: string): E.Either<PullSourceError, string> => {
  const matched = prefixMatchLength(ref, entry.prefix);
  if (location === "") return E.right(ref);
  const rewritten = location + ref.slice(matched);
  const parsed = parseNormalizedNamed(rewritten);
  return E.isLeft(parsed)
    ? E.left(failure("INVALID_REFERENCE", `${entry.file}: rewriting "${ref}" for prefix "${entry.prefix}" gives "${rewritten}": ${parsed.left.message}`))
    : E.right(referenceString(parsed.right));
};

/**
 * Where to pull a fully-qualified reference from: the mirrors of its
 * `[[registry]]` table in file order (by `pull-from-mirror` and
 * `mirror-by-digest-only`), then the primary location, each with the prefix
 * replaced. A blocked registry is an error naming the file.
 */
export const pullSources =
  (config: Pick<RegistriesConfig, "registries">) =>
  (ref: Reference): E.Either<PullSourceError, ReadonlyArray<PullSource>> => {
    const name = referenceString(ref);
    const entry = findRegistry(name, config);
    if (entry === undefined) return E.right([{ reference: name, insecure: false, mirror: false }]);
    if (entry.blocked) return E.left(failure("BLOCKED_REGISTRY", `registry ${entry.prefix} is blocked in ${entry.file}`));
    const byDigest = ref.digest !== undefined;
    const mirrors = entry.mirrors.filter((m) =>
      entry.mirrorByDigestOnly
        ? byDigest
        : m.pullFromMirror === "digest-only"
          ? byDigest
          : m.pullFromMirror === "tag-only"
            ? !byDigest
            : true,
    );
    const endpoints = [
      ...mirrors.map((m) => ({ location: m.location, insecure: m.insecure, mirror: true })),
      { location: entry.location, insecure: entry.insecure, mirror: false },
    ];
    const out: PullSource[] = [];
    for (const ep of endpoints) {
      const r = rewrite(name, entry, ep.location);
      if (E.isLeft(r)) return r;
      out.push({ reference: r.right, insecure: ep.insecure, mirror: ep.mirror });
    }
    return E.right(out);
  };
