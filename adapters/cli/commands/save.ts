import * as E from "fp-ts/lib/Either.js";
import { failure } from "../../../core/failure.ts";
import { saveFormats } from "../../api/save.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { interrupted, interruptSignal } from "../interrupt.ts";
import { policyFlags, policyHelp, policyOptions } from "../policy-flags.ts";
import { failed, openFor, report } from "../session.ts";
import { usageError } from "../usage.ts";

const formats = saveFormats;
type SaveFormat = (typeof formats)[number];

/**
 * `berth save [-o FILE] [--format F] [-m] IMAGE [NAME...]`, as podman's save:
 * without -m, further arguments are more names (RepoTags) for the one image;
 * with -m (docker-archive only) they are more images. Standard output is
 * used when -o is not given and it is not a terminal.
 */
export const saveCommand = defineCommand({
  usage: `Usage: berth save [options] IMAGE [NAME...]

Options:
  -o, --output FILE             Write here (a directory for oci-dir and docker-dir); else standard output
      --format FORMAT           docker-archive (default), oci-archive, oci-dir or docker-dir
  -m, --multi-image-archive     Every argument is an image (docker-archive only)
  -q, --quiet                   Print nothing but errors
      --uncompressed            Keep layers uncompressed (berth's save keeps every layer as stored, so this is always so)
${policyHelp}`,
  options: { output: { type: "string", short: "o" }, format: { type: "string" }, "multi-image-archive": { type: "boolean", short: "m" }, quiet: { type: "boolean", short: "q" }, uncompressed: { type: "boolean" }, ...policyFlags },
  run: async (p, io, globals) => {
    const args = p.positionals;
    if (args.length === 0) return usageError(io, "save needs at least one image");
    const format = (stringOption(p.values, "format") ?? "docker-archive") as SaveFormat;
    if (!formats.includes(format)) return usageError(io, `--format takes ${formats.join(", ")}`);
    const multi = p.values["multi-image-archive"] === true;
    if (multi && format !== "docker-archive") return usageError(io, "-m is only for --format docker-archive");
    const output = stringOption(p.values, "output");
    if (output === undefined && (format === "oci-dir" || format === "docker-dir")) return usageError(io, `--format ${format} needs -o DIRECTORY`);
    if (output === undefined && process.stdout.isTTY) {
      return report(io, failure("INVALID_ARCHIVE", "refusing to write an archive to a terminal; use -o FILE or redirect standard output"));
    }
    const berth = await openFor(io, globals, policyOptions(p.values));
    if (failed(berth)) return berth;
    const r = await berth.te.save({ images: args, format, multiImage: multi, output: output ?? process.stdout, signal: interruptSignal() })();
    if (E.isRight(r)) return exitCodes.ok;
    // A missing image is 125 here, as podman's save says it (its exit codes per command are their own).
    return interrupted() ? report(io, failure("INTERRUPTED", "interrupted")) : report(io, r.left, exitCodes.failure);
  },
});
