import { mkdir } from "node:fs/promises";

/**
 * Runs `op`, which creates something in `dir`; where it fails because `dir`
 * is missing (ENOENT), makes `dir` (mode `mode`) and runs it once more.
 * Asking for the directory first would cost every write a round trip.
 */
export const makingDirectory = async <A>(dir: string, op: () => Promise<A>, mode = 0o755): Promise<A> => {
  try {
    return await op();
  } catch (e) {
    if ((e as { code?: unknown }).code !== "ENOENT") throw e;
  }
  await mkdir(dir, { recursive: true, mode });
  return op();
};
