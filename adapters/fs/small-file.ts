/** Reading a small file from a user's path whole, refusing one too large before reading it. */
import { open } from "node:fs/promises";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";

/** The bytes of `path`, a regular file of at most `maxBytes` (`what` names it in errors), or a one-line failure. */
export const readSmallFile = async (path: string, maxBytes: number, what: string): Promise<E.Either<Failure, Uint8Array>> => {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, "r");
    const s = await handle.stat();
    if (!s.isFile()) return E.left(failure("INVALID_ARGUMENT", `${path}: not a file (a ${what} file is needed)`));
    if (s.size > maxBytes) return E.left(failure("INVALID_MANIFEST", `${path}: larger than ${maxBytes} bytes, too large for a ${what}`));
    return E.right(new Uint8Array(await handle.readFile()));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory" : (e as Error).message.split("\n")[0];
    return E.left(failure(code === "ENOENT" ? "NOT_FOUND" : "INVALID_ARGUMENT", `reading ${what} from ${path}: ${why}`));
  } finally {
    await handle?.close();
  }
};
