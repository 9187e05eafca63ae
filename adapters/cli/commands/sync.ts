import * as E from "fp-ts/lib/Either.js";
import { failure } from "../../../core/failure.ts";
import type { SyncDestinationKind, SyncSourceKind } from "../../../core/sync/index.ts";
import { describeSync } from "../../../core/sync/index.ts";
import type { SyncOptions } from "../../api/berth.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { writeDigestFile } from "../digest-file.ts";
import { exitCodes } from "../exit-codes.ts";
import { platformFor, sidesFlags, sidesHelp, sidesOf } from "../flags.ts";
import { interrupted, interruptSignal } from "../interrupt.ts";
import { policyFlags, policyHelp, policyOptions } from "../policy-flags.ts";
import { failed, openFor, report } from "../session.ts";
import { usageError } from "../usage.ts";

const sourceKinds: ReadonlyArray<SyncSourceKind> = ["docker", "dir", "yaml"];
const destinationKinds: ReadonlyArray<SyncDestinationKind> = ["docker", "dir"];

/** `berth sync --src docker|dir|yaml --dest docker|dir SOURCE DESTINATION`, as `skopeo sync`, several images at once. */
export const syncCommand = defineCommand({
  usage: `Usage: berth sync [options] --src docker|dir|yaml --dest docker|dir SOURCE DESTINATION

Copies every image SOURCE holds to DESTINATION, as skopeo sync: SOURCE is a
registry repository (every tag) or one image (docker), a directory of dir:
images (dir), or a YAML file listing repositories per registry (yaml);
DESTINATION is a registry with an optional namespace (docker) or a directory
(dir). Images whose manifest is already at the destination are skipped.

Options:
  -s, --src docker|dir|yaml                             What SOURCE is
  -d, --dest docker|dir                                 What DESTINATION is
      --scoped                                          Keep the source's whole name (registry included) under DESTINATION
      --append-suffix SUFFIX                            Append SUFFIX to every destination tag
  -a, --all                                             Every image of an index, and the index
      --platform OS/ARCH[/VARIANT]                      Which image of an index otherwise
  -f, --format oci|v2s2                                 Manifest format to write
      --preserve-digests                                Fail rather than change a manifest digest
      --keep-going                                      Go on after an image fails (the sync still fails at the end)
  -j, --jobs N                                          Images copied at once (default 4)
      --referrers                                       Also copy what refers to each image (OCI 1.1 referrers; registries only)
      --dry-run                                         Print which images would be copied and which are already there
      --digestfile FILE                                 Write "DIGEST DESTINATION" for every image synced to FILE
${sidesHelp("      --src-no-creds, --dest-no-creds                   Use no credentials for that side")}  -q, --quiet                                           Print nothing but errors
${policyHelp}`,
  options: {
    src: { type: "string", short: "s" },
    dest: { type: "string", short: "d" },
    scoped: { type: "boolean" },
    "append-suffix": { type: "string" },
    all: { type: "boolean", short: "a" },
    platform: { type: "string" },
    format: { type: "string", short: "f" },
    "preserve-digests": { type: "boolean" },
    "keep-going": { type: "boolean" },
    jobs: { type: "string", short: "j" },
    referrers: { type: "boolean" },
    "dry-run": { type: "boolean" },
    digestfile: { type: "string" },
    ...sidesFlags,
    "src-no-creds": { type: "boolean" },
    "dest-no-creds": { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
    ...policyFlags,
  },
  run: async (p, io, globals) => {
    const [source, destination, ...extra] = p.positionals;
    if (source === undefined || destination === undefined || extra.length > 0) return usageError(io, "sync takes a SOURCE and a DESTINATION");
    const src = stringOption(p.values, "src");
    const dest = stringOption(p.values, "dest");
    if (src === undefined) return usageError(io, "a source transport must be given with --src docker|dir|yaml");
    if (!sourceKinds.includes(src as SyncSourceKind)) return usageError(io, `"${src}" is not a valid source transport (docker, dir or yaml)`);
    if (dest === undefined) return usageError(io, "a destination transport must be given with --dest docker|dir");
    if (!destinationKinds.includes(dest as SyncDestinationKind)) return usageError(io, `"${dest}" is not a valid destination transport (docker or dir)`);
    if (src === "dir" && dest === "dir") return usageError(io, "sync from dir to dir is not supported; copy the directory instead");
    const sides = sidesOf(p.values);
    if (typeof sides === "string") return usageError(io, sides);
    const platform = platformFor(p.values, globals);
    if (platform === "invalid") return usageError(io, "invalid --platform: use OS/ARCH[/VARIANT]");
    const format = stringOption(p.values, "format");
    if (format !== undefined && format !== "oci" && format !== "v2s2") return usageError(io, `unknown format "${format}": choose oci or v2s2`);
    const jobsText = stringOption(p.values, "jobs");
    const jobs = jobsText === undefined ? undefined : Number(jobsText);
    if (jobs !== undefined && (!Number.isSafeInteger(jobs) || jobs < 1 || jobs > 64)) return usageError(io, "--jobs takes a number of images from 1 to 64");
    const berth = await openFor(io, globals, { ...policyOptions(p.values), ...sides.open });
    if (failed(berth)) return berth;
    const quiet = p.values["quiet"] === true;
    const dryRun = p.values["dry-run"] === true;
    const appendSuffix = stringOption(p.values, "append-suffix");
    const keepGoing = p.values["keep-going"] === true;
    const options: SyncOptions = {
      sourceKind: src as SyncSourceKind,
      destinationKind: dest as SyncDestinationKind,
      src: sides.src,
      dest: sides.dest,
      scoped: p.values["scoped"] === true,
      ...(appendSuffix === undefined ? {} : { appendSuffix }),
      all: p.values["all"] === true,
      ...(platform === undefined ? {} : { platform }),
      ...(format === undefined ? {} : { format }),
      preserveDigests: p.values["preserve-digests"] === true,
      removeSignatures: p.values["remove-signatures"] === true,
      keepGoing,
      referrers: p.values["referrers"] === true,
      dryRun,
      ...(jobs === undefined ? {} : { jobs }),
      signal: interruptSignal(),
      onImage: (e) => {
        // Without --keep-going the first failure ends the sync and is reported once, at the end.
        if (e.kind === "image-failed" && keepGoing) io.stderr(`Error: ${e.error.message}\n`);
        else if (!quiet && e.kind === "image-started") io.stderr(`Copying image ${e.index + 1}/${e.total}: ${e.source} -> ${e.destination}\n`);
      },
    };
    const r = await berth.te.sync(source, destination, options)();
    if (E.isLeft(r)) return interrupted() ? report(io, failure("INTERRUPTED", "interrupted")) : report(io, r.left, exitCodes.failure);
    const images = r.right.images;
    if (dryRun) {
      for (const line of describeSync(images)) io.stdout(`${line}\n`);
      return exitCodes.ok;
    }
    const copied = images.filter((i) => i.outcome === "copied").length;
    const skipped = images.filter((i) => i.outcome === "skipped").length;
    const failures = images.filter((i) => i.outcome === "failed").length;
    if (!quiet) io.stderr(`Synced ${copied + skipped} of ${images.length} images: ${copied} copied, ${skipped} already there${failures > 0 ? `, ${failures} failed` : ""}\n`);
    const lines = images.filter((i) => i.outcome !== "failed" && i.digest !== undefined).map((i) => `${i.digest} ${i.destination}\n`);
    const unwritten = await writeDigestFile(io, stringOption(p.values, "digestfile"), lines.join(""));
    if (unwritten !== undefined) return unwritten;
    if (failures > 0) {
      io.stderr("Error: the sync failed for one or more images (reported above)\n");
      return exitCodes.failure;
    }
    return exitCodes.ok;
  },
});
