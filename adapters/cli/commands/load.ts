import * as E from "fp-ts/lib/Either.js";
import { failure } from "../../../core/failure.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { policyFlags, policyHelp, policyOptions } from "../policy-flags.ts";
import { failed, openFor, report } from "../session.ts";

/** `berth load [-i FILE]`: every image and every name in an archive or layout; standard input when no file is given. */
export const loadCommand = defineCommand({
  usage: `Usage: berth load [-q] [-i FILE]

Loads a docker archive, an OCI archive (either may be gzip-compressed) or an OCI layout directory (standard input when -i is not given).

${policyHelp}`,
  options: { input: { type: "string", short: "i" }, quiet: { type: "boolean", short: "q" }, ...policyFlags },
  run: async (p, io, globals) => {
    const path = stringOption(p.values, "input");
    if (path === undefined && process.stdin.isTTY) return report(io, failure("INVALID_ARCHIVE", "cannot read from terminal, use command-line redirection or the --input flag"));
    const berth = await openFor(io, globals, policyOptions(p.values));
    if (failed(berth)) return berth;
    const r = await berth.te.load(path ?? process.stdin, (name) => io.stdout(`Loaded image: ${name}\n`))();
    return E.isLeft(r) ? report(io, r.left) : exitCodes.ok;
  },
});
