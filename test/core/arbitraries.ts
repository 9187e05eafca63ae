/**
 * fast-check generators built from the reference grammar, shared by the
 * property tests of the core.
 */
import fc from "fast-check";

/** Property runs per property: the issue asks for at least 10,000 in CI. */
export const runs = { numRuns: 10_000 } as const;

const chars = (s: string) => fc.constantFrom(...s.split(""));
const lowerAlnum = chars("abcdefghijklmnopqrstuvwxyz0123456789");
const alnum = chars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
const hexLower = chars("0123456789abcdef");
const word = chars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

const run = (unit: fc.Arbitrary<string>, min: number, max: number) => fc.string({ unit, minLength: min, maxLength: max });

/** `path-component := [a-z0-9]+ (separator [a-z0-9]+)*` */
export const pathComponent: fc.Arbitrary<string> = fc
  .tuple(run(lowerAlnum, 1, 8), fc.array(fc.tuple(fc.constantFrom(".", "_", "__", "-", "--", "---"), run(lowerAlnum, 1, 8)), { maxLength: 3 }))
  .map(([head, rest]) => head + rest.map(([sep, a]) => sep + a).join(""));

/** One to four path components joined by `/`; short enough to stay under 255. */
export const path: fc.Arbitrary<string> = fc.array(pathComponent, { minLength: 1, maxLength: 4 }).map((cs) => cs.join("/"));

const domainComponent: fc.Arbitrary<string> = fc.oneof(
  run(alnum, 1, 1),
  fc.tuple(run(alnum, 1, 1), run(fc.oneof(alnum, fc.constant("-")), 0, 6), run(alnum, 1, 1)).map((p) => p.join("")),
);
const domainName = fc.array(domainComponent, { minLength: 1, maxLength: 3 }).map((cs) => cs.join("."));
const ipv4 = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }).map((o) => o.join("."));
const ipv6 = fc
  .tuple(fc.array(run(hexLower, 1, 4), { minLength: 0, maxLength: 4 }), fc.boolean(), fc.array(run(hexLower, 1, 4), { minLength: 1, maxLength: 3 }))
  .map(([a, compressed, b]) => `[${a.join(":")}${compressed || a.length === 0 ? "::" : ":"}${b.join(":")}]`);

/** `host [':' port]` with a domain name, an IPv4 address or a bracketed IPv6 address. */
export const domain: fc.Arbitrary<string> = fc
  .tuple(fc.oneof(domainName, ipv4, ipv6, fc.constant("localhost")), fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }))
  .map(([host, port]) => (port === undefined ? host : `${host}:${port}`));

/** `tag := [\w][\w.-]{0,127}` */
export const tag: fc.Arbitrary<string> = fc
  .tuple(run(word, 1, 1), run(fc.oneof(word, fc.constantFrom(".", "-")), 0, 127))
  .map(([a, b]) => a + b);

/** A valid digest of one of the supported algorithms. */
export const digest: fc.Arbitrary<string> = fc.oneof(
  run(hexLower, 64, 64).map((h) => `sha256:${h}`),
  run(hexLower, 96, 96).map((h) => `sha384:${h}`),
  run(hexLower, 128, 128).map((h) => `sha512:${h}`),
);

/** The parts of a valid reference, and its text. */
export interface GeneratedReference {
  readonly domain: string | undefined;
  readonly path: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
  readonly text: string;
}

/** A valid reference built from the grammar: `[domain/]path[:tag][@digest]`. */
export const reference: fc.Arbitrary<GeneratedReference> = fc
  .record({
    domain: fc.option(domain, { nil: undefined }),
    path,
    tag: fc.option(tag, { nil: undefined }),
    digest: fc.option(digest, { nil: undefined }),
  })
  .map((r) => ({
    ...r,
    text: (r.domain === undefined ? "" : `${r.domain}/`) + r.path + (r.tag === undefined ? "" : `:${r.tag}`) + (r.digest === undefined ? "" : `@${r.digest}`),
  }));

/** Strings made mostly of the characters the grammar cares about. */
export const soup: fc.Arbitrary<string> = fc.string({
  unit: fc.constantFrom("a", "Z", "0", "f", ".", "-", "_", "/", ":", "@", "[", "]", "%", " ", "é", "İ", "sha256:", "localhost"),
  maxLength: 300,
});

/** Any string at all: full Unicode, lone surrogates, long. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 500 }),
  fc.string({ unit: "grapheme", maxLength: 200 }),
  fc.string({ unit: "binary", maxLength: 200 }),
  soup,
);
