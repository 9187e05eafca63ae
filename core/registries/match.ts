import type { RegistriesConfig, RegistryEntry } from "./model.ts";

const isSeparator = (c: string | undefined): boolean => c === undefined || c === ":" || c === "/" || c === "@";

/**
 * How much of `name` (a host, repository or full reference) the `prefix`
 * covers, or -1 when it does not apply. A prefix matches the whole name or is
 * followed by `/`, `:` or `@`; `*.example.com` matches any subdomain before
 * the first `/`.
 */
export const prefixMatchLength = (name: string, prefix: string): number => {
  if (prefix.startsWith("*.")) {
    const suffix = prefix.slice(1);
    const at = name.indexOf(suffix);
    if (at < 0 || name.slice(0, at).includes("/")) return -1;
    const end = at + suffix.length;
    return isSeparator(name[end]) ? end : -1;
  }
  if (!name.startsWith(prefix)) return -1;
  return isSeparator(name[prefix.length]) ? prefix.length : -1;
};

/** The `[[registry]]` table with the longest prefix matching `name`, if any; the first of equals wins. */
export const findRegistry = (name: string, config: Pick<RegistriesConfig, "registries">): RegistryEntry | undefined =>
  config.registries.reduce<RegistryEntry | undefined>(
    (best, r) => (prefixMatchLength(name, r.prefix) >= 0 && (best === undefined || r.prefix.length > best.prefix.length) ? r : best),
    undefined,
  );
