import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../failure.ts";
import { parseNormalizedNamed, parseReference, referenceString, repositoryName, tagNameOnly, type Reference } from "../reference/index.ts";
import { printable } from "../text.ts";
import type { RegistriesConfig } from "./model.ts";
import { hasRegistry, type AliasCache } from "./short-names.ts";

/** The order in which a name typed by a user is looked for among local images. */
export interface LocalLookupPlan {
  /** Fully-qualified names to look for, in order. */
  readonly names: ReadonlyArray<string>;
  /** An image-ID prefix to look for after the names, when the input could be one. */
  readonly idPrefix?: string;
  /** Last resort: a name ending in `/` + this (repo:tag or repo@digest). */
  readonly suffix?: string;
}

/** Just what lookup needs of a local image. */
export interface LocalImage {
  readonly id: string;
  readonly names: ReadonlyArray<string>;
}

/** Why lookup failed. */
export type LocalLookupError = Failure<"IMAGE_NOT_FOUND" | "AMBIGUOUS_IMAGE" | "INVALID_REFERENCE">;

const withTypedSuffix = (repository: string, typed: Reference): string | undefined => {
  const suffix = (typed.tag === undefined ? "" : `:${typed.tag}`) + (typed.digest === undefined ? "" : `@${typed.digest}`);
  const r = parseNormalizedNamed(repository + suffix);
  return E.isRight(r) ? referenceString(tagNameOnly(r.right)) : undefined;
};

/**
 * The local lookup order for `input`: its alias, `localhost/NAME`, each
 * search registry + NAME, `docker.io/library/NAME`, then a full or short
 * image ID, then a repo:tag suffix match at a `/` boundary.
 */
export const localLookupOrder = (
  input: string,
  config: RegistriesConfig,
  aliasCache?: AliasCache,
): E.Either<LocalLookupError, LocalLookupPlan> => {
  const bare = input.startsWith("sha256:") ? input.slice(7) : input.startsWith("@") ? input.slice(1) : input;
  const idPrefix = /^[a-f0-9]{1,64}$/.test(bare) ? bare : undefined;
  const parsed = parseReference(input);
  if (E.isLeft(parsed) || bare !== input) {
    return idPrefix !== undefined
      ? E.right({ names: [], idPrefix })
      : E.left(failure("INVALID_REFERENCE", `"${printable(input)}": ${E.isLeft(parsed) ? parsed.left.message : "not an image ID"}`));
  }
  const typed = parsed.right;
  if (hasRegistry(typed)) {
    const full = parseNormalizedNamed(input);
    if (E.isLeft(full)) return E.left(failure("INVALID_REFERENCE", `"${printable(input)}": ${full.left.message}`));
    return E.right({ names: [referenceString(tagNameOnly(full.right))] });
  }
  const repo = repositoryName(typed);
  const alias = aliasCache?.aliases[repo] || config.aliases[repo]?.value;
  const names = [
    ...(alias === undefined ? [] : [alias]),
    `localhost/${repo}`,
    ...config.unqualifiedSearchRegistries.map((r) => `${r}/${repo}`),
    `docker.io/${repo}`,
  ]
    .map((r) => withTypedSuffix(r, typed))
    .filter((n): n is string => n !== undefined);
  const suffix = withTypedSuffix(`localhost/${repo}`, typed)?.slice("localhost/".length);
  return E.right({
    names: [...new Set(names)],
    ...(idPrefix === undefined ? {} : { idPrefix }),
    ...(suffix === undefined ? {} : { suffix }),
  });
};

const ambiguous = (what: string, images: ReadonlyArray<LocalImage>): LocalLookupError =>
  failure("AMBIGUOUS_IMAGE", `"${printable(what)}" matches several images: ${images.map((i) => i.id.slice(0, 12)).join(", ")}`);

/** Applies a lookup plan to the local images: the first rule that matches decides. */
export const findLocalImage =
  (input: string, plan: LocalLookupPlan) =>
  <I extends LocalImage>(images: ReadonlyArray<I>): E.Either<LocalLookupError, I> => {
    for (const name of plan.names) {
      const hit = images.find((i) => i.names.includes(name));
      if (hit !== undefined) return E.right(hit);
    }
    if (plan.idPrefix !== undefined) {
      const p = plan.idPrefix;
      const hits = images.filter((i) => i.id.startsWith(p));
      if (hits.length === 1 && hits[0] !== undefined) return E.right(hits[0]);
      if (hits.length > 1) return E.left(ambiguous(p, hits));
    }
    if (plan.suffix !== undefined) {
      const s = plan.suffix;
      const hits = images.filter((i) => i.names.some((n) => n === s || n.endsWith(`/${s}`)));
      if (hits.length === 1 && hits[0] !== undefined) return E.right(hits[0]);
      if (hits.length > 1) return E.left(ambiguous(input, hits));
    }
    return E.left(failure("IMAGE_NOT_FOUND", `${printable(input)}: image not known`));
  };
