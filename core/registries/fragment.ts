import * as A from "fp-ts/lib/Array.js";
import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import { isDomainAndPort } from "../reference/grammar.ts";
import { printable } from "../text.ts";
import { checkAliases } from "./aliases.ts";
import type { RegistriesDocument } from "./document.ts";
import { configError, type RegistriesConfigError } from "./errors.ts";
import type { Mirror, PullFromMirror, RegistriesFragment, RegistryEntry, ShortNameMode } from "./model.ts";

/** A fragment validation outcome: the value, or the first problem. */
export type Result<A> = E.Either<RegistriesConfigError, A>;

/** Trims trailing `/` and refuses URL schemes, as containers/image does. */
const parseLocation = (file: string, key: string, input: string): Result<string> => {
  const trimmed = input.replace(/\/+$/, "");
  return /^https?:\/\//.test(trimmed)
    ? E.left(configError(file, `${key} "${printable(input)}": URI schemes are not supported`))
    : E.right(trimmed);
};

const isWildcard = (prefix: string): boolean => prefix.startsWith("*.");

const checkPrefix = (file: string, prefix: string): Result<string> => {
  if (isWildcard(prefix) && /[/@:]/.test(prefix)) {
    return E.left(configError(file, `wildcarded prefix should be in the format *.example.com, not "${printable(prefix)}"`));
  }
  if (prefix.slice(isWildcard(prefix) ? 2 : 0).includes("*")) {
    return E.left(configError(file, `prefix "${printable(prefix)}": a wildcard is only allowed as a leading "*." before a host name`));
  }
  return E.right(prefix);
};

const pullFromMirrorValues: ReadonlyArray<PullFromMirror> = ["all", "digest-only", "tag-only"];

const mirrorOf =
  (file: string, prefix: string, mirrorByDigestOnly: boolean) =>
  (m: { location?: string; insecure?: boolean; "pull-from-mirror"?: string }): Result<Mirror> =>
    pipe(
      parseLocation(file, "mirror location", m.location ?? ""),
      E.filterOrElse(
        (location) => location !== "",
        () => configError(file, `a mirror of registry "${printable(prefix)}" has no location`),
      ),
      E.chain((location) => {
        const pfm = m["pull-from-mirror"];
        if (pfm === undefined || pfm === "") return E.right({ location, insecure: m.insecure ?? false, pullFromMirror: undefined });
        if (mirrorByDigestOnly) {
          return E.left(
            configError(file, `registry "${printable(prefix)}" sets mirror-by-digest-only and its mirror "${printable(location)}" sets pull-from-mirror; use one of them`),
          );
        }
        return pullFromMirrorValues.includes(pfm as PullFromMirror)
          ? E.right({ location, insecure: m.insecure ?? false, pullFromMirror: pfm as PullFromMirror })
          : E.left(configError(file, `unsupported pull-from-mirror value "${printable(pfm)}" for mirror "${printable(location)}" (use all, digest-only or tag-only)`));
      }),
    );

type RegistryDocument = NonNullable<RegistriesDocument["registry"]>[number];

const registryOf =
  (file: string) =>
  (r: RegistryDocument): Result<RegistryEntry> =>
    pipe(
      E.Do,
      E.bind("location0", () => parseLocation(file, "location", r.location ?? "")),
      E.bind("prefix", ({ location0 }) =>
        r.prefix === undefined || r.prefix === ""
          ? location0 === ""
            ? E.left(configError(file, "a [[registry]] table sets neither prefix nor location"))
            : E.right(location0)
          : pipe(parseLocation(file, "prefix", r.prefix), E.chain((p) => checkPrefix(file, p))),
      ),
      E.chainFirst(({ prefix }) =>
        r["pull-from-mirror"] === undefined
          ? E.right(prefix)
          : E.left(configError(file, `pull-from-mirror must not be set for the non-mirror registry "${printable(prefix)}"`)),
      ),
      E.bind("mirrors", ({ prefix }) => A.traverse(E.Applicative)(mirrorOf(file, prefix, r["mirror-by-digest-only"] ?? false))(r.mirror ?? [])),
      E.map(({ location0, prefix, mirrors }) => ({
        file,
        prefix,
        location: location0 === "" && !isWildcard(prefix) ? prefix : location0,
        insecure: r.insecure ?? false,
        blocked: r.blocked ?? false,
        mirrorByDigestOnly: r["mirror-by-digest-only"] ?? false,
        mirrors,
      })),
    );

/**
 * Refuses one location listed twice with different `insecure` or `blocked`
 * settings; the message names every file involved.
 */
export const checkConflicts = (entries: ReadonlyArray<RegistryEntry>): Result<ReadonlyArray<RegistryEntry>> => {
  const key = (r: RegistryEntry): string => (r.location === "" ? r.prefix : r.location);
  for (const r of entries) {
    for (const other of entries) {
      if (key(r) !== key(other)) continue;
      const setting = r.insecure !== other.insecure ? "insecure" : r.blocked !== other.blocked ? "blocked" : undefined;
      if (setting !== undefined) {
        const files = [...new Set([r.file, other.file])].join(" and ");
        return E.left(configError(files, `registry "${printable(key(r))}" is defined multiple times with conflicting '${setting}' settings`));
      }
    }
  }
  return E.right(entries);
};

/** The first entry for each prefix: later duplicates in one file can never match. */
const firstPerPrefix = (entries: ReadonlyArray<RegistryEntry>): ReadonlyArray<RegistryEntry> =>
  entries.filter((r, i) => entries.findIndex((o) => o.prefix === r.prefix) === i);

const searchRegistry =
  (file: string) =>
  (s: string): Result<string> =>
    pipe(
      parseLocation(file, "unqualified-search-registries entry", s),
      E.filterOrElse(isDomainAndPort, (r) =>
        configError(file, `unqualified-search-registries entry "${printable(r)}" must be host[:port], without a path or scheme`),
      ),
    );

const shortNameModes: ReadonlyArray<ShortNameMode> = ["enforcing", "permissive", "disabled"];

const v1Lists = (doc: RegistriesDocument) => ({
  search: doc.registries?.search?.registries ?? [],
  insecure: doc.registries?.insecure?.registries ?? [],
  block: doc.registries?.block?.registries ?? [],
});

const hasV2 = (doc: RegistriesDocument): boolean =>
  ["unqualified-search-registries", "short-name-mode", "credential-helpers", "aliases", "registry"].some((k) => k in doc);

/** A v1 document (`[registries.search]`, `.insecure`, `.block`) in v2 terms. */
const fromV1 = (file: string, doc: RegistriesDocument): Result<RegistriesFragment> => {
  const { search, insecure, block } = v1Lists(doc);
  const locations = [...new Set([...block, ...insecure].map((l) => l.replace(/\/+$/, "")))];
  return pipe(
    E.Do,
    E.bind("registries", () =>
      A.traverse(E.Applicative)((l: string) =>
        pipe(
          parseLocation(file, "registry", l),
          E.map(
            (location): RegistryEntry => ({
              file,
              prefix: location,
              location,
              insecure: insecure.some((i) => i.replace(/\/+$/, "") === location),
              blocked: block.some((b) => b.replace(/\/+$/, "") === location),
              mirrorByDigestOnly: false,
              mirrors: [],
            }),
          ),
        ),
      )(locations),
    ),
    E.bind("usr", () => A.traverse(E.Applicative)(searchRegistry(file))(search)),
    E.map(({ registries, usr }) => ({
      file,
      aliases: {},
      registries,
      ...(doc.registries?.search === undefined ? {} : { unqualifiedSearchRegistries: usr }),
    })),
  );
};

/**
 * Validates one decoded registries.conf and returns what it says, as
 * containers-registries.conf(5) defines it. v1 files are converted; a file
 * that mixes v1 and v2 keys is refused.
 */
export const registriesFragment =
  (file: string) =>
  (doc: RegistriesDocument): Result<RegistriesFragment> => {
    const v1 = v1Lists(doc);
    const hasV1 = v1.search.length + v1.insecure.length + v1.block.length > 0;
    if (hasV1 && hasV2(doc)) return E.left(configError(file, "mixing v1 ([registries.*]) and v2 keys in one file is not supported"));
    if (hasV1) return fromV1(file, doc);
    const mode = doc["short-name-mode"];
    if (mode !== undefined && mode !== "" && !shortNameModes.includes(mode as ShortNameMode)) {
      return E.left(configError(file, `short-name-mode "${printable(mode)}" is not one of enforcing, permissive, disabled`));
    }
    return pipe(
      E.Do,
      E.bind("registries", () =>
        pipe(A.traverse(E.Applicative)(registryOf(file))(doc.registry ?? []), E.chain(checkConflicts), E.map(firstPerPrefix)),
      ),
      E.bind("usr", () => A.traverse(E.Applicative)(searchRegistry(file))(doc["unqualified-search-registries"] ?? [])),
      E.bind("aliases", () => checkAliases(file, doc.aliases ?? {})),
      E.map(({ registries, usr, aliases }) => ({
        file,
        aliases,
        registries,
        ...("unqualified-search-registries" in doc ? { unqualifiedSearchRegistries: usr } : {}),
        ...(mode === undefined || mode === "" ? {} : { shortNameMode: mode as ShortNameMode }),
        ...(doc["credential-helpers"] === undefined ? {} : { credentialHelpers: doc["credential-helpers"] }),
      })),
    );
  };
