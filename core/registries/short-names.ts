import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../failure.ts";
import { parseNormalizedNamed, parseReference, referenceString, repositoryName, tagNameOnly, type Reference } from "../reference/index.ts";
import { printable } from "../text.ts";
import type { RegistriesConfig, ShortNameMode } from "./model.ts";
import { pullSources, type PullSource } from "./sources.ts";

/** The machine-written alias cache (`short-name-aliases.conf`): it wins over registries.conf. */
export interface AliasCache {
  readonly file: string;
  readonly aliases: Readonly<Record<string, string>>;
}

/** How a candidate was found. */
export type CandidateOrigin = "alias" | "search" | "fully-qualified";

/** One name to try, in order, with where to pull it from. */
export interface Candidate {
  /** The fully-qualified reference, e.g. `quay.io/podman/hello:latest`. */
  readonly name: string;
  readonly origin: CandidateOrigin;
  /** The file that gave the alias or the search registries. */
  readonly file?: string;
  /** Mirrors first, then the primary location; empty when blocked. */
  readonly sources: ReadonlyArray<PullSource>;
  /** Why the candidate cannot be pulled from at all (a blocked registry). */
  readonly blocked?: string;
  /** Whether a successful pull should record this choice in the alias cache. */
  readonly record: boolean;
}

/** What a name means: candidates in order, and whether a person must choose among them. */
export interface ResolutionPlan {
  readonly input: string;
  /** The repository part of a short name, as aliases are keyed (`foo/x` for `foo/x:1`). */
  readonly shortName?: string;
  readonly mode: ShortNameMode;
  readonly candidates: ReadonlyArray<Candidate>;
  /** True when a terminal is attached and several candidates remain: the CLI prompts. */
  readonly ask: boolean;
}

/** Why a name could not be resolved. */
export type ResolutionError = Failure<"INVALID_REFERENCE" | "SHORT_NAME_UNRESOLVED" | "SHORT_NAME_ENFORCED">;

/** What the resolver needs to know about the moment. */
export interface ResolutionContext {
  /** Whether stdin and stdout are a terminal (the CLI finds out; the core is told). */
  readonly tty: boolean;
  readonly aliasCache?: AliasCache;
}

/** Whether a parsed (not normalised) name starts with a registry: a `.` or `:` in its domain, or `localhost`. */
export const hasRegistry = (ref: Reference): boolean => /[.:]/.test(ref.domain) || ref.domain === "localhost";

const invalid = (input: string, message: string): ResolutionError =>
  failure("INVALID_REFERENCE", `parsing "${printable(input)}": ${message}`);

/** A short name's repository and the alias (if any) that names it. */
const findAlias = (repo: string, config: RegistriesConfig, ctx: ResolutionContext): { value: string; file: string } | undefined => {
  const cached = ctx.aliasCache?.aliases[repo];
  if (cached !== undefined && cached !== "" && ctx.aliasCache !== undefined) return { value: cached, file: ctx.aliasCache.file };
  return config.aliases[repo];
};

/** `repository` + the tag and digest the user typed, normalised; `latest` when neither. */
const qualify = (repository: string, typed: Reference): E.Either<string, Reference> => {
  const suffix = (typed.tag === undefined ? "" : `:${typed.tag}`) + (typed.digest === undefined ? "" : `@${typed.digest}`);
  const r = parseNormalizedNamed(repository + suffix);
  return E.isLeft(r) ? E.left(r.left.message) : E.right(tagNameOnly(r.right));
};

const candidate =
  (config: RegistriesConfig, origin: CandidateOrigin, file: string | undefined, record: boolean) =>
  (ref: Reference): Candidate => {
    const sources = pullSources(config)(ref);
    return {
      name: referenceString(ref),
      origin,
      ...(file === undefined ? {} : { file }),
      sources: E.isRight(sources) ? sources.right : [],
      ...(E.isLeft(sources) ? { blocked: sources.left.message } : {}),
      record,
    };
  };

/**
 * Resolves what a user typed into the names to try, as podman does:
 * a fully-qualified name is itself; a short name goes to its alias (the cache
 * first, then registries.conf), else to every unqualified-search registry in
 * order, subject to `short-name-mode`. Prompting is left to the caller.
 */
export const resolveShortName = (input: string, config: RegistriesConfig, ctx: ResolutionContext): E.Either<ResolutionError, ResolutionPlan> => {
  const plan = (candidates: ReadonlyArray<Candidate>, ask = false, shortName?: string): E.Either<ResolutionError, ResolutionPlan> =>
    E.right({ input, ...(shortName === undefined ? {} : { shortName }), mode: config.shortNameMode, candidates, ask });
  const parsed = parseReference(input);
  if (E.isLeft(parsed)) return E.left(invalid(input, parsed.left.message));
  const typed = parsed.right;

  if (hasRegistry(typed)) {
    const full = parseNormalizedNamed(input);
    if (E.isLeft(full)) return E.left(invalid(input, full.left.message));
    return plan([candidate(config, "fully-qualified", undefined, false)(tagNameOnly(full.right))]);
  }

  const repo = repositoryName(typed);
  const alias = findAlias(repo, config, ctx);
  if (alias !== undefined) {
    const ref = qualify(alias.value, typed);
    if (E.isLeft(ref)) return E.left(invalid(input, ref.left));
    return plan([candidate(config, "alias", alias.file, false)(ref.right)], false, repo);
  }

  const registries = config.unqualifiedSearchRegistries;
  if (registries.length === 0) {
    return E.left(
      failure(
        "SHORT_NAME_UNRESOLVED",
        `short-name "${printable(input)}" did not resolve to an alias and no unqualified-search registries are defined in "${config.unqualifiedSearchRegistriesFile ?? config.primaryFile}"`,
      ),
    );
  }
  const refs: Reference[] = [];
  for (const registry of registries) {
    const ref = qualify(`${registry}/${repo}`, typed);
    if (E.isLeft(ref)) return E.left(invalid(input, ref.left));
    refs.push(ref.right);
  }
  const candidates = refs.map(candidate(config, "search", config.unqualifiedSearchRegistriesFile, false));
  if (config.shortNameMode === "disabled" || candidates.length === 1) return plan(candidates, false, repo);
  if (!ctx.tty) {
    return config.shortNameMode === "enforcing"
      ? E.left(failure("SHORT_NAME_ENFORCED", "short-name resolution enforced but cannot prompt without a TTY"))
      : plan(candidates, false, repo);
  }
  return plan(candidates, true, repo);
};

/** The plan after a person picked candidate `index`: that one alone, to be recorded as an alias once pulled. */
export const chooseCandidate =
  (index: number) =>
  (plan: ResolutionPlan): ResolutionPlan => {
    const chosen = plan.candidates[index];
    return chosen === undefined ? plan : { ...plan, ask: false, candidates: [{ ...chosen, record: true }] };
  };
