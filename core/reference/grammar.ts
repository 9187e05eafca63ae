/**
 * Recognisers for the pieces of the distribution reference grammar.
 *
 * Each is a hand-written linear scan rather than a regular expression: the
 * upstream grammar is specified as RE2 expressions (linear time), and the same
 * patterns in a backtracking engine can go quadratic or worse on hostile input.
 * Every function here runs in O(n) and never throws.
 */

const code = (s: string, i: number): number => s.charCodeAt(i);

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isLowerAlpha = (c: number): boolean => c >= 0x61 && c <= 0x7a;
const isUpperAlpha = (c: number): boolean => c >= 0x41 && c <= 0x5a;
const isAlpha = (c: number): boolean => isLowerAlpha(c) || isUpperAlpha(c);
const isLowerAlnum = (c: number): boolean => isLowerAlpha(c) || isDigit(c);
const isAlnum = (c: number): boolean => isAlpha(c) || isDigit(c);
/** `\w` in RE2: ASCII letters, digits and underscore. */
const isWord = (c: number): boolean => isAlnum(c) || c === 0x5f;
/** `[[:xdigit:]]` */
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const isLowerHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66);

const DOT = 0x2e;
const UNDERSCORE = 0x5f;
const DASH = 0x2d;
const COLON = 0x3a;

/** Index just past a run of characters satisfying `pred` starting at `i`. */
const skip = (s: string, i: number, pred: (c: number) => boolean): number => {
  let j = i;
  while (j < s.length && pred(code(s, j))) j++;
  return j;
};

const all = (s: string, pred: (c: number) => boolean): boolean => skip(s, 0, pred) === s.length;

/**
 * `path-component := [a-z0-9]+ (separator [a-z0-9]+)*` with
 * `separator := [._] | __ | [-]+`.
 */
export const isPathComponent = (s: string): boolean => {
  let i = skip(s, 0, isLowerAlnum);
  if (i === 0) return false;
  while (i < s.length) {
    const c = code(s, i);
    if (c === DOT) i += 1;
    else if (c === UNDERSCORE) i += code(s, i + 1) === UNDERSCORE ? 2 : 1;
    else if (c === DASH) i = skip(s, i, (d) => d === DASH);
    else return false;
    const next = skip(s, i, isLowerAlnum);
    if (next === i) return false;
    i = next;
  }
  return true;
};

/** `remote-name := path-component ('/' path-component)*` */
export const isRemoteName = (s: string): boolean => s.split("/").every(isPathComponent);

/** `domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]` */
export const isDomainComponent = (s: string): boolean =>
  s.length > 0 &&
  isAlnum(code(s, 0)) &&
  isAlnum(code(s, s.length - 1)) &&
  all(s, (c) => isAlnum(c) || c === DASH);

/** `domain-name := domain-component ('.' domain-component)*`; covers IPv4 too. */
export const isDomainName = (s: string): boolean => s.split(".").every(isDomainComponent);

/** `\[[a-fA-F0-9:]+\]`, the bracketed IPv6 host upstream accepts. */
export const isBracketedIPv6 = (s: string): boolean =>
  s.length > 2 &&
  s.startsWith("[") &&
  s.endsWith("]") &&
  all(s.slice(1, -1), (c) => isHex(c) || c === COLON);

/** `domain := host [':' port-number]` with `host := domain-name | '[' IPv6 ']'`. */
export const isDomainAndPort = (s: string): boolean => {
  const hostEnd = s.startsWith("[") ? s.indexOf("]") + 1 : s.indexOf(":") < 0 ? s.length : s.indexOf(":");
  if (hostEnd <= 0) return false;
  const host = s.slice(0, hostEnd);
  const port = s.slice(hostEnd);
  const hostOk = s.startsWith("[") ? isBracketedIPv6(host) : isDomainName(host);
  return hostOk && (port === "" || (port.length > 1 && code(port, 0) === COLON && all(port.slice(1), isDigit)));
};

/** `tag := [\w][\w.-]{0,127}` */
export const isTag = (s: string): boolean =>
  s.length >= 1 && s.length <= 128 && isWord(code(s, 0)) && all(s, (c) => isWord(c) || c === DOT || c === DASH);

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
    .every((part) => part.length > 0 && isAlpha(code(part, 0)) && all(part, isAlnum));
  return algorithmOk && hex.length >= 32 && all(hex, isHex);
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
    .every((part) => part.length > 0 && all(part, isLowerAlnum));
  return algorithmOk && encoded.length > 0 && all(encoded, (c) => isAlnum(c) || c === 0x3d || c === UNDERSCORE || c === DASH);
};

/** Lowercase hexadecimal, as digests of known algorithms must be encoded. */
export const isLowerHexString = (s: string): boolean => s.length > 0 && all(s, isLowerHex);

/** `identifier := [a-f0-9]{64}`: a full image ID. */
export const isIdentifier = (s: string): boolean => s.length === 64 && all(s, isLowerHex);

/**
 * Go's `strings.ToLower` for the purposes of the grammar: the same as
 * JavaScript's except that U+0130 (İ) lowers to a plain `i`, as Go's tables say.
 */
export const goLower = (s: string): string => s.replace(/\u0130/g, "i").toLowerCase();
