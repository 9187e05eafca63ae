/** A parsed `WWW-Authenticate` challenge. */
export interface Challenge {
  /** Lower-case scheme: `bearer` or `basic`. */
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses a `WWW-Authenticate` header (RFC 7235): schemes each followed by
 * `key=value` or `key="quoted value"` parameters.
 */
export const parseChallenges = (header: string): ReadonlyArray<Challenge> => {
  const out: { scheme: string; params: Record<string, string> }[] = [];
  const re = /\s*(?:([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*)|([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*))\s*,?/gy;
  while (re.lastIndex < header.length) {
    const before = re.lastIndex;
    const m = re.exec(header);
    // Stop at anything that is not a parameter or scheme, or that consumed nothing.
    if (m === null || re.lastIndex === before) break;
    if (m[3] !== undefined) {
      out.push({ scheme: m[3].toLowerCase(), params: {} });
    } else if (m[1] !== undefined && out.length > 0) {
      const raw = m[2] ?? "";
      const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw;
      const current = out[out.length - 1];
      if (current !== undefined) current.params[m[1].toLowerCase()] = value;
    }
  }
  return out;
};

/** The token scope for a repository: `repository:NAME:pull` or `:pull,push`. */
export const repositoryScope = (repository: string, actions: ReadonlyArray<"pull" | "push">): string => `repository:${repository}:${actions.join(",")}`;
