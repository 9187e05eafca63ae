import * as E from "fp-ts/lib/Either.js";
import { parseDigest } from "./digest.ts";
import { referenceError, type ReferenceError } from "./error.ts";
import { goLower, isDomainAndPort, isReferenceDigest, isRemoteName, isTag } from "./grammar.ts";
import type { Reference } from "./model.ts";

/** Upstream `NameTotalLengthMax`: the longest repository path accepted. */
export const nameTotalLengthMax = 255;

interface Match {
  readonly domain: string;
  readonly path: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

/** Splits a name into domain and path the way the anchored name pattern captures them. */
const matchName = (name: string): { domain: string; path: string } | undefined => {
  const slash = name.indexOf("/");
  // The optional domain group is greedy: a first component that is a valid domain is the domain.
  if (slash > 0 && isDomainAndPort(name.slice(0, slash)) && isRemoteName(name.slice(slash + 1))) {
    return { domain: name.slice(0, slash), path: name.slice(slash + 1) };
  }
  return isRemoteName(name) ? { domain: "", path: name } : undefined;
};

/**
 * Whether `s` matches `name [":" tag] ["@" digest]` in full, and how. The parts
 * cannot overlap ambiguously: no part but the digest holds `@`, and a tag holds
 * neither `:` nor `/`, so a tag is whatever follows the last `:` when no `/` does.
 */
const matchReference = (s: string): Match | undefined => {
  const at = s.indexOf("@");
  const nameAndTag = at < 0 ? s : s.slice(0, at);
  const digest = at < 0 ? undefined : s.slice(at + 1);
  if (digest !== undefined && !isReferenceDigest(digest)) return undefined;
  const colon = nameAndTag.lastIndexOf(":");
  const hasTag = colon >= 0 && !nameAndTag.includes("/", colon);
  const name = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;
  if (tag !== undefined && !isTag(tag)) return undefined;
  const parts = matchName(name);
  return parts === undefined ? undefined : { ...parts, tag, digest };
};

/**
 * Parses a reference without normalising it, like upstream `reference.Parse`:
 * `foo/bar` has domain `foo`, and a first component with uppercase letters is
 * taken as a domain. Fails with upstream's messages.
 */
export const parseReference = (s: string): E.Either<ReferenceError, Reference> => {
  const m = matchReference(s);
  if (m === undefined) {
    if (s === "") return E.left(referenceError("name-empty", s));
    return E.left(referenceError(matchReference(goLower(s)) === undefined ? "invalid-format" : "name-contains-uppercase", s));
  }
  if (m.path.length > nameTotalLengthMax) return E.left(referenceError("name-too-long", s));
  const base: Reference = m.tag === undefined ? { domain: m.domain, path: m.path } : { domain: m.domain, path: m.path, tag: m.tag };
  if (m.digest === undefined) return E.right(base);
  const digest = parseDigest(m.digest);
  return E.isLeft(digest) ? E.left({ ...digest.left, input: s }) : E.right({ ...base, digest: digest.right });
};
