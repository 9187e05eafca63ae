/** Stores for tests that work on the store's files directly. */
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { openStore, type Store } from "../adapters/store/store.ts";

/** Opens a new store under `root` at each call (`root` from `tempDir()`, made at a test file's top level). */
export const freshStores = (root: string): (() => Promise<Store>) => {
  let made = 0;
  return async () => {
    const s = await openStore(join(root, `store${made++}`));
    if (E.isLeft(s)) throw new Error(s.left.message);
    return s.right;
  };
};
