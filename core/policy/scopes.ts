import { referenceString, repositoryName, type Reference } from "../reference/index.ts";

/**
 * An image as the policy sees it: the transport's name in policy.json, the
 * scopes that may hold requirements for it (its identity first, then its
 * namespaces, most specific first), and its registry name where it has one
 * (for matching what signatures claim). The transport's plugin says all of
 * it; the policy names no transport.
 */
export interface PolicyTarget {
  readonly transport: string;
  readonly scopes: ReadonlyArray<string>;
  readonly reference?: Reference;
}

/** Why a scope of policy.json is not one a transport can have (`undefined`: it is). `""` never reaches a rule: it is always valid. */
export type ScopeRule = (scope: string) => string | undefined;

/** The transports a policy may name, each with its rule for scopes. A transport not here is refused. */
export type ScopeRules = Readonly<Record<string, ScopeRule>>;

/** Any scope (a registry's: containers/image checks no syntax there; a scope that is no expanded name simply never matches). */
export const anyScope: ScopeRule = () => undefined;

/** Only the transport's default scope `""`. */
export const defaultScopeOnly =
  (transport: string): ScopeRule =>
  () =>
    `${transport} takes only the default scope ""`;

const isCleanAbsolute = (p: string): boolean =>
  p.startsWith("/") && p !== "/" && !p.endsWith("/") && !p.includes("//") && !p.split("/").some((c) => c === "." || c === "..");

/** A clean absolute path other than `/` (a directory's scope). */
export const cleanAbsolutePath: ScopeRule = (scope) => (isCleanAbsolute(scope) ? undefined : "not a clean absolute path other than /");

/** A clean absolute path other than `/`, with an optional `:NAME` (a layout's scope). */
export const pathWithOptionalName: ScopeRule = (scope) => {
  const slash = scope.lastIndexOf("/");
  const colon = scope.indexOf(":", slash + 1);
  const dir = colon === -1 ? scope : scope.slice(0, colon);
  return isCleanAbsolute(dir) ? undefined : "not a clean absolute path other than /, with an optional :NAME";
};

const parents = (path: string): string[] => {
  const out: string[] = [];
  for (let p = path.slice(0, path.lastIndexOf("/")); p !== ""; p = p.slice(0, p.lastIndexOf("/"))) out.push(p);
  return out;
};

/**
 * The scopes of an image in a registry, as containers/image walks them: the
 * full reference, the repository, each parent path, the host, then `*.`
 * wildcards of the host without its port.
 */
export const repositoryScopes = (ref: Reference): ReadonlyArray<string> => {
  const out = [referenceString(ref)];
  let name = repositoryName(ref);
  for (;;) {
    out.push(name);
    const slash = name.lastIndexOf("/");
    if (slash === -1) break;
    name = name.slice(0, slash);
  }
  // The host without a port (a bracketed IPv6 host keeps its brackets), then each wildcard of it.
  let host = name.startsWith("[") ? name.slice(0, name.indexOf("]") + 1) : name.split(":")[0] ?? name;
  for (let dot = host.indexOf("."); dot !== -1; dot = host.indexOf(".")) {
    host = host.slice(dot + 1);
    out.push(`*.${host}`);
  }
  return out.filter((s, i) => out.indexOf(s) === i);
};

/** The scopes of an image at a path (absolute, symlinks resolved): `PATH:NAME` when named, the path, then each parent directory. */
export const pathScopes = (path: string, name?: string): ReadonlyArray<string> =>
  name === undefined || name === "" ? [path, ...parents(path)] : [`${path}:${name}`, path, ...parents(path)];
