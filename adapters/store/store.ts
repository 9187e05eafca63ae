import { mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { decodeDocument } from "../../core/codec.ts";
import { failure, type Failure } from "../../core/failure.ts";
import { parseDigest } from "../../core/reference/index.ts";
import { blobsInUse, emptyStoreState, ociIndexOf, storeState, type StoreState } from "../../core/store/index.ts";
import { syncDirectory, writeFileAtomic, type AtomicWriteOptions } from "../fs/atomic.ts";
import { blobPath, hasBlob, type BlobStore } from "./blobs.ts";
import { systemMessage } from "../fs/errors.ts";
import { exists } from "../fs/exists.ts";
import { acquireLock, cannotWrite } from "./lock.ts";

/** An opened store: an OCI layout at `root` with berth's records in `root/berth`. */
export interface Store extends BlobStore {
  readonly stateFile: string;
  readonly lockFile: string;
  readonly containersDir: string;
}

/** The paths of the store at `root`. */
export const storeAt = (root: string): Store => ({
  root,
  ingestDir: join(root, "berth", "ingest"),
  stateFile: join(root, "berth", "state.json"),
  lockFile: join(root, "berth", "lock"),
  containersDir: join(root, "berth", "containers"),
});

const json = (v: unknown): string => `${JSON.stringify(v)}\n`;

/** The store's records as last committed; a missing file is an empty store. */
export const readState = async (store: Store): Promise<E.Either<Failure, StoreState>> => {
  let text: string;
  try {
    text = await readFile(store.stateFile, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return E.right(emptyStoreState);
    return E.left(failure("STORE_IO", `${store.stateFile}: ${(e as Error).message}`));
  }
  try {
    const r = decodeDocument(storeState, store.stateFile)(JSON.parse(text));
    return E.isLeft(r) ? E.left(failure("INVALID_CONFIG", `${r.left.message}; berth check --repair rebuilds it from index.json`)) : r;
  } catch (e) {
    return E.left(failure("INVALID_CONFIG", `${store.stateFile}: invalid JSON: ${systemMessage(e)}; berth check --repair rebuilds it from index.json`));
  }
};

const writeIndex = (store: Store, state: StoreState, options?: AtomicWriteOptions): Promise<void> => writeFileAtomic(join(store.root, "index.json"), json(ociIndexOf(state)), options);

/** Creates the layout if it is not there yet (under the lock, so it never overwrites a live index). */
export const openStore = async (root: string): Promise<E.Either<Failure, Store>> => {
  const store = storeAt(root);
  try {
    await mkdir(join(root, "blobs", "sha256"), { recursive: true });
    await mkdir(store.ingestDir, { recursive: true });
    await mkdir(store.containersDir, { recursive: true });
  } catch (e) {
    return E.left(failure("STORE_IO", `${root}: ${(e as Error).message}`));
  }
  if (await exists(join(root, "index.json"))) return E.right(store);
  const r = await transaction(store, async (state) => E.right({ state, result: undefined }));
  if (E.isLeft(r)) return r;
  return E.right(store);
};

/** Every blob the committed records use; `undefined` when they cannot be read (then nothing may be deleted). */
export const usedBlobs = async (store: Store): Promise<ReadonlySet<string> | undefined> => {
  const state = await readState(store);
  return E.isLeft(state) ? undefined : blobsInUse(state.right);
};

/** What a transaction's body returns: the new state, a result, and work to do after commit while still locked. */
export interface Change<R> {
  readonly state: StoreState;
  readonly result: R;
  /** Runs after the new state is committed, still under the lock (e.g. deleting blobs no image uses). */
  readonly afterCommit?: () => Promise<void>;
  /** Rewrite index.json even if the records did not change (repair). */
  readonly rewriteIndex?: boolean;
  /** Blobs the new state refers to that must exist at commit (a concurrent removal may have taken them). */
  readonly requiredBlobs?: ReadonlyArray<string>;
}

/** Makes the store's own directory (the lock lives there) the first time anything is written. */
const ensureStore = async (store: Store): Promise<E.Either<Failure, void>> => {
  try {
    await mkdir(join(store.root, "berth"), { recursive: true });
    return E.right(undefined);
  } catch (e) {
    return E.left(failure("STORE_IO", `${store.root}: cannot create the store: ${systemMessage(e)}`, { code: (e as NodeJS.ErrnoException).code }));
  }
};

/** Runs `body` under the store's cross-process lock; a thrown system error becomes one line naming the store. */
export const withLock = async <R>(store: Store, body: () => Promise<E.Either<Failure, R>>): Promise<E.Either<Failure, R>> => {
  const made = await ensureStore(store);
  if (E.isLeft(made)) return made;
  const lock = await acquireLock(store.lockFile);
  if ("code" in lock) return E.left(lock);
  try {
    return await body();
  } catch (e) {
    return E.left(failure("STORE_IO", `${store.root}: ${systemMessage(e)}`));
  } finally {
    await lock.release();
  }
};

/**
 * Runs `body` on the current state without changing anything: under the
 * lock when it can be taken, and without it when the store cannot be
 * written at all (read-only, not ours, full), where nobody can change it
 * under us either.
 */
export const inspection = async <R>(store: Store, body: (state: E.Either<Failure, StoreState>) => Promise<E.Either<Failure, R>>): Promise<E.Either<Failure, R>> => {
  // A store never written to has nothing to guard: it is read as empty, and not made.
  const lock = (await exists(join(store.root, "berth"))) ? await acquireLock(store.lockFile) : failure("STORE_IO", "no store yet", { code: "EROFS" });
  if ("code" in lock && !cannotWrite(lock)) return E.left(lock);
  try {
    return await body(await readState(store));
  } catch (e) {
    return E.left(failure("STORE_IO", `${store.root}: ${systemMessage(e)}`));
  } finally {
    if (!("code" in lock)) await lock.release();
  }
};

/** What a transaction does when state.json cannot be read: rebuild it (repair), or fail as reading did. */
export type Recovery = (problem: Failure) => Promise<E.Either<Failure, StoreState>>;

/**
 * Runs `body` on the current state under the store's cross-process lock and
 * commits what it returns: state.json by atomic rename, then the derived
 * index.json. Nothing is written when the body fails.
 */
export const transaction = async <R>(store: Store, body: (state: StoreState) => Promise<E.Either<Failure, Change<R>>>, recover?: Recovery): Promise<E.Either<Failure, R>> => {
  const made = await ensureStore(store);
  if (E.isLeft(made)) return made;
  const lock = await acquireLock(store.lockFile);
  if ("code" in lock) return E.left(lock);
  try {
    const read = await readState(store);
    const current = E.isLeft(read) && recover !== undefined ? await recover(read.left) : read;
    if (E.isLeft(current)) return current;
    const change = await body(current.right);
    if (E.isLeft(change)) return change;
    // Looked for all at once: one after another they were ~2 ms of a 24-layer pull's commit.
    const required = (change.right.requiredBlobs ?? []).map((b) => ({ text: b, digest: parseDigest(b) }));
    const present = Promise.all(required.map((b) => (E.isLeft(b.digest) ? false : hasBlob(store, b.digest.right))));
    // Their names made durable before a record names them: writers may have left that to the commit (nameSyncedLater).
    const durable = Promise.all(
      [...new Set(required.flatMap((b) => (E.isLeft(b.digest) ? [] : [dirname(blobPath(store, b.digest.right))])))].map((dir) =>
        syncDirectory(dir).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== "ENOENT") throw e;
        }),
      ),
    );
    // Awaited together: a failed fsync must have its handler before the presence checks end.
    const [found] = await Promise.all([present, durable]);
    const vanished = required.find((_, i) => found[i] !== true);
    if (vanished !== undefined) return E.left(failure("BLOB_NOT_FOUND", `blob ${vanished.text} vanished before commit (removed concurrently); try again`));
    // A recovered state is new, so it is written even if the body left it as it was.
    const changed = change.right.state !== current.right || E.isLeft(read);
    if (changed) await writeFileAtomic(store.stateFile, json(change.right.state));
    // The derived files after the records, written side by side, their directory fsynced once for both.
    const layout = join(store.root, "oci-layout");
    const rewrite = changed || change.right.rewriteIndex === true;
    // index.json is looked for only where nothing else makes it written.
    const [hasLayout, hasIndex] = await Promise.all([exists(layout), rewrite || exists(join(store.root, "index.json"))]);
    const derived = [
      ...(hasLayout ? [] : [writeFileAtomic(layout, json({ imageLayoutVersion: "1.0.0" }), { syncDirectory: false })]),
      ...(rewrite || !hasIndex ? [writeIndex(store, change.right.state, { syncDirectory: false })] : []),
    ];
    const outcomes = await Promise.allSettled(derived);
    const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (refused !== undefined) throw refused.reason;
    if (derived.length > 0) await syncDirectory(store.root);
    await change.right.afterCommit?.();
    return E.right(change.right.result);
  } catch (e) {
    return E.left(failure("STORE_IO", `${store.root}: ${systemMessage(e)}`));
  } finally {
    await lock.release();
  }
};
