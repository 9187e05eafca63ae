/**
 * Go's `path.Match`, which podman and docker use for reference filters:
 * `*` is any run of non-`/` characters, `?` one non-`/` character,
 * `[...]` a class (`^` or `!` negates, `a-z` ranges), `\` escapes.
 * Runs in O(pattern × text); a malformed pattern matches nothing.
 */

type Token = { kind: "star" } | { kind: "any" } | { kind: "char"; c: string } | { kind: "class"; negate: boolean; ranges: Array<[string, string]> };

const tokenize = (pattern: string): Token[] | undefined => {
  const out: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? "";
    if (c === "*") out.push({ kind: "star" });
    else if (c === "?") out.push({ kind: "any" });
    else if (c === "\\") {
      i++;
      if (i >= pattern.length) return undefined;
      out.push({ kind: "char", c: pattern[i] ?? "" });
    } else if (c === "[") {
      let j = i + 1;
      const negate = pattern[j] === "^" || pattern[j] === "!";
      if (negate) j++;
      const ranges: Array<[string, string]> = [];
      let first = true;
      while (j < pattern.length && (pattern[j] !== "]" || first)) {
        first = false;
        let lo = pattern[j] ?? "";
        if (lo === "\\") lo = pattern[++j] ?? "";
        let hi = lo;
        if (pattern[j + 1] === "-" && pattern[j + 2] !== undefined && pattern[j + 2] !== "]") {
          hi = pattern[j + 2] ?? "";
          if (hi === "\\") hi = pattern[++j + 2] ?? "";
          j += 2;
        }
        if (hi < lo) return undefined;
        ranges.push([lo, hi]);
        j++;
      }
      if (j >= pattern.length || ranges.length === 0) return undefined;
      out.push({ kind: "class", negate, ranges });
      i = j;
    } else out.push({ kind: "char", c });
  }
  return out;
};

const matchesOne = (t: Token, c: string): boolean => {
  if (c === "/") return t.kind === "char" && t.c === "/";
  switch (t.kind) {
    case "any":
      return true;
    case "char":
      return t.c === c;
    case "class":
      return t.ranges.some(([lo, hi]) => c >= lo && c <= hi) !== t.negate;
    case "star":
      return false;
  }
};

/** Whether `text` matches the glob `pattern` in full. */
export const globMatch = (pattern: string, text: string): boolean => {
  const tokens = tokenize(pattern);
  if (tokens === undefined) return false;
  const chars = [...text];
  // reachable[i]: the first i tokens can match the text read so far.
  let reachable = new Array<boolean>(tokens.length + 1).fill(false);
  reachable[0] = true;
  const closeStars = (r: boolean[]): boolean[] => {
    for (let i = 0; i < tokens.length; i++) if (r[i] && tokens[i]?.kind === "star") r[i + 1] = true;
    return r;
  };
  reachable = closeStars(reachable);
  for (const c of chars) {
    const next = new Array<boolean>(tokens.length + 1).fill(false);
    for (let i = 0; i < tokens.length; i++) {
      if (!reachable[i]) continue;
      const t = tokens[i];
      if (t === undefined) continue;
      if (t.kind === "star") {
        if (c !== "/") next[i] = true;
      } else if (matchesOne(t, c)) next[i + 1] = true;
    }
    reachable = closeStars(next);
  }
  return reachable[tokens.length] === true;
};
