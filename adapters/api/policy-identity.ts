/**
 * What the signature policy knows an image by, asked of the transport's
 * plugin: the policy names no transport, the plugins say their names,
 * scopes and how a scope reads.
 */
import * as E from "fp-ts/lib/Either.js";
import { anyScope, defaultScopeOnly, type ScopeRules } from "../../core/policy/index.ts";
import { parseImageName } from "../../core/transport/index.ts";
import type { TransportPlugin } from "../../plugins/contract.ts";
import type { PolicySubject } from "../config/policy.ts";

/** A table of plugins, whatever their reference and context types. */
// deno-lint-ignore no-explicit-any -- each plugin parses its own references; only `any` admits every one.
type AnyPlugin = TransportPlugin<any, any>;

/** Transports of containers/image that berth has no plugin for: a policy may still name them, as podman's may. */
const foreignTransports: ScopeRules = {
  atomic: anyScope,
  "docker-daemon": defaultScopeOnly("docker-daemon"),
  ostree: anyScope,
  sif: anyScope,
};

/** The transports a policy may name, with their scope rules: containers/image's, then every plugin's (a plugin without a policy identity takes only `""`). */
export const scopeRulesOf = (plugins: ReadonlyArray<AnyPlugin>): ScopeRules =>
  Object.fromEntries([
    ...Object.entries(foreignTransports),
    ...plugins.map((p) => {
      const transport = p.policy?.transport ?? p.name;
      return [transport, p.policy?.validateScope ?? defaultScopeOnly(transport)] as const;
    }),
  ]);

/** An image as the policy sees it, as its plugin says; `shown` names it in messages. */
export const subjectFor = async <R>(plugin: Pick<TransportPlugin<R, unknown>, "name" | "policy">, reference: R, shown: string): Promise<PolicySubject> => {
  if (plugin.policy === undefined) return { transport: plugin.name, scopes: [], shown };
  const identity = await plugin.policy.identity(reference);
  return { transport: plugin.policy.transport, scopes: identity.scopes, ...(identity.reference === undefined ? {} : { reference: identity.reference }), shown };
};

/** The policy's view of a transport-qualified name (one no plugin parses is judged by the global default only). */
export const subjectOf = async (plugins: ReadonlyArray<AnyPlugin>, text: string): Promise<PolicySubject> => {
  const name = parseImageName(text, plugins);
  const plugin = E.isRight(name) ? plugins.find((p) => p.name === name.right.transport) : undefined;
  return plugin === undefined || E.isLeft(name) ? { transport: "", scopes: [], shown: text } : subjectFor(plugin, name.right.reference, text);
};
