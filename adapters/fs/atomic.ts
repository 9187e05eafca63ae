import { open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { coalescing } from "./coalesce.ts";
import { makingDirectory } from "./making-directory.ts";
import { tempBeside } from "./temp-names.ts";

/** Options for {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Mode of the file (default 0o644). */
  readonly mode?: number;
  /** Mode of directories created on the way (default 0o755). */
  readonly dirMode?: number;
  /** fsync the directory after the rename (default true); false where the caller fsyncs it once for several files. */
  readonly syncDirectory?: boolean;
}

const fsyncDirectory = async (dir: string): Promise<void> => {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};

/**
 * fsyncs a directory so that a rename in it survives a crash. Callers that
 * come while an fsync of the directory is under way share the one that
 * starts after it (it covers every rename made before it starts): blobs
 * landing together in one directory cost two fsyncs, not one each.
 */
export const syncDirectory: (dir: string) => Promise<void> = coalescing(fsyncDirectory);

/**
 * Replaces `path` with `data` so that readers see the old content or the new,
 * never a mix: write a temp file beside it, fsync, rename over, fsync the directory.
 */
export const writeFileAtomic = async (path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> => {
  const dir = dirname(path);
  const temp = tempBeside(path);
  const handle = await makingDirectory(dir, () => open(temp, "wx", options.mode ?? 0o644), options.dirMode);
  try {
    await handle.writeFile(data);
    await handle.chmod(options.mode ?? 0o644);
    await handle.sync();
  } catch (e) {
    await handle.close();
    await rm(temp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  if (options.syncDirectory !== false) await syncDirectory(dir);
};
