import { rm } from "node:fs/promises";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../../core/failure.ts";
import { applyRemoval, orphanedBlobs, planRemoval, type RemovalPlan, type RemovalRequest, type StoreState } from "../../core/store/index.ts";
import { deleteUnclaimed } from "../store/claims.ts";
import { readState, transaction } from "../store/store.ts";
import { selectImages } from "./images.ts";
import type { Session } from "./session.ts";

/**
 * Plans a removal and (unless `dryRun`) applies it in one locked
 * transaction: records first, then the containers' directories and the
 * blobs no image uses any more. The plan is the report: its steps, its
 * errors and podman's exit code for them.
 */
export const removeWith = async (session: Session, request: (state: StoreState) => RemovalRequest, dryRun = false): Promise<E.Either<Failure, RemovalPlan>> =>
  transaction(session.store, async (state) => {
    const plan = planRemoval(session.lookup)(state, request(state));
    if (dryRun) return E.right({ state, result: plan });
    const next = applyRemoval(state, plan);
    const removed = state.images.filter((i) => !next.images.some((n) => n.id === i.id));
    const goneContainers = state.containers.filter((c) => !next.containers.some((n) => n.id === c.id));
    return E.right({
      state: next,
      result: plan,
      afterCommit: async () => {
        for (const c of goneContainers) await rm(join(session.store.containersDir, c.id), { recursive: true, force: true });
        // A blob a pull or load in progress has claimed stays: it is about to be used again.
        await deleteUnclaimed(session.store, orphanedBlobs(removed, next.images));
      },
    });
  });

/**
 * Removes dangling images (with `all`, every image no container uses),
 * round after round until none goes; images that cannot go are skipped.
 * Gives the IDs removed.
 */
export const pruneImages = async (session: Session, options: { readonly all?: boolean; readonly filters?: ReadonlyArray<string> } = {}): Promise<E.Either<Failure, ReadonlyArray<string>>> => {
  const filters = [...(options.filters ?? []), ...(options.all === true ? ["containers=false"] : ["dangling=true"])];
  const gone: string[] = [];
  for (let round = 0; round < 1000; round++) {
    const state = await readState(session.store);
    if (E.isLeft(state)) return state;
    const selected = selectImages(session, state.right, filters, true);
    if (E.isLeft(selected)) return selected;
    if (selected.right.length === 0) break;
    const ids = selected.right.map((i) => i.id);
    const r = await removeWith(session, () => ({ inputs: [], imageIds: ids, noPrune: true }));
    if (E.isLeft(r)) return r;
    const deleted = r.right.steps.flatMap((s) => (s.kind === "delete-image" ? [s.imageId] : []));
    if (deleted.length === 0) break;
    gone.push(...deleted);
  }
  return E.right(gone);
};
