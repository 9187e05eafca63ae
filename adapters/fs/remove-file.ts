import { unlink } from "node:fs/promises";

/**
 * Removes the file at `path` if there is one: a single unlink, where
 * `rm(path, { force: true })` asks lstat first (and again before it unlinks),
 * three round trips to the thread pool on a command's way to exit.
 */
export const removeFile = (path: string): Promise<void> =>
  unlink(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== "ENOENT") throw e;
  });
