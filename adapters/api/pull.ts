import * as E from "fp-ts/lib/Either.js";
import type { CopyPlan } from "../../core/copy/index.ts";
import { failure, type Failure } from "../../core/failure.ts";
import type { Platform } from "../../core/manifest/index.ts";
import { parseNormalizedNamed, repositoryName } from "../../core/reference/index.ts";
import { resolveShortName, type AliasCache, type ResolutionPlan } from "../../core/registries/index.ts";
import type { ImageRecord } from "../../core/store/index.ts";
import { registryClient } from "../../plugins/docker/registry.ts";
import { registrySignatureSources } from "../../plugins/docker/signature-store.ts";
import { registrySource } from "../../plugins/docker/transport.ts";
import { storeDestination } from "../../plugins/store/transport.ts";
import { policyCheck } from "../config/policy.ts";
import { loadAliasCache, recordAlias } from "../config/registries.ts";
import { copyImage, dryRunCopy, type CopyEvent, type CopyFailure } from "../copy/engine.ts";
import { readState } from "../store/store.ts";
import type { BerthContext, RegistryAccess } from "./context.ts";
import { engineOptions } from "./copy.ts";
import { subjectFor } from "./policy-identity.ts";
import { dockerPlugin } from "../../plugins/docker/plugin.ts";

/** When to pull, as podman's `--policy`: always; only when the store lacks the image; never; or when the registry's digest differs from the stored image's. */
export type PullPolicy = "always" | "missing" | "never" | "newer";

/** How to pull one name. */
export interface PullOptions {
  readonly platform: Platform;
  /** This pull's registry settings over berth's (TLS, CAs, credentials, retries). */
  readonly access?: RegistryAccess;
  /** Default `always`. */
  readonly policy?: PullPolicy;
  /** Asks a person to pick among candidates (short-name mode `prompt` with a terminal); absent means there is no one to ask. */
  readonly choose?: (plan: ResolutionPlan) => Promise<ResolutionPlan | undefined>;
  /** podman's progress lines (`Trying to pull …`). */
  readonly onMessage?: (line: string) => void;
  readonly onEvent?: (e: CopyEvent) => void;
  readonly signal?: AbortSignal;
}

/** The candidates a name resolves to, after asking a person where registries.conf says to. */
const candidatesOf = async (ctx: BerthContext, input: string, options: PullOptions, aliasCache: AliasCache | undefined): Promise<E.Either<ReadonlyArray<Failure>, { name: string; plan: ResolutionPlan }>> => {
  const name = input.startsWith("docker://") ? input.slice("docker://".length) : input;
  const resolved = resolveShortName(name, ctx.config, { tty: options.choose !== undefined, ...(aliasCache === undefined ? {} : { aliasCache }) });
  if (E.isLeft(resolved)) return E.left([resolved.left]);
  if (!resolved.right.ask) return E.right({ name, plan: resolved.right });
  const chosen = options.choose === undefined ? undefined : await options.choose(resolved.right);
  return chosen === undefined ? E.left([failure("SHORT_NAME_UNRESOLVED", `no image chosen for "${name}"`)]) : E.right({ name, plan: chosen });
};

/**
 * Tries each candidate and each of its sources (mirrors first) in order with
 * `body`, until one works. A failure of the destination (the store) or
 * Ctrl-C stops at once: no other source would fare better.
 */
const firstThatWorks = async <A>(
  ctx: BerthContext,
  input: string,
  options: PullOptions,
  body: (attempt: { src: ReturnType<typeof registrySource>; allow: ReturnType<typeof policyCheck>; candidate: string }) => Promise<E.Either<CopyFailure, A>>,
): Promise<E.Either<ReadonlyArray<Failure>, { value: A; candidate: string; record: boolean; shortName?: string }>> => {
  // Both files at once; the policy is judged before anything is resolved (or asked of the user).
  const [policy, cache] = await Promise.all([ctx.policy(), loadAliasCache(ctx.host)]);
  if (E.isLeft(policy)) return E.left([policy.left]);
  // An unreadable alias cache is an empty one: it only remembers earlier choices.
  const resolved = await candidatesOf(ctx, input, options, E.isRight(cache) ? cache.right : undefined);
  if (E.isLeft(resolved)) return resolved;
  const plan = resolved.right.plan;
  const say = options.onMessage ?? (() => undefined);
  const access = ctx.access(options.access);
  const http = ctx.http(access, options.signal);
  const errors: Failure[] = [];
  try {
    for (const candidate of plan.candidates) {
      say(`Trying to pull ${candidate.name}...`);
      if (candidate.blocked !== undefined) {
        errors.push(failure("BLOCKED_REGISTRY", candidate.blocked));
        continue;
      }
      const sourceErrors: string[] = [];
      for (const source of candidate.sources) {
        const ref = parseNormalizedNamed(source.reference);
        if (E.isLeft(ref)) {
          sourceErrors.push(`${source.reference}: ${ref.left.message}`);
          continue;
        }
        // A mirror's own `insecure` decides for it; `tlsVerify` given for the pull decides for all.
        const sideAccess: RegistryAccess = access.tlsVerify === undefined && source.insecure ? { ...access, tlsVerify: false } : access;
        const conversation = await ctx.registry(ref.right, sideAccess, http);
        if (E.isLeft(conversation)) return E.left([conversation.left]);
        const { context, insecure } = conversation.right;
        const logical = parseNormalizedNamed(candidate.name);
        const judged = E.isRight(logical) ? logical.right : ref.right;
        const signatures = await registrySignatureSources(ctx.host, judged, () => registryClient({ registry: ref.right.domain, repository: ref.right.path, insecure }, context), ctx.options.registriesD, http);
        if (E.isLeft(signatures)) return E.left([signatures.left]);
        const src = registrySource(ref.right, context, insecure);
        const allow = policyCheck(policy.right, await subjectFor(dockerPlugin, { reference: judged }, `docker://${candidate.name}`), signatures.right);
        const r = await body({ src, allow, candidate: candidate.name });
        if (E.isRight(r)) return E.right({ value: r.right, candidate: candidate.name, record: candidate.record, ...(plan.shortName === undefined ? {} : { shortName: plan.shortName }) });
        if (options.signal?.aborted === true || r.left.stage === "destination") return E.left([r.left]);
        sourceErrors.push(r.left.stage === "open-source" ? `initializing source docker://${source.reference}: ${r.left.message}` : r.left.message);
      }
      errors.push(failure("PULL_FAILED", sourceErrors.join("; ")));
    }
  } finally {
    await http.close();
  }
  return E.left(errors);
};

/** The stored image a name finds, if any. */
const local = async (ctx: BerthContext, name: string): Promise<E.Either<Failure, ImageRecord | undefined>> => {
  const state = await readState(ctx.store);
  if (E.isLeft(state)) return state;
  const found = ctx.lookup(name, state.right.images);
  return E.right(E.isRight(found) ? found.right.image : undefined);
};

/**
 * Pulls what a name resolves to into the store, as podman's pull does: the
 * first candidate and source that works wins, and the policy says whether
 * to pull at all (`missing` and `never` use a stored image; `newer` pulls
 * only when the registry's manifest is not one the stored image has).
 * Gives the image ID.
 */
export const pullName = async (ctx: BerthContext, input: string, options: PullOptions): Promise<E.Either<ReadonlyArray<Failure>, string>> => {
  const when = options.policy ?? "always";
  if (when !== "always") {
    const stored = await local(ctx, input);
    if (E.isLeft(stored)) return E.left([stored.left]);
    if (stored.right !== undefined && (when === "missing" || when === "never")) return E.right(stored.right.id);
    if (stored.right === undefined && when === "never") return E.left([failure("IMAGE_NOT_FOUND", `${input}: image not known, and --policy never forbids pulling it`)]);
    if (stored.right !== undefined && when === "newer") {
      const have = stored.right;
      // The registry's manifest, read and judged as a pull would; the store is not touched when it is one we have.
      const seen = await firstThatWorks(ctx, input, options, async ({ src }) => {
        const m = await src.manifest();
        return E.isLeft(m) ? E.left({ ...m.left, stage: "open-source" as const }) : E.right(m.right.digest);
      });
      if (E.isRight(seen) && (have.digests.includes(seen.right.value) || have.manifestDigest === seen.right.value)) return E.right(have.id);
    }
  }
  const r = await firstThatWorks(ctx, input, options, ({ src, allow, candidate }) =>
    copyImage(src, storeDestination(ctx.store, [candidate]), engineOptions({ platform: options.platform }, options, allow)),
  );
  if (E.isLeft(r)) return r;
  if (r.right.record && r.right.shortName !== undefined) {
    const repoOnly = parseNormalizedNamed(r.right.candidate);
    if (E.isRight(repoOnly)) await recordAlias(ctx.host, r.right.shortName, repositoryName(repoOnly.right));
  }
  options.onMessage?.("Writing manifest to image destination");
  return E.right(r.right.value.id);
};

/** What pulling a name would do: the candidate it would come from and the plan, with nothing written. */
export const planPull = async (ctx: BerthContext, input: string, options: PullOptions): Promise<E.Either<ReadonlyArray<Failure>, { readonly name: string; readonly plan: CopyPlan }>> => {
  const r = await firstThatWorks(ctx, input, options, ({ src, allow, candidate }) =>
    dryRunCopy(src, storeDestination(ctx.store, [candidate]), engineOptions({ platform: options.platform }, options, allow)),
  );
  return E.isLeft(r) ? r : E.right({ name: r.right.candidate, plan: r.right.value });
};

/**
 * `--all-tags`: every tag of the repository a fully-qualified name (without
 * tag or digest) names, pulled one by one; gives each name with its image ID.
 */
export const pullAllTags = async (ctx: BerthContext, repository: string, options: PullOptions): Promise<E.Either<ReadonlyArray<Failure>, ReadonlyArray<{ readonly name: string; readonly id: string }>>> => {
  const typed = parseNormalizedNamed(repository.replace(/^docker:\/\//, ""));
  if (E.isLeft(typed)) return E.left([failure("INVALID_REFERENCE", `"${repository}": ${typed.left.message}`)]);
  if (typed.right.tag !== undefined || typed.right.digest !== undefined) return E.left([failure("INVALID_ARGUMENT", `--all-tags takes a repository without a tag or digest, not "${repository}"`)]);
  const access = ctx.access(options.access);
  const http = ctx.http(access, options.signal);
  let tags: ReadonlyArray<string>;
  try {
    const conversation = await ctx.registry(typed.right, access, http);
    if (E.isLeft(conversation)) return E.left([conversation.left]);
    const listed = await conversation.right.client.listTags();
    if (E.isLeft(listed)) return E.left([listed.left]);
    tags = listed.right;
  } finally {
    await http.close();
  }
  const repo = repositoryName(typed.right);
  const out: { name: string; id: string }[] = [];
  for (const tag of tags) {
    const name = `${repo}:${tag}`;
    const id = await pullName(ctx, name, options);
    if (E.isLeft(id)) return id;
    out.push({ name, id: id.right });
  }
  return E.right(out);
};
