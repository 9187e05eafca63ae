import { rm } from "node:fs/promises";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../../core/failure.ts";
import { applyRemoval, blobsInUse, orphanedBlobs, planRemoval, type RemovalPlan, type RemovalRequest, type RemovalStep, type StoreState } from "../../core/store/index.ts";
import { exitCodeFor } from "./errors.ts";
import { exitCodes, type ExitCode } from "./exit-codes.ts";
import { deleteUnclaimed } from "../store/claims.ts";
import { readState, transaction } from "../store/store.ts";
import { selectImages } from "./images.ts";
import type { BerthContext } from "./context.ts";

/** A removal as it went: the plan's steps and errors, and podman's exit code for them (that of the first error). */
export interface RemovalReport extends RemovalPlan {
  readonly exitCode: ExitCode;
}

/**
 * Plans a removal and (unless `dryRun`) applies it in one locked
 * transaction: records first, then the containers' directories and the
 * blobs no image uses any more. The plan is the report: its steps, its
 * errors and podman's exit code for them.
 */
export const removeWith = async (ctx: BerthContext, request: (state: StoreState) => RemovalRequest, dryRun = false): Promise<E.Either<Failure, RemovalReport>> =>
  transaction(ctx.store, async (state) => {
    const planned = planRemoval(ctx.lookup)(state, request(state));
    const first = planned.errors[0];
    const plan: RemovalReport = { ...planned, exitCode: first === undefined ? exitCodes.ok : exitCodeFor(first.code) };
    if (dryRun) return E.right({ state, result: plan });
    const next = applyRemoval(state, plan);
    const removed = state.images.filter((i) => !next.images.some((n) => n.id === i.id));
    const goneContainers = state.containers.filter((c) => !next.containers.some((n) => n.id === c.id));
    return E.right({
      state: next,
      result: plan,
      afterCommit: async () => {
        for (const c of goneContainers) await rm(join(ctx.store.containersDir, c.id), { recursive: true, force: true });
        // A blob a pull or load in progress has claimed stays: it is about to be used again.
        await deleteUnclaimed(ctx.store, orphanedBlobs(removed, blobsInUse(next)));
      },
    });
  });

/**
 * Removes dangling images (with `all`, every image no container uses),
 * round after round until none goes; images that cannot go are skipped.
 * Gives the IDs removed.
 */
export const pruneImages = async (
  ctx: BerthContext,
  options: { readonly all?: boolean; readonly filters?: ReadonlyArray<string>; readonly onStep?: (step: RemovalStep) => void } = {},
): Promise<E.Either<Failure, ReadonlyArray<string>>> => {
  const filters = [...(options.filters ?? []), ...(options.all === true ? ["containers=false"] : ["dangling=true"])];
  const gone: string[] = [];
  for (let round = 0; round < 1000; round++) {
    const state = await readState(ctx.store);
    if (E.isLeft(state)) return state;
    const selected = selectImages(ctx, state.right, filters, true);
    if (E.isLeft(selected)) return selected;
    if (selected.right.length === 0) break;
    const ids = selected.right.map((i) => i.id);
    const r = await removeWith(ctx, () => ({ inputs: [], imageIds: ids, noPrune: true }));
    if (E.isLeft(r)) return r;
    for (const step of r.right.steps) options.onStep?.(step);
    const deleted = r.right.steps.flatMap((s) => (s.kind === "delete-image" ? [s.imageId] : []));
    if (deleted.length === 0) break;
    gone.push(...deleted);
  }
  return E.right(gone);
};
