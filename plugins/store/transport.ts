import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { mediaTypes } from "../../core/manifest/index.ts";
import type { Location } from "../../core/copy/index.ts";
import { parseDigest, parseNormalizedNamed } from "../../core/reference/index.ts";
import { addNames, imageRecordOf, type ImageRecord } from "../../core/store/index.ts";
import { hasDescribed, putBlob, putBytes, putDescribed, readDescribed, readSmallBlob } from "../../adapters/store/blobs.ts";
import { openClaims } from "../../adapters/store/claims.ts";
import { writtenImageOf } from "../../adapters/store/documents.ts";
import { sha256Text } from "../../adapters/store/hash.ts";
import { transaction, usedBlobs, type Store } from "../../adapters/store/store.ts";
import type { ImageDestination, ImageSource, RawManifest } from "../contract.ts";

/** Where an image of the store is known to be: the registries and repositories of its names (their blobs can be mounted there). */
const locationsOf = (image: ImageRecord): ReadonlyArray<Location> =>
  image.names.flatMap((n) => {
    const r = parseNormalizedNamed(n);
    return E.isRight(r) ? [{ registry: r.right.domain, repository: r.right.path }] : [];
  });

/** Reads an image from the local store. */
export const storeSource = (store: Store, image: ImageRecord): ImageSource => ({
  locations: locationsOf(image),
  manifest: async (digest) => {
    const d = digest ?? image.manifestDigest;
    const bytes = await readSmallBlob(store, d);
    return E.isLeft(bytes) ? bytes : E.right({ bytes: bytes.right, mediaType: image.manifestMediaType, digest: d });
  },
  blob: (d) => readDescribed(store, d, store.root),
  close: async () => undefined,
});

/**
 * Writes an image into the local store: blobs verified into place as they
 * come, the manifest last; the image becomes visible, with `names`, only at
 * commit, in one locked transaction.
 */
export const storeDestination = (store: Store, names: ReadonlyArray<string>): ImageDestination => {
  let manifest: RawManifest | undefined;
  // The image a manifest makes (its config, read back from the store), read as soon as the manifest comes: the
  // copy has stored the config by then, and the read goes on beside the manifest's own write (~2-4 ms of a pull).
  let early: { readonly of: RawManifest; readonly image: ReturnType<typeof writtenImageOf> } | undefined;
  let committed = false;
  const alsoKnownAs: string[] = [];
  // What this copy relies on, claimed against concurrent removals; released at close, and if the copy never
  // committed, those no image uses are removed again.
  const claims = openClaims(store);
  // Every blob is claimed before it gets its name (and a found one before it counts as there), so the claims of
  // the whole image are written beside the first downloads rather than before them (~1.5 ms of a pull's start).
  // Names are made durable by the commit, which requires every blob of the image (one directory fsync, not one per blob).
  const claim = (digest: string) => claims.add([digest]);
  const storing = { claim, nameSyncedLater: true } as const;
  return {
    acceptedManifestTypes: [mediaTypes.ociManifest, mediaTypes.dockerManifest],
    reserve: async (ds) => {
      void claims.add(ds.map((d) => d.digest));
      return E.right(undefined);
    },
    // A blob not there needs no claim to be known absent; one that is there is looked for again once claimed (a removal may have come first).
    hasBlob: async (d) => (await hasDescribed(store, d)) && E.isRight(await claim(d.digest)) && (await hasDescribed(store, d)),
    putBlob: (d, stream) => putDescribed(store, d, stream, storing),
    putNewBlob: (stream) => putBlob(store, stream, storing),
    putManifest: async (m, fromIndex) => {
      if (fromIndex !== undefined) alsoKnownAs.push(fromIndex);
      const digest = parseDigest(m.digest);
      if (E.isLeft(digest)) return E.left(failure("INVALID_REFERENCE", `manifest "${m.digest}": ${digest.left.message}`));
      const image = writtenImageOf(store, m);
      // Awaited at commit, if there is one; a failure there is only a reason to read again.
      image.catch(() => undefined);
      early = { of: m, image };
      const put = await putBytes(store, m.bytes, { ...storing, digest: digest.right, size: m.bytes.byteLength });
      if (E.isLeft(put)) return put;
      manifest = m;
      return E.right(undefined);
    },
    commit: async (): Promise<E.Either<Failure, { id: string }>> => {
      if (manifest === undefined) return E.left(failure("INVALID_MANIFEST", "commit before any manifest was written"));
      const read = early?.of === manifest ? await early.image.catch(() => undefined) : undefined;
      const written = read !== undefined && E.isRight(read) ? read : await writtenImageOf(store, manifest);
      if (E.isLeft(written)) return written;
      const base = imageRecordOf({ ...written.right, names: [] }, sha256Text);
      const record: ImageRecord = { ...base, digests: [...new Set([...base.digests, ...alsoKnownAs])] };
      return transaction(store, async (state) => {
        const existing = state.images.find((i) => i.id === record.id);
        const merged = existing === undefined ? record : { ...record, names: existing.names, digests: [...new Set([...existing.digests, ...record.digests])] };
        const next = addNames(record.id, names)({ ...state, images: [...state.images.filter((i) => i.id !== record.id), merged] });
        return E.right({ state: next, result: { id: record.id }, requiredBlobs: record.blobs, afterCommit: async () => void (committed = true) });
      });
    },
    close: () => (committed ? claims.drop() : claims.release(() => usedBlobs(store))),
  };
};
