import { lstat, readlink } from "node:fs/promises";
import { join } from "node:path";

/** Symlinks followed at most while resolving one path, as the kernel's limit. */
const maxSymlinks = 40;

/**
 * Resolves `unsafe` inside `root` as if `root` were `/`: `..` stops at the
 * root, absolute symlink targets start at the root, and every symlink on the
 * way is followed the same way. The result is always under `root`. The last
 * component is not followed when `followLast` is false (to replace a symlink
 * rather than write through it).
 */
export const secureJoin = async (root: string, unsafe: string, followLast = false): Promise<string> => {
  const pending = unsafe.split("/").filter((c) => c !== "" && c !== ".");
  const resolved: string[] = [];
  let followed = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === "..") {
      resolved.pop();
      continue;
    }
    const candidate = join(root, ...resolved, part);
    const isLast = pending.length === 0;
    const info = await lstat(candidate).catch(() => undefined);
    if (info?.isSymbolicLink() === true && (!isLast || followLast)) {
      if (++followed > maxSymlinks) throw new Error(`too many levels of symbolic links in ${unsafe}`);
      const target = await readlink(candidate);
      if (target.startsWith("/")) resolved.length = 0;
      pending.unshift(...target.split("/").filter((c) => c !== "" && c !== "."));
      continue;
    }
    resolved.push(part);
  }
  return join(root, ...resolved);
};
