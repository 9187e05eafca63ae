import * as E from "fp-ts/lib/Either.js";
import { failure } from "../failure.ts";
import { localLookupOrder, type AliasCache, type LocalLookupError, type RegistriesConfig } from "../registries/index.ts";
import { printable } from "../text.ts";
import type { ImageRecord } from "./records.ts";

/** The image a user's input names, and how it was named. */
export interface LookupResult {
  readonly image: ImageRecord;
  /** `name` when one of its names matched (the name is given), `id` or `digest` otherwise. */
  readonly by: "name" | "id" | "digest";
  readonly name?: string;
}

/** Finds images by what a user typed, given the registries configuration. */
export type ImageLookup = (input: string, images: ReadonlyArray<ImageRecord>) => E.Either<LocalLookupError, LookupResult>;

const ambiguous = (what: string, images: ReadonlyArray<ImageRecord>): LocalLookupError =>
  failure("AMBIGUOUS_IMAGE", `"${printable(what)}" matches several images: ${images.map((i) => i.id.slice(0, 12)).join(", ")}`);

const splitDigest = (name: string): { repo: string; digest: string } | undefined => {
  const at = name.indexOf("@");
  return at < 0 ? undefined : { repo: name.slice(0, at), digest: name.slice(at + 1) };
};

/** Repository of a stored `repo:tag` name. */
const repoOf = (name: string): string => {
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  return colon > slash ? name.slice(0, colon) : name;
};

/**
 * The local lookup order of the registries issue, applied to image records:
 * names (alias, localhost, search registries, docker.io), then `repo@digest`,
 * then an ID prefix, then a `/`-bounded suffix of a name.
 */
export const imageLookup =
  (config: RegistriesConfig, aliasCache?: AliasCache): ImageLookup =>
  (input, images) => {
    const plan = localLookupOrder(input, config, aliasCache);
    if (E.isLeft(plan)) return plan;
    for (const wanted of plan.right.names) {
      const byDigest = splitDigest(wanted);
      if (byDigest !== undefined) {
        // A repo@digest names the image with that manifest digest and a name in that repository.
        const hit = images.find((i) => i.digests.includes(byDigest.digest) && i.names.some((n) => repoOf(n) === repoOf(byDigest.repo)));
        if (hit !== undefined) return E.right({ image: hit, by: "digest" });
        continue;
      }
      const hit = images.find((i) => i.names.includes(wanted));
      if (hit !== undefined) return E.right({ image: hit, by: "name", name: wanted });
    }
    if (plan.right.idPrefix !== undefined) {
      const p = plan.right.idPrefix;
      const hits = images.filter((i) => i.id.startsWith(p));
      if (hits.length > 1) return E.left(ambiguous(p, hits));
      if (hits[0] !== undefined) return E.right({ image: hits[0], by: "id" });
    }
    if (input.startsWith("sha256:") && input.length === 71) {
      const hit = images.find((i) => i.digests.includes(input));
      if (hit !== undefined) return E.right({ image: hit, by: "digest" });
    }
    const suffix = plan.right.suffix;
    if (suffix !== undefined) {
      const hits = images.flatMap((i) => i.names.filter((n) => n === suffix || n.endsWith(`/${suffix}`)).map((n) => ({ image: i, name: n })));
      const distinct = [...new Set(hits.map((h) => h.image))];
      if (distinct.length > 1) return E.left(ambiguous(input, distinct));
      if (hits[0] !== undefined) return E.right({ image: hits[0].image, by: "name", name: hits[0].name });
    }
    return E.left(failure("IMAGE_NOT_FOUND", `${printable(input)}: image not known`));
  };
