import { readFile } from "node:fs/promises";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { parsePolicy, parseStrictJson, type Requirement, type ScopeRules } from "../../core/policy/index.ts";
import type { HostEnvironment } from "../config/environment.ts";
import { loadPolicy, policyPaths } from "../config/policy.ts";
import { writeFileAtomic } from "../fs/atomic.ts";

/** One requirement of the policy in words, as `podman image trust show` puts it. */
export interface TrustRow {
  /** `all` for the global default, else the transport. */
  readonly transport: string;
  /** `""` for the global default, `(default)` for a transport's, else the scope. */
  readonly scope: string;
  /** accept, reject, signed (GPG) or sigstoreSigned. */
  readonly type: string;
  /** Key files (or `(key data)`), or why a requirement cannot be checked. */
  readonly keys: string;
}

/** What a scope should require (`trust set`). */
export type TrustType = "accept" | "reject" | "signedBy" | "sigstoreSigned";

const inWords = (r: Requirement): { type: string; keys: string } => {
  switch (r.type) {
    case "insecureAcceptAnything":
      return { type: "accept", keys: "" };
    case "reject":
      return { type: "reject", keys: "" };
    case "signedBy":
      return { type: "signed", keys: r.keys.kind === "paths" ? r.keys.paths.join(", ") : "(key data)" };
    case "sigstoreSigned":
      return { type: "sigstoreSigned", keys: r.keys === undefined ? (r.unsupported ?? "") : r.keys.kind === "paths" ? r.keys.paths.join(", ") : "(key data)" };
  }
};

/** The effective policy, one row per transport, scope and requirement; `raw` is the file's text. */
export const showTrust = async (host: HostEnvironment, rules: ScopeRules, signaturePolicy?: string): Promise<E.Either<Failure, { rows: ReadonlyArray<TrustRow>; raw?: string; path?: string }>> => {
  const loaded = await loadPolicy(host, { rules, ...(signaturePolicy === undefined ? {} : { signaturePolicy }) });
  if (E.isLeft(loaded)) return loaded;
  const rows: TrustRow[] = loaded.right.policy.default.map((r) => ({ transport: "all", scope: "", ...inWords(r) }));
  for (const [transport, scopes] of Object.entries(loaded.right.policy.transports)) {
    for (const [scope, reqs] of Object.entries(scopes)) for (const r of reqs) rows.push({ transport, scope: scope === "" ? "(default)" : scope, ...inWords(r) });
  }
  const path = loaded.right.path;
  const raw = path === undefined ? undefined : await readFile(path, "utf8").catch(() => undefined);
  return E.right({ rows, ...(raw === undefined ? {} : { raw }), ...(path === undefined ? {} : { path }) });
};

/**
 * Sets what a scope requires, as `podman image trust set`: scope `default`
 * is the global default, anything else a `docker` scope. The file (default:
 * the system policy) is rewritten atomically, and only if it stays valid.
 */
export const setTrust = async (
  host: HostEnvironment,
  rules: ScopeRules,
  scope: string,
  type: TrustType,
  keys: ReadonlyArray<string> = [],
  signaturePolicy?: string,
): Promise<E.Either<Failure, void>> => {
  let requirement: Record<string, unknown>;
  if (type === "accept") requirement = { type: "insecureAcceptAnything" };
  else if (type === "reject") requirement = { type: "reject" };
  else {
    if (keys.length === 0) return E.left(failure("INVALID_ARGUMENT", `--type ${type} needs at least one --pubkeysfile`));
    const where = keys.length === 1 ? { keyPath: keys[0] } : { keyPaths: keys };
    requirement = type === "signedBy" ? { type, keyType: "GPGKeys", ...where } : { type, ...where };
  }
  const path = signaturePolicy ?? policyPaths(host).at(-1) ?? "/etc/containers/policy.json";
  const text = await readFile(path, "utf8").catch(() => undefined);
  const doc = text === undefined ? E.right<never, unknown>({ default: [{ type: "insecureAcceptAnything" }] }) : parseStrictJson(path)(text);
  if (E.isLeft(doc)) return doc;
  const policy = (typeof doc.right === "object" && doc.right !== null ? doc.right : {}) as { default?: unknown; transports?: Record<string, Record<string, unknown>> };
  if (scope === "default") policy.default = [requirement];
  else {
    policy.transports ??= {};
    policy.transports["docker"] ??= {};
    Object.defineProperty(policy.transports["docker"], scope, { value: [requirement], enumerable: true, writable: true, configurable: true });
  }
  const next = `${JSON.stringify(policy, null, 4)}\n`;
  const valid = parsePolicy(path, rules)(next);
  if (E.isLeft(valid)) return E.left(failure("INVALID_CONFIG", `refusing to write an invalid policy: ${valid.left.message}`));
  await writeFileAtomic(path, next);
  return E.right(undefined);
};
