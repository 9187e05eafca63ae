/**
 * Recognisers for the pieces of the distribution reference grammar.
 *
 * Each is a hand-written linear scan rather than a regular expression: the
 * upstream grammar is specified as RE2 expressions (linear time), and the same
 * patterns in a backtracking engine can go quadratic or worse on hostile input.
 * Every function here runs in O(n) and never throws.
 */

/**
 * Character classes as bits of one table, so that a scan is a loop over
 * `charCodeAt` and a table lookup: names are checked cold, at start-up
 * (registries.conf's aliases), where a predicate call per character costs.
 */
const LOWER_ALNUM = 1;
const ALNUM = 2;
/** `\w` in RE2: ASCII letters, digits and underscore. */
const WORD = 4;
/** `[[:xdigit:]]` */
const HEX = 8;
const LOWER_HEX = 16;
const ALPHA = 32;
/** `[a-zA-Z0-9-]`, inside a domain component. */
const DOMAIN = 64;
/** `[a-zA-Z0-9=_-]`, go-digest's encoded part. */
const ENCODED = 128;
const DIGIT = 256;

const classes = ((): Uint16Array => {
  const t = new Uint16Array(128);
  const mark = (from: string, to: string, bits: number): void => {
    for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) t[c] = (t[c] ?? 0) | bits;
  };
  mark("a", "z", LOWER_ALNUM | ALNUM | WORD | ALPHA | DOMAIN | ENCODED);
  mark("A", "Z", ALNUM | WORD | ALPHA | DOMAIN | ENCODED);
  mark("0", "9", LOWER_ALNUM | ALNUM | WORD | HEX | LOWER_HEX | DOMAIN | ENCODED | DIGIT);
  mark("a", "f", HEX | LOWER_HEX);
  mark("A", "F", HEX);
  mark("_", "_", WORD | ENCODED);
  mark("-", "-", DOMAIN | ENCODED);
  mark("=", "=", ENCODED);
  return t;
})();

/** Whether the character at `i` is in every class of `bits` (false past the end). */
const is = (s: string, i: number, bits: number): boolean => {
  const c = s.charCodeAt(i);
  return c < 128 && ((classes[c] ?? 0) & bits) === bits;
};

const DOT = 0x2e;
const UNDERSCORE = 0x5f;
const DASH = 0x2d;
const COLON = 0x3a;

/** Index just past a run of characters of class `bits` starting at `i`. */
const skip = (s: string, i: number, bits: number): number => {
  let j = i;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c >= 128 || ((classes[c] ?? 0) & bits) !== bits) break;
    j++;
  }
  return j;
};

/** Index just past a run of `c` starting at `i`. */
const skipChar = (s: string, i: number, c: number): number => {
  let j = i;
  while (j < s.length && s.charCodeAt(j) === c) j++;
  return j;
};

/** Whether `s` from `from` to its end is all of class `bits`. */
const all = (s: string, bits: number, from = 0): boolean => skip(s, from, bits) === s.length;

/**
 * `path-component := [a-z0-9]+ (separator [a-z0-9]+)*` with
 * `separator := [._] | __ | [-]+`.
 */
export const isPathComponent = (s: string): boolean => {
  let i = skip(s, 0, LOWER_ALNUM);
  if (i === 0) return false;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === DOT) i += 1;
    else if (c === UNDERSCORE) i += s.charCodeAt(i + 1) === UNDERSCORE ? 2 : 1;
    else if (c === DASH) i = skipChar(s, i, DASH);
    else return false;
    const next = skip(s, i, LOWER_ALNUM);
    if (next === i) return false;
    i = next;
  }
  return true;
};

/** `remote-name := path-component ('/' path-component)*` */
export const isRemoteName = (s: string): boolean => s.split("/").every(isPathComponent);

/** `domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]` */
export const isDomainComponent = (s: string): boolean => s.length > 0 && is(s, 0, ALNUM) && is(s, s.length - 1, ALNUM) && all(s, DOMAIN);

/** `domain-name := domain-component ('.' domain-component)*`; covers IPv4 too. */
export const isDomainName = (s: string): boolean => s.split(".").every(isDomainComponent);

/** `\[[a-fA-F0-9:]+\]`, the bracketed IPv6 host upstream accepts. */
export const isBracketedIPv6 = (s: string): boolean => {
  if (s.length <= 2 || !s.startsWith("[") || !s.endsWith("]")) return false;
  for (let i = 1; i < s.length - 1; i++) if (!is(s, i, HEX) && s.charCodeAt(i) !== COLON) return false;
  return true;
};

/** `domain := host [':' port-number]` with `host := domain-name | '[' IPv6 ']'`. */
export const isDomainAndPort = (s: string): boolean => {
  const hostEnd = s.startsWith("[") ? s.indexOf("]") + 1 : s.indexOf(":") < 0 ? s.length : s.indexOf(":");
  if (hostEnd <= 0) return false;
  const host = s.slice(0, hostEnd);
  const port = s.slice(hostEnd);
  const hostOk = s.startsWith("[") ? isBracketedIPv6(host) : isDomainName(host);
  return hostOk && (port === "" || (port.length > 1 && port.charCodeAt(0) === COLON && all(port, DIGIT, 1)));
};

/** `tag := [\w][\w.-]{0,127}` */
export const isTag = (s: string): boolean => {
  if (s.length < 1 || s.length > 128 || !is(s, 0, WORD)) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== DOT && c !== DASH && !is(s, i, WORD)) return false;
  }
  return true;
};

/**
 * The digest as the reference grammar admits it (validity is checked
 * separately): `[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)* ':' [[:xdigit:]]{32,}`.
 */
export const isReferenceDigest = (s: string): boolean => {
  const colon = s.indexOf(":");
  if (colon < 0) return false;
  const hex = s.slice(colon + 1);
  const algorithmOk = s
    .slice(0, colon)
    .split(/[-_+.]/)
    .every((part) => part.length > 0 && is(part, 0, ALPHA) && all(part, ALNUM));
  return algorithmOk && hex.length >= 32 && all(hex, HEX);
};

/**
 * go-digest's general digest shape, used to tell an unknown algorithm from a
 * malformed digest: `[a-z0-9]+([.+_-][a-z0-9]+)* ':' [a-zA-Z0-9=_-]+`.
 */
export const isDigestShape = (s: string): boolean => {
  const colon = s.indexOf(":");
  if (colon < 0) return false;
  const encoded = s.slice(colon + 1);
  const algorithmOk = s
    .slice(0, colon)
    .split(/[.+_-]/)
    .every((part) => part.length > 0 && all(part, LOWER_ALNUM));
  return algorithmOk && encoded.length > 0 && all(encoded, ENCODED);
};

/** Lowercase hexadecimal, as digests of known algorithms must be encoded. */
export const isLowerHexString = (s: string): boolean => s.length > 0 && all(s, LOWER_HEX);

/** `identifier := [a-f0-9]{64}`: a full image ID. */
export const isIdentifier = (s: string): boolean => s.length === 64 && all(s, LOWER_HEX);

/**
 * Go's `strings.ToLower` for the purposes of the grammar: the same as
 * JavaScript's except that U+0130 (İ) lowers to a plain `i`, as Go's tables say.
 */
export const goLower = (s: string): string => s.replace(/\u0130/g, "i").toLowerCase();
