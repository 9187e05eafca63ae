import { hostname } from "node:os";
import { open, readFile, rm, stat, type FileHandle } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { failure, type Failure } from "../../core/failure.ts";
import { systemMessage } from "../fs/errors.ts";
import { isAlive } from "../fs/temp-names.ts";
import { removeFile } from "../fs/remove-file.ts";

const owner = (): string => `${process.pid}\n${hostname()}\n`;

/** Whether the process that wrote this lock is gone (same host, no such PID). */
const isStale = (content: string): boolean => {
  const [pid, host] = content.split("\n");
  if (host !== hostname() || pid === undefined || !/^\d+$/.test(pid)) return false;
  return !isAlive(Number(pid));
};

/** System errors that mean the lock cannot be written here at all (read-only, not ours, full), as opposed to held. */
const unwritable: ReadonlySet<string> = new Set(["EROFS", "EACCES", "EPERM", "ENOSPC", "EDQUOT"]);

/** A lock that cannot be taken because it cannot be written; `cause` has the system's error code. */
export type LockFailure = Failure<"STORE_LOCKED" | "STORE_IO">;

/** Whether a lock failure means the store cannot be written (rather than that someone holds it). */
export const cannotWrite = (f: LockFailure): boolean => f.code === "STORE_IO" && unwritable.has(String((f.cause as { code?: unknown } | undefined)?.code));

const readOrEmpty = (path: string): Promise<string> => readFile(path, "utf8").catch(() => "");

/** Removes a lock whose holder died, with a second lock so that two breakers cannot both succeed. */
const breakStale = async (path: string, seen: string): Promise<void> => {
  const breaker = `${path}.break`;
  try {
    const h = await open(breaker, "wx");
    await h.close();
  } catch {
    // Another process is breaking it; a breaker that died long ago is cleared.
    const s = await stat(breaker).catch(() => undefined);
    if (s !== undefined && Date.now() - s.mtimeMs > 10_000) await rm(breaker, { force: true });
    return;
  }
  try {
    if ((await readOrEmpty(path)) === seen) await removeFile(path);
  } finally {
    await rm(breaker, { force: true });
  }
};

/** A held lock; `release` gives it back. */
export interface HeldLock {
  readonly release: () => Promise<void>;
}

/**
 * Takes the cross-process lock at `path` (a file created exclusively, with
 * the holder's PID). A lock left by a dead process is broken; a live one is
 * waited for, up to `timeoutMs`.
 */
export const acquireLock = async (path: string, timeoutMs = 120_000): Promise<HeldLock | LockFailure> => {
  const mine = owner();
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    let h: FileHandle | undefined;
    try {
      h = await open(path, "wx", 0o644);
      await h.writeFile(mine);
      const held = h;
      return {
        // Still ours if the path still names the file we created: kept open, its inode cannot be reused by a new
        // lock (one made after a breaker removed ours). Two rounds, where reading the owner back took six.
        release: async () => {
          const [ours, there] = await Promise.all([held.stat().catch(() => undefined), stat(path).catch(() => undefined)]);
          const same = ours !== undefined && there !== undefined && ours.ino === there.ino && ours.dev === there.dev;
          await Promise.all([same ? removeFile(path).catch(() => undefined) : undefined, held.close().catch(() => undefined)]);
        },
      };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") {
        // Created but not written (a full disk): an empty lock must not be left for others to wait on.
        if (h !== undefined) {
          await h.close().catch(() => undefined);
          await removeFile(path).catch(() => undefined);
        }
        return failure("STORE_IO", `${path}: cannot take the store's lock: ${systemMessage(e)}`, { code });
      }
    }
    const seen = await readOrEmpty(path);
    // An empty lock is one being written, or left by a process that died right after creating it.
    const emptyAndOld = seen === "" && Date.now() - ((await stat(path).catch(() => undefined))?.mtimeMs ?? Date.now()) > 10_000;
    if ((seen !== "" && isStale(seen)) || emptyAndOld) {
      await breakStale(path, seen);
      continue;
    }
    if (Date.now() > deadline) {
      return failure("STORE_LOCKED", `${path}: held by process ${seen.split("\n")[0] ?? "?"} for too long`);
    }
    await sleep(Math.min(50, 1 + attempt) + Math.floor(Math.random() * 5));
  }
};
