import * as E from "fp-ts/lib/Either.js";
import { describeStep, type RemovalRequest, type StoreState } from "../../../core/store/index.ts";
import { removeWith } from "../../api/remove.ts";
import { readState } from "../../store/store.ts";
import { defineCommand } from "../command.ts";
import { exitCodes, type ExitCode } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";
import { failed, openSession, report, type Session } from "../session.ts";
import { confirm } from "../prompt.ts";
import { usageError } from "../usage.ts";
import { selectImages } from "../../api/images.ts";

/** Plans and applies a removal through the library; prints what it did and returns podman's exit code. */
export const removeImages = async (
  session: Session,
  io: CliIO,
  request: (state: StoreState) => RemovalRequest,
  dryRun: boolean,
  tolerateErrors = false,
): Promise<ExitCode> => {
  const r = await removeWith(session, request, dryRun);
  if (E.isLeft(r)) return report(io, r.left);
  const plan = r.right;
  if (dryRun) {
    io.stdout(`${JSON.stringify(plan, null, 2)}\n`);
    return plan.exitCode;
  }
  for (const step of plan.steps) if (step.kind !== "remove-container") io.stdout(`${describeStep(step)}\n`);
  if (tolerateErrors) return plan.steps.some((s) => s.kind === "delete-image") ? exitCodes.ok : exitCodes.notFound;
  for (const e of plan.errors) io.stderr(`Error: ${e.message}\n`);
  return plan.exitCode;
};

const help = `Usage: berth rmi [options] IMAGE...

Removes images. By one of several names, only that name goes.

Options:
  -a, --all        Remove all images
  -f, --force      Remove images with several names by ID, and the containers using them
  -i, --ignore     Ignore images that do not exist
      --no-prune   Keep dangling parents
      --dry-run    Print the removal plan as JSON and change nothing
`;

/** `berth rmi` */
export const rmiCommand = defineCommand({
  usage: help,
  options: {
    all: { type: "boolean", short: "a" },
    force: { type: "boolean", short: "f" },
    ignore: { type: "boolean", short: "i" },
    "no-prune": { type: "boolean" },
    "dry-run": { type: "boolean" },
  },
  run: async (p, io, globals) => {
    const all = p.values["all"] === true;
    if (!all && p.positionals.length === 0) return usageError(io, "rmi takes at least one IMAGE, or --all");
    if (all && p.positionals.length > 0) return usageError(io, "when using --all, give no images");
    const session = await openSession(io, globals);
    if (failed(session)) return session;
    return removeImages(
      session,
      io,
      (state) => ({
        inputs: p.positionals,
        ...(all ? { imageIds: state.images.map((i) => i.id) } : {}),
        force: p.values["force"] === true,
        ignore: p.values["ignore"] === true,
        noPrune: p.values["no-prune"] === true,
      }),
      p.values["dry-run"] === true,
    );
  },
});

/** `berth image prune`: dangling images, or with -a every image no container uses; repeats until nothing more goes. */
export const pruneCommand = defineCommand({
  usage: "Usage: berth image prune [-a] [-f] [--filter F]",
  options: {
    all: { type: "boolean", short: "a" },
    force: { type: "boolean", short: "f" },
    filter: { type: "string", multiple: true },
  },
  run: async (p, io, globals) => {
    if (p.values["force"] !== true) {
      if (!io.isTerminal) {
        io.stderr("Error: prune removes images without asking only with -f; no terminal to ask on\n");
        return exitCodes.failure;
      }
      const what = p.values["all"] === true ? "all images not used by a container" : "all dangling images";
      if (!(await confirm(`WARNING! This command removes ${what}.\nAre you sure you want to continue?`))) return exitCodes.ok;
    }
    const session = await openSession(io, globals);
    if (failed(session)) return session;
    const filters = [...((p.values["filter"] as string[] | undefined) ?? []), ...(p.values["all"] === true ? ["containers=false"] : ["dangling=true"])];
    for (let round = 0; round < 1000; round++) {
      const state = await readState(session.store);
      if (E.isLeft(state)) return report(io, state.left);
      const selected = selectImages(session, state.right, filters, true);
      if (E.isLeft(selected)) return report(io, selected.left);
      if (selected.right.length === 0) return exitCodes.ok;
      const ids = selected.right.map((i) => i.id);
      // Images that cannot go (children, containers) are skipped; a round that removes nothing ends it.
      const code = await removeImages(session, io, () => ({ inputs: [], imageIds: ids, noPrune: true }), false, true);
      if (code !== exitCodes.ok) return exitCodes.ok;
    }
    return exitCodes.ok;
  },
});
