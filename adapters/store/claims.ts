/**
 * Claims: the blobs a write in progress (a pull, a load, an import) relies
 * on before it commits. A claim is a file `berth/claims/PID-RANDOM` listing
 * digests, written under the store's lock; a removal, also under the lock,
 * deletes no claimed blob. So a pull that found a layer present, or has just
 * written one, cannot lose it to an `rmi` of another image that shared it.
 * Claims of dead processes count for nothing and are swept.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { systemMessage } from "../fs/errors.ts";
import { isAlive } from "../fs/temp-names.ts";
import { forgetBlobInfo } from "./blob-info.ts";
import { deleteBlobs } from "./blobs.ts";
import { withLock, type Store } from "./store.ts";
import { removeFile } from "../fs/remove-file.ts";

/** The claims of one write in progress. */
export interface Claims {
  /** Claims more blobs (under the store's lock); a removal from then on keeps them. Digests an add under way is claiming wait for it. */
  readonly add: (digests: ReadonlyArray<string>) => Promise<E.Either<Failure, void>>;
  /** Everything this write has claimed. */
  readonly claimed: () => ReadonlySet<string>;
  /**
   * Gives the claims up. Blobs that were claimed, are used by no image
   * (the write did not commit) and are claimed by no one else are deleted.
   */
  readonly release: (usedBy: () => Promise<ReadonlySet<string> | undefined>) => Promise<void>;
  /** Gives the claims up, deleting nothing: for a write that committed, whose image now uses every blob it claimed. */
  readonly drop: () => Promise<void>;
}

const claimsDir = (store: Store): string => join(store.root, "berth", "claims");

const ownerPid = (name: string): number => Number(name.split("-")[0]);

/** The blobs live writers other than `except` have claimed; must run under the store's lock. Dead writers' claims are removed. */
export const claimedBlobs = async (store: Store, except?: string): Promise<ReadonlySet<string>> => {
  const dir = claimsDir(store);
  const out = new Set<string>();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (name === except || name.startsWith(".")) continue;
    const pid = ownerPid(name);
    if (!Number.isInteger(pid) || !isAlive(pid)) {
      await rm(join(dir, name), { force: true }).catch(() => undefined);
      continue;
    }
    const text = await readFile(join(dir, name), "utf8").catch(() => "");
    for (const d of text.split("\n")) if (d !== "") out.add(d);
  }
  return out;
};

/** Deletes those of `digests` that no live writer claims; must run under the store's lock. */
export const deleteUnclaimed = async (store: Store, digests: ReadonlyArray<string>, except?: string): Promise<void> => {
  if (digests.length === 0) return;
  const claimed = await claimedBlobs(store, except);
  const gone = digests.filter((d) => !claimed.has(d));
  await deleteBlobs(store, gone);
  await forgetBlobInfo(store.root, gone);
};

/** Opens the claims of one write; nothing is written until the first `add`. */
export const openClaims = (store: Store): Claims => {
  const name = `${process.pid}-${randomBytes(8).toString("hex")}`;
  const path = join(claimsDir(store), name);
  const held = new Set<string>();
  // Claims being written, by digest: a later add of the same digests waits for that one instead of writing again.
  const pending = new Map<string, Promise<E.Either<Failure, void>>>();
  let written = false;
  const settled = () => Promise.allSettled([...pending.values()]);
  return {
    add: async (digests) => {
      const waits = new Set(digests.flatMap((d) => pending.get(d) ?? []));
      const fresh = [...new Set(digests.filter((d) => !held.has(d) && !pending.has(d)))];
      if (fresh.length > 0) {
        const writing = withLock(store, async () => {
          const claimed = [...held, ...fresh];
          // Written and read only under the lock, and worthless after a crash (its writer is dead): no rename, no fsync.
          if (!written) await mkdir(claimsDir(store), { recursive: true });
          await writeFile(path, claimed.map((d) => `${d}\n`).join(""));
          written = true;
          for (const d of fresh) held.add(d);
          return E.right(undefined);
        }).catch((e: unknown) => E.left(failure("STORE_IO", `${store.root}: claiming blobs: ${systemMessage(e)}`)));
        for (const d of fresh) pending.set(d, writing);
        const done = (): void => {
          for (const d of fresh) if (pending.get(d) === writing) pending.delete(d);
        };
        writing.then(done, done);
        waits.add(writing);
      }
      const outcomes = await Promise.all(waits);
      return outcomes.find(E.isLeft) ?? E.right(undefined);
    },
    claimed: () => held,
    release: async (usedBy) => {
      await settled();
      if (!written) return;
      await withLock(store, async () => {
        const used = await usedBy();
        if (used !== undefined) await deleteUnclaimed(store, [...held].filter((d) => !used.has(d)), name);
        await removeFile(path);
        return E.right(undefined);
      }).catch(() => undefined);
      // Without the lock (a read-only or full disk), the claim still goes; what it kept is garbage for `check --repair`.
      await removeFile(path).catch(() => undefined);
    },
    drop: async () => {
      await settled();
      if (written) await removeFile(path).catch(() => undefined);
    },
  };
};
