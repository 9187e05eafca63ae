import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { counterpartsOf, decodeBlobInfo, withLocation, withVariant, type BlobInfoEntry } from "../../core/copy/blob-info.ts";
import type { Counterpart, LayerCompression, Location } from "../../core/copy/index.ts";
import type { Descriptor } from "../../core/manifest/index.ts";
import { digestHex, parseDigest, type Digest } from "../../core/reference/index.ts";
import { makingDirectory } from "../fs/making-directory.ts";
import { tempBeside } from "../fs/temp-names.ts";

/**
 * The blob-info cache: which compressed blob holds which uncompressed one,
 * and where in registries each was seen, so that a second push re-uses the
 * compressed layer (or mounts it) instead of compressing and uploading again.
 */
export interface BlobInfoCache {
  /** The other compressions of a blob's content, with where each was seen. */
  readonly counterparts: (digest: string) => Promise<ReadonlyArray<Counterpart>>;
  /** That `compressed` is `uncompressed` compressed. */
  readonly recordPair: (uncompressed: Digest, compressed: Descriptor & { readonly compression: LayerCompression }) => Promise<void>;
  /** That a blob is in a registry repository. */
  readonly recordLocation: (digest: string, at: Location) => Promise<void>;
}

/** The directory of a store's cache: one small JSON file per blob it knows something of. */
export const blobInfoDir = (storeRoot: string): string => join(storeRoot, "berth", "blob-info");

/** The file of a blob's entry; `undefined` for a digest that is not one (nothing from outside becomes a path unchecked). */
const fileOf = (dir: string, digest: string): string | undefined => {
  const d = parseDigest(digest);
  return E.isRight(d) ? join(dir, `${d.right.slice(0, d.right.indexOf(":"))}-${digestHex(d.right)}.json`) : undefined;
};

/** A blob's entry; missing or unreadable, an empty one. */
const readEntry = async (dir: string, digest: string): Promise<BlobInfoEntry> => {
  const file = fileOf(dir, digest);
  if (file === undefined) return {};
  try {
    return decodeBlobInfo(JSON.parse(await readFile(file, "utf8")));
  } catch {
    return {};
  }
};

/** The last update of each entry's file: this process's updates of an entry run one after another, so none is lost to another. */
const queued = new Map<string, Promise<void>>();

/**
 * The cache of the store at `storeRoot`. Entries are written whole (a temp
 * file renamed over the old), without the store's lock and without fsync:
 * two processes racing may lose one's entry, and a crash may lose the last
 * ones, which only costs the work the entry would have saved. Unreadable
 * entries are empty ones.
 */
export const blobInfoCache = (storeRoot: string): BlobInfoCache => {
  const dir = blobInfoDir(storeRoot);
  const read = (digest: string): Promise<BlobInfoEntry> => readEntry(dir, digest);
  const update = (digest: string, change: (e: BlobInfoEntry) => BlobInfoEntry): Promise<void> => {
    const file = fileOf(dir, digest);
    if (file === undefined) return Promise.resolve();
    const next = (queued.get(file) ?? Promise.resolve()).then(() => write(digest, file, change));
    queued.set(file, next);
    return next.finally(() => {
      if (queued.get(file) === next) queued.delete(file);
    });
  };
  const write = async (digest: string, file: string, change: (e: BlobInfoEntry) => BlobInfoEntry): Promise<void> => {
    try {
      const current = await read(digest);
      const next = change(current);
      // What is known already is not written again: a push that mounts every blob writes nothing here.
      if (JSON.stringify(next) === JSON.stringify(current)) return;
      const temp = tempBeside(file);
      await makingDirectory(dir, () => writeFile(temp, `${JSON.stringify(next)}\n`, { mode: 0o644 }));
      await rename(temp, file).catch(async (e: unknown) => {
        await rm(temp, { force: true });
        throw e;
      });
    } catch {
      // A cache that cannot be written is only work not saved next time.
    }
  };
  return {
    counterparts: async (digest) => {
      const entries = new Map<string, BlobInfoEntry>([[digest, await read(digest)]]);
      const base = entries.get(digest)?.uncompressed ?? digest;
      if (!entries.has(base)) entries.set(base, await read(base));
      for (const v of entries.get(base)?.variants ?? []) if (!entries.has(v.digest)) entries.set(v.digest, await read(v.digest));
      return counterpartsOf(digest, (d) => entries.get(d) ?? {});
    },
    recordPair: async (uncompressed, compressed) => {
      await update(uncompressed, withVariant(compressed));
      await update(compressed.digest, (e) => ({ ...e, uncompressed }));
    },
    recordLocation: (digest, at) => update(digest, withLocation(at)),
  };
};

/** Forgets what the cache knows of blobs the store no longer has, and of the compressions made of them. */
export const forgetBlobInfo = async (storeRoot: string, digests: ReadonlyArray<string>): Promise<void> => {
  const dir = blobInfoDir(storeRoot);
  for (const d of digests) {
    const variants = ((await readEntry(dir, d)).variants ?? []).map((v) => v.digest);
    for (const f of [d, ...variants].map((x) => fileOf(dir, x))) if (f !== undefined) await rm(f, { force: true }).catch(() => undefined);
  }
};
