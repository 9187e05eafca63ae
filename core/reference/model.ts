/**
 * A parsed image reference: `domain/path:tag@digest`.
 *
 * `domain` is `""` when the text named none (only {@link parseReference} can
 * produce that; normalised references always have one). `tag` and `digest`
 * are absent rather than empty when not given.
 */
export interface Reference {
  readonly domain: string;
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** The repository name: `domain/path`, or just `path` when there is no domain. */
export const repositoryName = (ref: Pick<Reference, "domain" | "path">): string =>
  ref.domain === "" ? ref.path : `${ref.domain}/${ref.path}`;

/** Upstream `String()`: the name, then `:tag` and `@digest` where present. */
export const referenceString = (ref: Reference): string =>
  repositoryName(ref) + (ref.tag === undefined ? "" : `:${ref.tag}`) + (ref.digest === undefined ? "" : `@${ref.digest}`);

/** Whether the reference carries neither a tag nor a digest. */
export const isNameOnly = (ref: Reference): boolean => ref.tag === undefined && ref.digest === undefined;

/** Upstream `TagNameOnly`: adds the `latest` tag when there is neither tag nor digest. */
export const tagNameOnly = (ref: Reference): Reference => (isNameOnly(ref) ? { ...ref, tag: "latest" } : ref);

/** The same reference without its tag and digest. */
export const trimmedName = (ref: Reference): Reference => ({ domain: ref.domain, path: ref.path });
