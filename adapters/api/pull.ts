import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import type { Platform } from "../../core/manifest/index.ts";
import { parseNormalizedNamed, repositoryName } from "../../core/reference/index.ts";
import { resolveShortName, type ResolutionPlan } from "../../core/registries/index.ts";
import { registryClient } from "../../plugins/docker/registry.ts";
import { registrySource } from "../../plugins/docker/transport.ts";
import { storeDestination } from "../../plugins/store/transport.ts";
import { credentialsFor, type Credentials } from "../config/auth.ts";
import { policyCheck, type LoadedPolicy } from "../config/policy.ts";
import { loadAliasCache, recordAlias } from "../config/registries.ts";
import { copyImage, type CopyEvent } from "../copy/engine.ts";
import { httpClient } from "../http/client.ts";
import { registrySignatureSources } from "../../plugins/docker/signature-store.ts";
import type { Session } from "./session.ts";

/** How to pull one name. */
export interface PullOptions {
  readonly platform: Platform;
  /** `false` allows plain HTTP and unverified TLS; unset follows registries.conf. */
  readonly tlsVerify: boolean | undefined;
  /** Given credentials, else the auth files are asked. */
  readonly creds: Credentials | undefined;
  readonly authFile: string | undefined;
  /** Extra CAs per registry (certs.d or a given directory). */
  readonly caFor: (hostPort: string) => Promise<ReadonlyArray<string>>;
  readonly retries?: number;
  readonly policy: LoadedPolicy;
  readonly registriesD: string | undefined;
  /** Asks a person to pick among candidates (short-name mode `prompt` with a terminal); absent means there is no one to ask. */
  readonly choose?: (plan: ResolutionPlan) => Promise<ResolutionPlan | undefined>;
  /** podman's progress lines (`Trying to pull …`). */
  readonly onMessage?: (line: string) => void;
  readonly onEvent?: (e: CopyEvent) => void;
  readonly signal?: AbortSignal;
}

/** Pulls what a name resolves to into the store; the first candidate and source that works wins. */
export const pullName = async (session: Session, input: string, options: PullOptions): Promise<E.Either<ReadonlyArray<Failure>, string>> => {
  const say = options.onMessage ?? (() => undefined);
  const name = input.startsWith("docker://") ? input.slice("docker://".length) : input;
  const cache = await loadAliasCache(session.host);
  const resolved = resolveShortName(name, session.config, { tty: options.choose !== undefined, ...(E.isRight(cache) ? { aliasCache: cache.right } : {}) });
  if (E.isLeft(resolved)) return E.left([resolved.left]);
  let plan = resolved.right;
  if (plan.ask) {
    const chosen = options.choose === undefined ? undefined : await options.choose(plan);
    if (chosen === undefined) return E.left([failure("SHORT_NAME_UNRESOLVED", `no image chosen for "${name}"`)]);
    plan = chosen;
  }
  const signal = options.signal;
  const http = httpClient({ insecureSkipVerify: options.tlsVerify === false, caFor: options.caFor }, signal, session.timeouts);
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
        const repo = repositoryName(ref.right);
        const found = options.creds === undefined ? await credentialsFor(session.host, repo, options.authFile === undefined ? {} : { authFile: options.authFile }) : E.right(options.creds);
        if (E.isLeft(found)) return E.left([found.left]);
        const insecure = options.tlsVerify === false || (options.tlsVerify === undefined && source.insecure);
        const ctx = { http, ...(found.right === undefined ? {} : { credentials: found.right }), ...(options.retries === undefined ? {} : { retries: options.retries }) };
        const src = registrySource(ref.right, ctx, insecure);
        // The policy judges the name asked for, not the mirror it came from, as containers/image does.
        const logical = parseNormalizedNamed(candidate.name);
        const judged = E.isRight(logical) ? logical.right : ref.right;
        const signatures = await registrySignatureSources(
          session.host,
          judged,
          () => registryClient({ registry: ref.right.domain, repository: ref.right.path, insecure }, ctx),
          options.registriesD,
          http,
        );
        if (E.isLeft(signatures)) return E.left([signatures.left]);
        const r = await copyImage(src, storeDestination(session.store, [candidate.name]), {
          platform: options.platform,
          ...(signal === undefined ? {} : { signal }),
          allow: policyCheck(options.policy, { transport: "docker", reference: judged, shown: `docker://${candidate.name}` }, signatures.right),
          ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
        });
        // Ctrl-C, or a failure here (the store cannot be written): no other source would fare better.
        if (E.isLeft(r) && (signal?.aborted === true || r.left.stage === "destination")) return E.left([r.left]);
        if (E.isRight(r)) {
          if (candidate.record && plan.shortName !== undefined) {
            const repoOnly = parseNormalizedNamed(candidate.name);
            if (E.isRight(repoOnly)) await recordAlias(session.host, plan.shortName, repositoryName(repoOnly.right));
          }
          say("Writing manifest to image destination");
          return E.right(r.right.id);
        }
        sourceErrors.push(r.left.stage === "open-source" ? `initializing source docker://${source.reference}: ${r.left.message}` : r.left.message);
      }
      errors.push(failure("PULL_FAILED", sourceErrors.join("; ")));
    }
  } finally {
    await http.close();
  }
  return E.left(errors);
};

