import { giveBack, lend, seal, slabBytes, takeSlab } from "../bytes/slabs.ts";
import { writeBatcher, type WriteBatch } from "../bytes/write-batches.ts";
import { hashesAhead } from "../bytes/hash-ahead.ts";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { digestHex, parseDigest, type Digest } from "../../core/reference/index.ts";
import { syncDirectory } from "../fs/atomic.ts";
import { makingDirectory } from "../fs/making-directory.ts";
import { systemMessage } from "../fs/errors.ts";

/** A blob that did not arrive as promised. */
export type BlobError = Failure<"DIGEST_MISMATCH" | "SIZE_MISMATCH" | "BLOB_IO" | "INVALID_REFERENCE" | "BLOB_NOT_FOUND" | "BLOB_TOO_LARGE" | "INVALID_ARCHIVE">;

const earlySyncBytes = 8 << 20;

/** Directories this process has made (or found) for blobs: a pull asked for the same two again for every blob. */
const madeDirs = new Set<string>();

/** Runs `op`, which needs `dir`: made first unless this process made it before, and made again if it has gone since. */
const inDirectory = async <A>(dir: string, op: () => Promise<A>): Promise<A> => {
  if (madeDirs.has(dir)) return makingDirectory(dir, op);
  await mkdir(dir, { recursive: true });
  madeDirs.add(dir);
  return op();
};

/** The blob store of an OCI layout: `blobs/sha256/<hex>`, written through an ingest directory. */
export interface BlobStore {
  readonly root: string;
  readonly ingestDir: string;
  /** Where a blob lives, for layouts other than `blobs/<alg>/<hex>` (the `dir:` format keeps `<hex>` at the top). */
  readonly pathOf?: (digest: Digest) => string;
}

/** Where a verified blob lives. The digest has been validated, so it is safe as a path. */
export const blobPath = (store: BlobStore, digest: Digest): string =>
  store.pathOf?.(digest) ?? join(store.root, "blobs", digest.slice(0, digest.indexOf(":")), digestHex(digest));

/** Whether the store has the blob. */
export const hasBlob = async (store: BlobStore, digest: Digest): Promise<boolean> =>
  stat(blobPath(store, digest)).then(
    (s) => s.isFile(),
    () => false,
  );

/** What a stream must turn out to be; either part may be unknown. */
export interface Expected {
  readonly digest?: Digest;
  readonly size?: number;
  /** A last check of the content (e.g. that it is a valid tar) before it gets its name. */
  readonly validate?: () => Promise<E.Either<BlobError, void>>;
  /** Claims the blob, once its digest is known and before it gets its name, against concurrent removals (see claims.ts). */
  readonly claim?: (digest: Digest) => Promise<E.Either<Failure, void>>;
  /**
   * Leave the blob's name to be made durable by the caller, who fsyncs the
   * blob directory before anything durable refers to the blob (the store's
   * transaction does, for the blobs a commit requires): a pull then syncs the
   * directory once, not once per blob on its way to commit.
   */
  readonly nameSyncedLater?: boolean;
}

/**
 * Streams bytes into the store: into an ingest file, hashed and counted as
 * they come, fsynced, checked against what was expected, then renamed into
 * place and the directory fsynced (unless `nameSyncedLater`). Nothing unverified ever has a blob's name;
 * on any failure the ingest file is removed.
 */
export const putBlob = async (store: BlobStore, source: AsyncIterable<Uint8Array>, expected: Expected = {}): Promise<E.Either<BlobError, { digest: Digest; size: number }>> => {
  const what = `blob ${expected.digest ?? "(unknown digest)"}`;
  // Hidden, and named by the writer's PID, so that `check` can tell a dead writer's leftovers from a live one's.
  const temp = join(store.ingestDir, `.ingest-${process.pid}-${randomBytes(8).toString("hex")}`);
  let handle: FileHandle;
  try {
    handle = await inDirectory(store.ingestDir, () => open(temp, "wx", 0o644));
  } catch (e) {
    // The stream is left to the caller, who releases it (a registry response must not be left open).
    return E.left(failure("BLOB_IO", `${store.root}: cannot store ${what}: ${systemMessage(e)}`));
  }
  const hash = createHash("sha256");
  // Fed by the source as the bytes arrive, where it can (a registry's body): hashed here otherwise.
  const ahead = hashesAhead(source, hash);
  let size = 0;
  let closed = false;
  const fail = async (e: BlobError): Promise<E.Either<BlobError, never>> => {
    await syncing;
    if (!closed) await handle.close().catch(() => undefined);
    closed = true;
    await rm(temp, { force: true }).catch(() => undefined);
    return E.left(e);
  };
  // Chunks are gathered into writes of about 1 MiB (far fewer system calls than one per network chunk), cut where the page cache keeps its folios small (see write-batches.ts).
  const batches = writeBatcher();
  // Write-back is started every few MiB while the blob still streams in, so that the
  // last fdatasync finds little left to write (measured: 4 x 32 MiB, ~220 -> ~170 ms).
  let unsynced = 0;
  let syncing: Promise<void> | undefined;
  const write = async (batch: WriteBatch | undefined): Promise<void> => {
    if (batch === undefined) return;
    if (batch.bytes > 0) await handle.writev(batch.pieces);
    // Hashed and written: the bytes are not needed any more, and network slabs can be read into again.
    for (const chunk of batch.done) giveBack(chunk);
    unsynced += batch.bytes;
    if (syncing === undefined && unsynced >= earlySyncBytes) {
      unsynced = 0;
      // Its failure is the final fdatasync's to report.
      syncing = handle.datasync().then(
        () => void (syncing = undefined),
        () => void (syncing = undefined),
      );
    }
  };
  try {
    for await (const chunk of source) {
      size += chunk.byteLength;
      if (expected.size !== undefined && size > expected.size) {
        return await fail(failure("SIZE_MISMATCH", `${what}: more than the expected ${expected.size} bytes`));
      }
      if (!ahead) hash.update(chunk);
      batches.push(chunk);
      for (let batch = batches.ready(); batch !== undefined; batch = batches.ready()) await write(batch);
    }
    await write(batches.rest());
    await syncing;
    await handle.datasync();
    await handle.close();
    closed = true;
  } catch (e) {
    return fail(failure("BLOB_IO", `${store.root}: writing ${what}: ${systemMessage(e)}`, e));
  }
  if (expected.size !== undefined && size !== expected.size) {
    return fail(failure("SIZE_MISMATCH", `${what}: got ${size} bytes, expected ${expected.size}`));
  }
  const digest = `sha256:${hash.digest("hex")}` as Digest;
  if (expected.digest !== undefined && expected.digest !== digest) {
    return fail(failure("DIGEST_MISMATCH", `blob ${expected.digest}: content has digest ${digest}`));
  }
  const valid = expected.validate === undefined ? E.right(undefined) : await expected.validate();
  if (E.isLeft(valid)) return fail(valid.left);
  const claimed = expected.claim === undefined ? E.right(undefined) : await expected.claim(digest);
  if (E.isLeft(claimed)) return fail(failure("BLOB_IO", claimed.left.message));
  const final = blobPath(store, digest);
  try {
    await inDirectory(dirname(final), () => rename(temp, final));
    if (expected.nameSyncedLater !== true) await syncDirectory(dirname(final));
  } catch (e) {
    return fail(failure("BLOB_IO", `${store.root}: storing blob ${digest}: ${systemMessage(e)}`));
  }
  return E.right({ digest, size });
};

/** Stores a small document (manifest, config) given as bytes. */
export const putBytes = (store: BlobStore, bytes: Uint8Array, expected: Expected = {}) =>
  putBlob(
    store,
    (async function* () {
      yield bytes;
    })(),
    expected,
  );

/** A blob's bytes as a stream; the caller re-verifies if it does not trust the store. */
export const blobStream = (store: BlobStore, digest: Digest): AsyncIterable<Uint8Array> => slabRead(blobPath(store, digest));

/**
 * A file's bytes in 1 MiB pieces read into slabs (see slabs.ts): a reader
 * that is done with a piece (the network, once it is sent; the store, once
 * written) gives it back for the next read, so a push reads into the same
 * few MiB instead of faulting in fresh pages for every MiB (measured, 4 x 32
 * MiB push: 0.35 s of system time against skopeo's 0.14 s). The file is
 * opened on the first read and closed at the end or when the reader stops.
 */
async function* slabRead(path: string): AsyncIterable<Uint8Array> {
  const handle = await open(path, "r");
  try {
    for (;;) {
      const slab = takeSlab();
      const { bytesRead } = await handle.read(slab, 0, slabBytes, null);
      if (bytesRead === 0) {
        seal(slab);
        return;
      }
      const view = lend(slab, slab.subarray(0, bytesRead));
      seal(slab);
      yield view;
    }
  } finally {
    await handle.close();
  }
}

/** Reads a small blob (a manifest or config), refusing one larger than `cap`. */
export const readSmallBlob = async (store: BlobStore, digestText: string, cap = 4 * 1024 * 1024): Promise<E.Either<BlobError, Uint8Array>> => {
  const digest = parseDigest(digestText);
  if (E.isLeft(digest)) return E.left(failure("INVALID_REFERENCE", `blob "${digestText}": ${digest.left.message}`));
  const path = blobPath(store, digest.right);
  const s = await stat(path).catch(() => undefined);
  if (s === undefined) return E.left(failure("BLOB_NOT_FOUND", `blob ${digest.right} is missing from ${store.root}`));
  if (s.size > cap) return E.left(failure("BLOB_TOO_LARGE", `blob ${digest.right} is ${s.size} bytes, more than ${cap}`));
  return E.right(new Uint8Array(await readFile(path)));
};

/** Removes blobs; a missing one is no error. */
export const deleteBlobs = async (store: BlobStore, digests: ReadonlyArray<string>): Promise<void> => {
  for (const d of digests) {
    const digest = parseDigest(d);
    if (E.isRight(digest)) await rm(blobPath(store, digest.right), { force: true });
  }
};

/** Questions under way: whether a directory exists, shared by everyone who asks meanwhile (a plan asks for every blob at once). */
const asking = new Map<string, Promise<boolean>>();

const directoryExists = (dir: string): Promise<boolean> => {
  const under = asking.get(dir);
  if (under !== undefined) return under;
  const asked = stat(dir)
    .then((s) => s.isDirectory(), () => false)
    .finally(() => asking.delete(dir));
  asking.set(dir, asked);
  return asked;
};

/** Whether a blob store has the blob a descriptor names (false for a malformed digest). */
export const hasDescribed = async (store: BlobStore, d: { readonly digest: string }): Promise<boolean> => {
  const digest = parseDigest(d.digest);
  if (E.isLeft(digest)) return false;
  const path = blobPath(store, digest.right);
  // A blob directory that is not there holds no blobs: a first pull into a new store asks once, not once per blob.
  return (await directoryExists(dirname(path))) && (await stat(path).then((s) => s.isFile(), () => false));
};

/** Streams a blob into a store, verified against what its descriptor promises (digest and size); `claim` and `nameSyncedLater` as in {@link Expected}. */
export const putDescribed = async (
  store: BlobStore,
  d: { readonly digest: string; readonly size: number },
  stream: AsyncIterable<Uint8Array>,
  options: Pick<Expected, "nameSyncedLater" | "claim"> = {},
): Promise<E.Either<BlobError, void>> => {
  const digest = parseDigest(d.digest);
  if (E.isLeft(digest)) return E.left(failure("INVALID_REFERENCE", `blob "${d.digest}": ${digest.left.message}`));
  const r = await putBlob(store, stream, { ...options, digest: digest.right, size: d.size });
  return E.isLeft(r) ? r : E.right(undefined);
};

/** A blob a descriptor names, as a stream, or why it cannot be read; `where` names the store in messages. */
export const readDescribed = async (store: BlobStore, d: { readonly digest: string }, where: string): Promise<E.Either<BlobError, AsyncIterable<Uint8Array>>> => {
  const digest = parseDigest(d.digest);
  if (E.isLeft(digest)) return E.left(failure("INVALID_REFERENCE", `${where}: blob "${d.digest}": ${digest.left.message}`));
  return (await hasBlob(store, digest.right)) ? E.right(blobStream(store, digest.right)) : E.left(failure("BLOB_NOT_FOUND", `${where}: blob ${d.digest} is missing`));
};
