/**
 * Copying what refers to an image (`copy --referrers`, `sync --referrers`):
 * the source's referrers, from its referrers API or else its referrers tag,
 * each copied by digest (with what refers to it in turn), then listed at the
 * destination: a registry with the API lists them itself; for one without,
 * the referrers tag there is read and rewritten with them added.
 */
import * as E from "fp-ts/lib/Either.js";
import { referrersIn, referrersTag, withReferrers } from "../../core/copy/index.ts";
import { failure, type Failure } from "../../core/failure.ts";
import { mediaTypes, parseManifest, type ImageIndex, type IndexEntry } from "../../core/manifest/index.ts";
import { parseDigest, repositoryName, type Reference } from "../../core/reference/index.ts";
import type { RegistryClient } from "../../plugins/docker/registry.ts";
import type { BerthContext, RegistryAccess } from "./context.ts";
import { copyByName, type CopyRequest, type SharedClients } from "./copy.ts";

/** Referrers of referrers are followed this deep (a signature of an attestation of an image is 2). */
const maxDepth = 4;

/** What refers to `subject` in a repository: the API's list, else the referrers tag's, else nothing. */
const listed = async (client: RegistryClient, subject: string, where: string): Promise<E.Either<Failure, { readonly entries: ReadonlyArray<IndexEntry>; readonly api: boolean }>> => {
  const digest = parseDigest(subject);
  if (E.isLeft(digest)) return E.left(failure("INVALID_REFERENCE", `${where}: "${subject}": ${digest.left.message}`));
  const api = await client.referrers(digest.right);
  if (E.isLeft(api)) return api;
  if (api.right !== undefined) {
    const entries = referrersIn(api.right, `${where}: referrers of ${subject}`);
    return E.isLeft(entries) ? entries : E.right({ entries: entries.right, api: true });
  }
  const tagged = await client.getManifest(referrersTag(digest.right));
  if (E.isLeft(tagged)) return tagged.left.code === "NOT_FOUND" ? E.right({ entries: [], api: false }) : tagged;
  const entries = referrersIn(tagged.right.bytes, `${where}: ${referrersTag(digest.right)}`);
  return E.isLeft(entries) ? entries : E.right({ entries: entries.right, api: false });
};

/** Adds `entries` to the destination's referrers tag of `subject` (its referrers API, where it has one, needs nothing). */
const listAtDestination = async (client: RegistryClient, subject: string, entries: ReadonlyArray<IndexEntry>, where: string): Promise<E.Either<Failure, void>> => {
  const digest = parseDigest(subject);
  if (E.isLeft(digest) || entries.length === 0) return E.right(undefined);
  const api = await client.referrers(digest.right);
  if (E.isLeft(api)) return api;
  if (api.right !== undefined) return E.right(undefined);
  const tag = referrersTag(digest.right);
  const existing = await client.getManifest(tag);
  let index: ImageIndex | undefined;
  if (E.isRight(existing)) {
    const parsed = parseManifest(existing.right.bytes, existing.right.mediaType, `${where}: ${tag}`);
    if (E.isLeft(parsed)) return parsed;
    if (parsed.right.kind === "index") index = parsed.right.index;
  } else if (existing.left.code !== "NOT_FOUND") return existing;
  const merged = withReferrers(index, entries);
  if (index !== undefined && merged.manifests.length === index.manifests.length) return E.right(undefined);
  const put = await client.putManifest(tag, new TextEncoder().encode(JSON.stringify(merged)), mediaTypes.ociIndex);
  return E.isLeft(put) ? put : E.right(undefined);
};

/**
 * Copies what refers to `subject` in `source`'s repository to
 * `destination`'s, digests kept (a referrer names its subject by digest), and
 * lists them there; gives the digests copied. `base` carries the copy's
 * settings (access, signal, events) over to each referrer's copy.
 */
export const copyReferrers = async (
  ctx: BerthContext,
  source: Reference,
  destination: Reference,
  subject: string,
  base: Pick<CopyRequest, "src" | "dest" | "signal" | "onEvent">,
  shared?: SharedClients,
  depth = 0,
): Promise<E.Either<Failure, ReadonlyArray<string>>> => {
  const srcAccess: RegistryAccess = ctx.access(base.src);
  const destAccess: RegistryAccess = ctx.access(base.dest);
  const srcHttp = shared?.src ?? ctx.http(srcAccess, base.signal);
  const destHttp = shared?.dest ?? ctx.http(destAccess, base.signal);
  const from = repositoryName(source);
  const to = repositoryName(destination);
  try {
    const src = await ctx.registry(source, srcAccess, srcHttp);
    if (E.isLeft(src)) return src;
    const found = await listed(src.right.client, subject, from);
    if (E.isLeft(found)) return found;
    const copied: string[] = [];
    for (const entry of found.right.entries) {
      const isIndex = entry.mediaType === mediaTypes.ociIndex || entry.mediaType === mediaTypes.dockerManifestList;
      const r = await copyByName(
        ctx,
        { ...base, source: `docker://${from}@${entry.digest}`, destination: `docker://${to}@${entry.digest}`, preserveDigests: true, all: isIndex },
        { src: srcHttp, dest: destHttp },
      );
      if (E.isLeft(r)) return E.left(failure(r.left.code, `copying ${entry.digest}, which refers to ${subject}: ${r.left.message}`));
      copied.push(entry.digest);
      if (depth + 1 < maxDepth) {
        const deeper = await copyReferrers(ctx, source, destination, entry.digest, base, { src: srcHttp, dest: destHttp }, depth + 1);
        if (E.isLeft(deeper)) return deeper;
        copied.push(...deeper.right);
      }
    }
    const dest = await ctx.registry(destination, destAccess, destHttp, true);
    if (E.isLeft(dest)) return dest;
    const listedThere = await listAtDestination(dest.right.client, subject, found.right.entries, to);
    return E.isLeft(listedThere) ? listedThere : E.right(copied);
  } finally {
    if (shared === undefined) {
      await srcHttp.close();
      await destHttp.close();
    }
  }
};
