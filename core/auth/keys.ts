/**
 * The names credentials are filed under: a registry host, or a repository or
 * namespace on it, with docker.io's several spellings made one.
 */

const dockerHubAliases = ["docker.io", "index.docker.io", "registry-1.docker.io"];

/** One spelling for Docker Hub (`index.docker.io`, as in auth files written by docker); other hosts as they are. */
export const normalizeRegistry = (registry: string): string => (dockerHubAliases.includes(registry) ? "index.docker.io" : registry);

/** Whether two registry hosts are the same registry: an exact match, or two spellings of Docker Hub. */
export const sameRegistry = (a: string, b: string): boolean => normalizeRegistry(a) === normalizeRegistry(b);

/**
 * A key found in an auth file, reduced to what it names: `https://` and
 * `http://` are dropped, and so is the path of a URL key (`https://index.docker.io/v1/`)
 * or of any legacy key; a plain `host/ns/repo` key keeps its path.
 */
export const normalizeAuthKey = (key: string, legacy: boolean): string => {
  const stripped = key.replace(/^https?:\/\//, "");
  const hostOnly = legacy || stripped !== key ? (stripped.split("/")[0] ?? "") : stripped;
  return hostOnly.includes("/") ? hostOnly : normalizeRegistry(hostOnly);
};

/** The host of a key or repository name (`quay.io/a/b` → `quay.io`). */
export const registryOf = (name: string): string => name.replace(/^https?:\/\//, "").split("/")[0] ?? "";

/**
 * The keys to try for a repository, most specific first:
 * `reg/ns/repo`, `reg/ns`, `reg`. A bare registry gives just itself.
 */
export const lookupKeys = (name: string): ReadonlyArray<string> => {
  const parts = name.split("/");
  return parts.map((_, i) => parts.slice(0, parts.length - i).join("/"));
};
