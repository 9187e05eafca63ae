import { referenceString, repositoryName, type Reference } from "../reference/index.ts";

/**
 * An image as the policy sees it: its transport and what that transport's
 * scopes are made of. Paths are absolute with symlinks resolved (the adapter's job).
 */
export type PolicyTarget =
  | { readonly transport: "docker" | "atomic"; readonly reference: Reference }
  | { readonly transport: "dir"; readonly path: string }
  | { readonly transport: "oci" | "oci-archive"; readonly path: string; readonly name?: string }
  | { readonly transport: string; readonly path?: undefined; readonly reference?: undefined };

const isCleanAbsolute = (p: string): boolean =>
  p.startsWith("/") && p !== "/" && !p.endsWith("/") && !p.includes("//") && !p.split("/").some((c) => c === "." || c === "..");

/** Why a scope is not valid for a transport, or `undefined` when it is (`""` is always valid). */
export const validateScope = (transport: string, scope: string): string | undefined => {
  if (scope === "") return undefined;
  switch (transport) {
    case "docker":
    case "atomic":
      // containers/image checks no syntax here: a scope that is no expanded name simply never matches.
      return undefined;
    case "dir":
      return isCleanAbsolute(scope) ? undefined : "not a clean absolute path other than /";
    case "oci":
    case "oci-archive": {
      const slash = scope.lastIndexOf("/");
      const colon = scope.indexOf(":", slash + 1);
      const dir = colon === -1 ? scope : scope.slice(0, colon);
      return isCleanAbsolute(dir) ? undefined : "not a clean absolute path other than /, with an optional :NAME";
    }
    case "docker-archive":
    case "docker-daemon":
    case "tarball":
      return `${transport} takes only the default scope ""`;
    default:
      return undefined;
  }
};

const parents = (path: string): string[] => {
  const out: string[] = [];
  for (let p = path.slice(0, path.lastIndexOf("/")); p !== ""; p = p.slice(0, p.lastIndexOf("/"))) out.push(p);
  return out;
};

/**
 * The scopes that may hold requirements for an image, most specific first,
 * as containers/image walks them: its identity, then its namespaces (for a
 * registry image: the repository, each parent path, the host, then `*.`
 * wildcards of the host without its port; for paths: each parent directory).
 * The transport default `""` and the global default come after these.
 */
export const scopesOf = (target: PolicyTarget): ReadonlyArray<string> => {
  if ((target.transport === "docker" || target.transport === "atomic") && target.reference !== undefined) {
    const ref = target.reference;
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
  }
  if (target.transport === "dir" && target.path !== undefined) return [target.path, ...parents(target.path)];
  if ((target.transport === "oci" || target.transport === "oci-archive") && target.path !== undefined) {
    const name = (target as { name?: string }).name;
    return name === undefined || name === "" ? [target.path, ...parents(target.path)] : [`${target.path}:${name}`, target.path, ...parents(target.path)];
  }
  return [];
};
