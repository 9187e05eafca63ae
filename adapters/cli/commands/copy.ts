import * as E from "fp-ts/lib/Either.js";
import type { CopyPlan } from "../../../core/copy/index.ts";
import { failure } from "../../../core/failure.ts";
import type { CopyOptions } from "../../api/berth.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { writeDigestFile } from "../digest-file.ts";
import { exitCodes } from "../exit-codes.ts";
import { platformFor, sidesFlags, sidesHelp, sidesOf } from "../flags.ts";
import { formatWithDryRun, printPlan } from "../plans.ts";
import { compressionOptionsOf, podmanCompressionFlags, podmanCompressionHelp, skopeoCompressionFlags, skopeoCompressionHelp } from "../compression-flags.ts";
import { interrupted, interruptSignal } from "../interrupt.ts";
import { policyFlags, policyHelp, policyOptions } from "../policy-flags.ts";
import { progressReporter } from "../progress.ts";
import { failed, openFor, report } from "../session.ts";
import { signingFlags, signingHelp, signRequestOf } from "../signing-flags.ts";
import { usageError } from "../usage.ts";

/** `berth copy SRC DEST`: one copy engine between any two transports, as `skopeo copy`. */
export const copyCommand = defineCommand({
  usage: `Usage: berth copy [options] SOURCE DESTINATION

SOURCE and DESTINATION are transport-qualified: docker://NAME, store:NAME,
oci:DIR[:NAME], oci-archive:FILE[:NAME], docker-archive:FILE, dir:DIR.

Options:
${sidesHelp("      --src-no-creds                                    Use no credentials for the source")}      --platform OS/ARCH[/VARIANT]                      Which image of an index
  -a, --all                                             Every image of an index, and the index (same digest)
      --multi-arch system|all                           One image of an index (default), or all of them (as --all)
  -f, --format oci|v2s2                                 Manifest format to write (converted if needed); with --dry-run, json prints the plan as JSON
      --preserve-digests                                Fail rather than change a manifest digest (or a layer's compression)
${podmanCompressionHelp(50)}${skopeoCompressionHelp(50)}      --digestfile FILE                                 Write the digest of what was written to FILE
      --additional-tag NAME                             Another name for the image (docker-archive destinations; repeatable)
      --referrers                                       Also copy what refers to the image (OCI 1.1: signatures, attestations); keeps digests
      --dry-run                                         Print the plan; write nothing anywhere
  -q, --quiet                                           Print nothing but errors
${policyHelp}${signingHelp}`,
  options: {
    ...sidesFlags,
    "src-no-creds": { type: "boolean" },
    platform: { type: "string" },
    all: { type: "boolean", short: "a" },
    "multi-arch": { type: "string" },
    format: { type: "string", short: "f" },
    "preserve-digests": { type: "boolean" },
    digestfile: { type: "string" },
    "additional-tag": { type: "string", multiple: true },
    "dry-run": { type: "boolean" },
    referrers: { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
    ...podmanCompressionFlags,
    ...skopeoCompressionFlags,
    ...policyFlags,
    ...signingFlags,
  },
  run: async (p, io, globals) => {
    const [src, dest, ...extra] = p.positionals;
    if (src === undefined || dest === undefined || extra.length > 0) return usageError(io, "copy takes a SOURCE and a DESTINATION");
    const sides = sidesOf(p.values);
    if (typeof sides === "string") return usageError(io, sides);
    const platform = platformFor(p.values, globals);
    if (platform === "invalid") return usageError(io, "invalid --platform: use OS/ARCH[/VARIANT]");
    const formats = formatWithDryRun(p.values);
    if (typeof formats === "string") return usageError(io, formats);
    const { dryRun, planJson, format } = formats;
    // skopeo's --multi-arch: system (one image, the default) or all (-a); index-only has no copy plan in berth.
    const multiArch = stringOption(p.values, "multi-arch");
    if (multiArch !== undefined && multiArch !== "system" && multiArch !== "all") {
      return usageError(io, multiArch === "index-only" ? "--multi-arch index-only is not supported: use system or all" : `unknown --multi-arch "${multiArch}": use system or all`);
    }
    const compression = compressionOptionsOf(p.values);
    if (typeof compression === "string") return usageError(io, compression);
    const berth = await openFor(io, globals, { ...policyOptions(p.values), ...sides.open });
    if (failed(berth)) return berth;
    const quiet = p.values["quiet"] === true;
    const sign = signRequestOf(p.values);
    const options: CopyOptions = {
      src: sides.src,
      dest: sides.dest,
      ...(platform === undefined ? {} : { platform }),
      signal: interruptSignal(),
      onEvent: progressReporter(io, quiet, io.stdout),
      all: p.values["all"] === true || multiArch === "all",
      preserveDigests: p.values["preserve-digests"] === true,
      removeSignatures: p.values["remove-signatures"] === true,
      ...(format === undefined ? {} : { format }),
      ...(compression === undefined ? {} : { compression }),
      ...(sign === undefined ? {} : { sign }),
      additionalTags: (p.values["additional-tag"] as string[] | undefined) ?? [],
      referrers: p.values["referrers"] === true,
    };
    if (dryRun) {
      const plan = await berth.te.planCopy(src, dest, options)();
      return printPlan(io, E.map((p: CopyPlan) => ({ plan: p, shown: p }))(plan), planJson, (f) => report(io, f));
    }
    // skopeo's lines, on standard output as skopeo prints them, for the scripts that read them.
    if (!quiet) io.stdout("Getting image source signatures\n");
    const r = await berth.te.copy(src, dest, options)();
    // skopeo's copy exits 125 for a missing image, as for any other failure of the copy.
    if (E.isLeft(r)) return interrupted() ? report(io, failure("INTERRUPTED", "interrupted")) : report(io, r.left, exitCodes.failure);
    if (!quiet) io.stdout("Writing manifest to image destination\nStoring signatures\n");
    return (await writeDigestFile(io, stringOption(p.values, "digestfile"), r.right.manifestDigest)) ?? exitCodes.ok;
  },
});
