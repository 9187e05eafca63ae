import * as E from "fp-ts/lib/Either.js";
import type { CopyPlan } from "../../../core/copy/index.ts";
import { failure } from "../../../core/failure.ts";
import type { PushOptions } from "../../api/berth.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { registryFlags, registryHelp, registryOptionsOf } from "../flags.ts";
import { formatWithDryRun, printPlan } from "../plans.ts";
import { compressionOptionsOf, podmanCompressionFlags, podmanCompressionHelp } from "../compression-flags.ts";
import { interrupted, interruptSignal } from "../interrupt.ts";
import { policyFlags, policyHelp, policyOptions } from "../policy-flags.ts";
import { progressReporter } from "../progress.ts";
import { failed, openFor, report } from "../session.ts";
import { signingFlags, signingHelp, signRequestOf } from "../signing-flags.ts";
import { usageError } from "../usage.ts";

/** `berth push IMAGE [DEST]`: DEST without a transport means docker://, as in the seed. */
export const pushCommand = defineCommand({
  usage: `Usage: berth push [options] IMAGE [DESTINATION]

Options:
  -f, --format oci|v2s2              Manifest format to push (converted if needed); with --dry-run, json prints the plan as JSON
${podmanCompressionHelp(31)}      --dry-run                      Print the plan; write nothing to the registry
  -q, --quiet                        Print nothing but errors
${registryHelp}${policyHelp}${signingHelp}`,
  options: { ...registryFlags, format: { type: "string", short: "f" }, "dry-run": { type: "boolean" }, quiet: { type: "boolean", short: "q" }, ...podmanCompressionFlags, ...policyFlags, ...signingFlags },
  run: async (p, io, globals) => {
    const [image, destination, ...extra] = p.positionals;
    if (image === undefined || extra.length > 0) return usageError(io, "push takes an IMAGE and an optional DESTINATION");
    const registry = registryOptionsOf(p.values);
    if (typeof registry === "string") return usageError(io, registry);
    const formats = formatWithDryRun(p.values);
    if (typeof formats === "string") return usageError(io, formats);
    const { dryRun, planJson, format } = formats;
    const compression = compressionOptionsOf(p.values);
    if (typeof compression === "string") return usageError(io, compression);
    const berth = await openFor(io, globals, policyOptions(p.values));
    if (failed(berth)) return berth;
    const quiet = p.values["quiet"] === true;
    const sign = signRequestOf(p.values);
    const options: PushOptions = {
      ...registry,
      ...(format === undefined ? {} : { format }),
      ...(compression === undefined ? {} : { compression }),
      ...(sign === undefined ? {} : { sign }),
      onEvent: progressReporter(io, quiet),
      onSigning: () => (quiet ? undefined : io.stderr("Creating signature: Signing image using a sigstore signature\n")),
      signal: interruptSignal(),
    };
    if (dryRun) {
      const plan = await berth.te.planPush(image, destination, options)();
      return printPlan(io, E.map((p: CopyPlan) => ({ plan: p, shown: p }))(plan), planJson, (f) => report(io, f));
    }
    const r = await berth.te.push(image, destination, options)();
    // A missing image is an error like any other to podman's push (125).
    if (E.isLeft(r)) return interrupted() ? report(io, failure("INTERRUPTED", "interrupted")) : report(io, r.left, r.left.code === "IMAGE_NOT_FOUND" ? exitCodes.failure : undefined);
    if (!quiet) io.stderr(`Writing manifest to image destination\n`);
    return exitCodes.ok;
  },
});
