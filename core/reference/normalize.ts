import * as E from "fp-ts/lib/Either.js";
import { identifierAsName, remoteNameUppercase, type ReferenceError } from "./error.ts";
import { goLower, isIdentifier } from "./grammar.ts";
import { referenceString, type Reference } from "./model.ts";
import { parseReference } from "./parse.ts";

/** Docker Hub's canonical domain. */
export const defaultDomain = "docker.io";
/** Docker Hub's legacy domain, rewritten to {@link defaultDomain}. */
export const legacyDefaultDomain = "index.docker.io";
/** The namespace of Docker Hub's official images. */
export const officialRepoPrefix = "library/";
/** The tag assumed when none is given. */
export const defaultTag = "latest";

/**
 * Upstream `splitDockerDomain`: a first component is a domain only if it has a
 * `.` or `:`, is `localhost`, or has uppercase letters; otherwise Docker Hub is
 * meant, with `library/` for single-component names.
 */
const splitDockerDomain = (name: string): { domain: string; remainder: string } => {
  const slash = name.indexOf("/");
  const first = slash < 0 ? "" : name.slice(0, slash);
  const looksLikeDomain = slash >= 0 && (/[.:]/.test(first) || first === "localhost" || goLower(first) !== first);
  const domain0 = looksLikeDomain ? first : defaultDomain;
  const remainder0 = looksLikeDomain ? name.slice(slash + 1) : name;
  const domain = domain0 === legacyDefaultDomain ? defaultDomain : domain0;
  const remainder = domain === defaultDomain && !remainder0.includes("/") ? officialRepoPrefix + remainder0 : remainder0;
  return { domain, remainder };
};

/**
 * Parses a name as a user types it and returns its fully-qualified form, like
 * upstream `ParseNormalizedNamed`: `ubuntu` → `docker.io/library/ubuntu`,
 * `index.docker.io/x/y` → `docker.io/x/y`. Refuses uppercase repository names
 * and a bare 64-hex string (that is an image ID, not a name).
 */
export const parseNormalizedNamed = (s: string): E.Either<ReferenceError, Reference> => {
  if (isIdentifier(s)) return E.left(identifierAsName(s));
  const { domain, remainder } = splitDockerDomain(s);
  const tagSep = remainder.indexOf(":");
  const remote = tagSep < 0 ? remainder : remainder.slice(0, tagSep);
  if (goLower(remote) !== remote) return E.left(remoteNameUppercase(remote, s));
  const parsed = parseReference(`${domain}/${remainder}`);
  return E.isLeft(parsed) ? E.left({ ...parsed.left, input: s }) : parsed;
};

/**
 * Upstream `familiarizeName`: drops `docker.io/`, and `library/` for
 * single-component official images.
 */
export const familiarName = (ref: Reference): Reference => {
  if (ref.domain !== defaultDomain) return ref;
  const rest = ref.path.startsWith(officialRepoPrefix) ? ref.path.slice(officialRepoPrefix.length) : undefined;
  return { ...ref, domain: "", path: rest !== undefined && !rest.includes("/") ? rest : ref.path };
};

/** Upstream `FamiliarString`: the short form people type, e.g. `ubuntu:22.04`. */
export const familiarString = (ref: Reference): string => referenceString(familiarName(ref));
