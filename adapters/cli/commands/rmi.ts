import * as E from "fp-ts/lib/Either.js";
import { describeStep } from "../../../core/store/index.ts";
import type { RemovalReport } from "../../api/berth.ts";
import { defineCommand } from "../command.ts";
import { exitCodes, type ExitCode } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";
import { failed, openFor, report } from "../session.ts";
import { confirm } from "../prompt.ts";
import { usageError } from "../usage.ts";

/** Prints what a removal did (or, with --dry-run, its plan as JSON) and returns podman's exit code for it. */
const printRemoval = (io: CliIO, report: RemovalReport, dryRun: boolean): ExitCode => {
  if (dryRun) {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return report.exitCode;
  }
  for (const step of report.steps) {
    if (step.kind === "remove-container") continue;
    // As podman: an image's names are untagged, each said, before it is deleted.
    if (step.kind === "delete-image") for (const name of step.names) io.stdout(`${describeStep({ kind: "untag", imageId: step.imageId, name })}\n`);
    io.stdout(`${describeStep(step)}\n`);
  }
  for (const e of report.errors) io.stderr(`Error: ${e.message}\n`);
  return report.exitCode;
};

const help = `Usage: berth rmi [options] IMAGE...

Removes images. By one of several names, only that name goes.

Options:
  -a, --all        Remove all images
  -f, --force      Remove images with several names by ID, and the containers using them; ignore images that do not exist
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
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const dryRun = p.values["dry-run"] === true;
    const r = await berth.te.remove(p.positionals, {
      all,
      force: p.values["force"] === true,
      // As podman's: --force does not fail on an image that is not there.
      ignore: p.values["ignore"] === true || p.values["force"] === true,
      noPrune: p.values["no-prune"] === true,
      dryRun,
    })();
    return E.isLeft(r) ? report(io, r.left) : printRemoval(io, r.right, dryRun);
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
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    // Images that cannot go (children, containers) are skipped; rounds go on until nothing more goes.
    const r = await berth.te.prune({
      all: p.values["all"] === true,
      filters: (p.values["filter"] as string[] | undefined) ?? [],
      onStep: (step) => (step.kind === "remove-container" ? undefined : io.stdout(`${describeStep(step)}\n`)),
    })();
    return E.isLeft(r) ? report(io, r.left) : exitCodes.ok;
  },
});
