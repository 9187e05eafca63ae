/**
 * Referrers (OCI 1.1): manifests whose `subject` names another (signatures,
 * attestations). A registry with the referrers API lists them itself; for one
 * without, the referrers tag schema keeps an index of them under the tag
 * `ALG-HEX` of the subject's digest, which a copy must read and update.
 */
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../failure.ts";
import { mediaTypes, parseManifest, type ImageIndex, type IndexEntry } from "../manifest/index.ts";
import { digestAlgorithm, digestHex, type Digest } from "../reference/index.ts";

/** The tag under which the referrers tag schema keeps the index of what refers to `subject`. */
export const referrersTag = (subject: Digest): string => `${digestAlgorithm(subject)}-${digestHex(subject)}`.slice(0, 128);

/** The referrers an index lists (from the API or the fallback tag), each a manifest descriptor with a valid digest; or why the document is none. */
export const referrersIn = (bytes: Uint8Array, where: string): E.Either<Failure, ReadonlyArray<IndexEntry>> => {
  const parsed = parseManifest(bytes, mediaTypes.ociIndex, where);
  if (E.isLeft(parsed)) return parsed;
  if (parsed.right.kind !== "index") return E.left(failure("INVALID_MANIFEST", `${where}: the referrers list is not an index`));
  return E.right(parsed.right.index.manifests);
};

/** The fallback tag's index with `added` in it: each digest once, earlier entries first, as the schema keeps them. */
export const withReferrers = (existing: ImageIndex | undefined, added: ReadonlyArray<IndexEntry>): ImageIndex => {
  const manifests = [...(existing?.manifests ?? [])];
  for (const d of added) if (!manifests.some((m) => m.digest === d.digest)) manifests.push(d);
  return { schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests };
};
