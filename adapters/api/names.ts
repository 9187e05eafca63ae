import * as E from "fp-ts/lib/Either.js";
import * as RA from "fp-ts/lib/ReadonlyArray.js";
import type { Failure } from "../../core/failure.ts";
import { normalizeStoreName, type StoreState } from "../../core/store/index.ts";
import { transaction } from "../store/store.ts";
import type { BerthContext } from "./context.ts";

/**
 * Changes the names of the image `input` names, under the store's lock:
 * `edit` gets the image ID and the normalised names and returns the new state.
 */
export const renameImage = async (
  ctx: BerthContext,
  input: string,
  names: ReadonlyArray<string>,
  edit: (imageId: string, names: ReadonlyArray<string>) => (state: StoreState) => E.Either<Failure, StoreState>,
): Promise<E.Either<Failure, void>> => {
  const normalized = RA.traverse(E.Applicative)(normalizeStoreName)(names);
  if (E.isLeft(normalized)) return normalized;
  return transaction(ctx.store, async (state) => {
    const found = ctx.lookup(input, state.images);
    if (E.isLeft(found)) return found;
    const next = edit(found.right.image.id, normalized.right)(state);
    return E.isLeft(next) ? next : E.right({ state: next.right, result: undefined });
  });
};
