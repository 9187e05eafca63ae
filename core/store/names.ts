import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../failure.ts";
import { parseNormalizedNamed, parseReference, referenceString, tagNameOnly } from "../reference/index.ts";
import { hasRegistry } from "../registries/index.ts";
import { printable } from "../text.ts";
import type { StoreState } from "./records.ts";

/** A name that cannot be given to or taken from an image. */
export type NameError = Failure<"INVALID_REFERENCE" | "NOT_TAGGED">;

/**
 * The name as the store keeps it, as podman normalises `tag` arguments: a
 * short name lives under `localhost/`, `:latest` is added, digests are refused.
 */
export const normalizeStoreName = (name: string): E.Either<NameError, string> => {
  const typed = parseReference(name);
  if (E.isLeft(typed)) return E.left(failure("INVALID_REFERENCE", `"${printable(name)}": ${typed.left.message}`));
  const qualified = hasRegistry(typed.right) ? name : `localhost/${name}`;
  const full = parseNormalizedNamed(qualified);
  if (E.isLeft(full)) return E.left(failure("INVALID_REFERENCE", `"${printable(name)}": ${full.left.message}`));
  if (full.right.digest !== undefined) return E.left(failure("INVALID_REFERENCE", `"${printable(name)}": a tag cannot contain a digest`));
  return E.right(referenceString(tagNameOnly(full.right)));
};

/** The state with `names` (already normalised) on image `imageId`, taken from any other image that had them. */
export const addNames =
  (imageId: string, names: ReadonlyArray<string>) =>
  (state: StoreState): StoreState => ({
    ...state,
    images: state.images.map((i) =>
      i.id === imageId ? { ...i, names: [...new Set([...i.names, ...names])] } : names.some((n) => i.names.includes(n)) ? { ...i, names: i.names.filter((n) => !names.includes(n)) } : i,
    ),
  });

/** The state without `names` on image `imageId` (all of them when `names` is empty); a name it lacks is an error. */
export const removeNames =
  (imageId: string, names: ReadonlyArray<string>) =>
  (state: StoreState): E.Either<NameError, StoreState> => {
    const image = state.images.find((i) => i.id === imageId);
    const missing = names.find((n) => image === undefined || !image.names.includes(n));
    if (missing !== undefined) return E.left(failure("NOT_TAGGED", `image ${imageId.slice(0, 12)} is not tagged with "${printable(missing)}"`));
    return E.right({
      ...state,
      images: state.images.map((i) => (i.id === imageId ? { ...i, names: names.length === 0 ? [] : i.names.filter((n) => !names.includes(n)) } : i)),
    });
  };

/** A stored `repo:tag` name split into repository and tag (`<none>` when it has no tag). */
export const splitStoredName = (name: string): { readonly repository: string; readonly tag: string } => {
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  return colon > slash ? { repository: name.slice(0, colon), tag: name.slice(colon + 1) } : { repository: name, tag: "<none>" };
};

/** The `repo@digest` names of an image: each repository it is named in, with each of its manifest digests. */
export const repoDigests = (names: ReadonlyArray<string>, digests: ReadonlyArray<string>): ReadonlyArray<string> =>
  [...new Set(names.map((n) => splitStoredName(n).repository))].flatMap((r) => digests.map((d) => `${r}@${d}`));
