import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { tempBeside } from "./temp-names.ts";

/** Options for {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Mode of the file (default 0o644). */
  readonly mode?: number;
  /** Mode of directories created on the way (default 0o755). */
  readonly dirMode?: number;
}

/** fsyncs a directory so that a rename in it survives a crash. */
export const syncDirectory = async (dir: string): Promise<void> => {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};

/**
 * Replaces `path` with `data` so that readers see the old content or the new,
 * never a mix: write a temp file beside it, fsync, rename over, fsync the directory.
 */
export const writeFileAtomic = async (path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> => {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: options.dirMode ?? 0o755 });
  const temp = tempBeside(path);
  const handle = await open(temp, "wx", options.mode ?? 0o644);
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
  await syncDirectory(dir);
};
