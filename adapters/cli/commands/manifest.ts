import * as E from "fp-ts/lib/Either.js";
import type { CopyPlan } from "../../../core/copy/index.ts";
import { failure } from "../../../core/failure.ts";
import { parseAnnotations, type EntryChanges } from "../../../core/store/index.ts";
import type { ListAddOptions } from "../../api/berth.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { writeDigestFile } from "../digest-file.ts";
import { exitCodes, type ExitCode } from "../exit-codes.ts";
import { registryFlags, registryHelp, registryOptionsOf } from "../flags.ts";
import type { CliIO } from "../io.ts";
import { interrupted, interruptSignal } from "../interrupt.ts";
import { printPlan } from "../plans.ts";
import { progressReporter } from "../progress.ts";
import { failed, openFor, report } from "../session.ts";
import { usageError } from "../usage.ts";
import { documentFormat, renderDocument } from "../document-format.ts";

/** podman's flags for what a list records about an instance. */
const entryFlags = {
  os: { type: "string" },
  arch: { type: "string" },
  variant: { type: "string" },
  "os-version": { type: "string" },
  "os-features": { type: "string", multiple: true },
  features: { type: "string", multiple: true },
  annotation: { type: "string", multiple: true },
} as const;

const entryHelp = `      --os OS, --arch ARCH, --variant V  The platform the list records for the image
      --os-version V                 The OS version it records
      --os-features F, --features F  OS features and features it records (repeatable)
      --annotation KEY=VALUE         An annotation on the image's entry (repeatable)
`;

/** The entry changes the flags ask for, or why they are wrong. */
const changesOf = (values: Readonly<Record<string, unknown>>): EntryChanges | string => {
  const annotations = parseAnnotations((values["annotation"] as string[] | undefined) ?? []);
  if (E.isLeft(annotations)) return annotations.left.message;
  const os = stringOption(values, "os");
  const architecture = stringOption(values, "arch");
  const variant = stringOption(values, "variant");
  const osVersion = stringOption(values, "os-version");
  const osFeatures = values["os-features"] as string[] | undefined;
  const features = values["features"] as string[] | undefined;
  return {
    ...(os === undefined ? {} : { os }),
    ...(architecture === undefined ? {} : { architecture }),
    ...(variant === undefined ? {} : { variant }),
    ...(osVersion === undefined ? {} : { osVersion }),
    ...(osFeatures === undefined ? {} : { osFeatures }),
    ...(features === undefined ? {} : { features }),
    ...(Object.keys(annotations.right).length === 0 ? {} : { annotations: annotations.right }),
  };
};

/** The options of `create` and `add`: which images of an index, what to record, how to reach the registry. */
const addOptionsOf = (values: Readonly<Record<string, unknown>>): ListAddOptions | string => {
  const changes = changesOf(values);
  if (typeof changes === "string") return changes;
  const registry = registryOptionsOf(values);
  if (typeof registry === "string") return registry;
  return { ...changes, ...registry, all: values["all"] === true, signal: interruptSignal() };
};

/** Prints a failure with podman's exit codes (1 for a list or image not known, 125 else). */
const failedWith = (io: CliIO, f: Parameters<typeof report>[1]) => (interrupted() ? report(io, failure("INTERRUPTED", "interrupted")) : report(io, f));

/** `berth manifest create LIST [IMAGE…]`: prints the new list's ID. */
export const manifestCreateCommand = defineCommand({
  usage: `Usage: berth manifest create [options] LIST [IMAGE...]

Makes a manifest list (an OCI image index) named LIST in the store, with the
IMAGEs in it (docker:// unless another transport is named), and prints its ID.

Options:
      --all                          Add every image of an IMAGE that is an index
${registryHelp}`,
  options: { ...registryFlags, all: { type: "boolean" } },
  run: async (p, io, globals) => {
    const [name, ...images] = p.positionals;
    if (name === undefined) return usageError(io, "manifest create takes a LIST and IMAGEs to put in it");
    const options = addOptionsOf(p.values);
    if (typeof options === "string") return usageError(io, options);
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const r = await berth.te.manifestCreate(name, images, options)();
    if (E.isLeft(r)) return failedWith(io, r.left);
    io.stdout(`${r.right.id}\n`);
    return exitCodes.ok;
  },
});

/** `berth manifest add LIST IMAGE`: prints the list's ID. */
export const manifestAddCommand = defineCommand({
  usage: `Usage: berth manifest add [options] LIST IMAGE

Adds IMAGE (docker:// unless another transport is named) to the list LIST,
recording its descriptor and platform without pulling its layers.

Options:
      --all                          Add every image of an IMAGE that is an index
${entryHelp}${registryHelp}`,
  options: { ...registryFlags, ...entryFlags, all: { type: "boolean" } },
  run: async (p, io, globals) => {
    const [list, image, ...extra] = p.positionals;
    if (list === undefined || image === undefined || extra.length > 0) return usageError(io, "manifest add takes a LIST and an IMAGE");
    const options = addOptionsOf(p.values);
    if (typeof options === "string") return usageError(io, options);
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const r = await berth.te.manifestAdd(list, image, options)();
    if (E.isLeft(r)) return failedWith(io, r.left);
    io.stdout(`${r.right.id}\n`);
    return exitCodes.ok;
  },
});

/** `berth manifest annotate LIST DIGEST`: prints the list's ID. */
export const manifestAnnotateCommand = defineCommand({
  usage: `Usage: berth manifest annotate [options] LIST DIGEST|IMAGE

Changes what LIST records about one of its images.

Options:
${entryHelp}`,
  options: { ...entryFlags },
  run: async (p, io, globals) => {
    const [list, instance, ...extra] = p.positionals;
    if (list === undefined || instance === undefined || extra.length > 0) return usageError(io, "manifest annotate takes a LIST and the DIGEST of one of its images");
    const changes = changesOf(p.values);
    if (typeof changes === "string") return usageError(io, changes);
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const r = await berth.te.manifestAnnotate(list, instance, changes)();
    if (E.isLeft(r)) return failedWith(io, r.left);
    io.stdout(`${r.right.id}\n`);
    return exitCodes.ok;
  },
});

/** `berth manifest remove LIST DIGEST`: prints the list's ID. */
export const manifestRemoveCommand = defineCommand({
  usage: `Usage: berth manifest remove LIST DIGEST|IMAGE

Takes one image out of LIST.`,
  options: {},
  run: async (p, io, globals) => {
    const [list, instance, ...extra] = p.positionals;
    if (list === undefined || instance === undefined || extra.length > 0) return usageError(io, "manifest remove takes a LIST and the DIGEST of one of its images");
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const r = await berth.te.manifestRemove(list, instance)();
    if (E.isLeft(r)) return failedWith(io, r.left);
    io.stdout(`${r.right.id}\n`);
    return exitCodes.ok;
  },
});

/** `berth manifest inspect LIST`: the list of the store, else what a registry serves, as indented JSON. */
export const manifestInspectCommand = defineCommand({
  usage: `Usage: berth manifest inspect [options] LIST|docker://NAME

Prints a manifest list of the store, or the index or manifest a registry
serves for NAME, as JSON.

Options:
      --format FORMAT                json (default), or a Go template over the document ("{{range .manifests}}{{.digest}}\\n{{end}}")
${registryHelp}`,
  options: { ...registryFlags, format: { type: "string" } },
  run: async (p, io, globals) => {
    const [name, ...extra] = p.positionals;
    if (name === undefined || extra.length > 0) return usageError(io, "manifest inspect takes one LIST or image name");
    const format = documentFormat(stringOption(p.values, "format"));
    if (E.isLeft(format)) return report(io, format.left);
    const registry = registryOptionsOf(p.values);
    if (typeof registry === "string") return usageError(io, registry);
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const r = await berth.te.manifestInspect(name, registry)();
    if (E.isLeft(r)) return failedWith(io, r.left);
    let doc: unknown;
    try {
      doc = JSON.parse(new TextDecoder().decode(r.right.bytes));
    } catch {
      return report(io, failure("INVALID_MANIFEST", `${name}: the manifest is not JSON`));
    }
    const text = renderDocument(format.right, doc, "manifest");
    if (E.isLeft(text)) return report(io, text.left);
    io.stdout(text.right);
    return exitCodes.ok;
  },
});

/** `berth manifest push LIST [DESTINATION]`: every image of the list, then the list. */
export const manifestPushCommand = defineCommand({
  usage: `Usage: berth manifest push [options] LIST [DESTINATION]

Pushes every image of LIST (their digests kept, their blobs read from the store
or from where each was added from), then the list itself, to DESTINATION
(docker:// unless named; default: LIST's own name).

Options:
      --all                          Push every image of the list (the default; the only way)
  -f, --format oci|v2s2              The list's format: an OCI index (default) or a Docker manifest list
      --rm                           Remove the list from the store once it is pushed
      --digestfile FILE              Write the digest of the pushed list to FILE
      --dry-run                      Print the plan (every image's blobs, then the list); write nothing
  -q, --quiet                        Print nothing but errors
${registryHelp}`,
  options: { ...registryFlags, all: { type: "boolean" }, format: { type: "string", short: "f" }, rm: { type: "boolean" }, digestfile: { type: "string" }, "dry-run": { type: "boolean" }, quiet: { type: "boolean", short: "q" } },
  run: async (p, io, globals) => {
    const [list, destination, ...extra] = p.positionals;
    if (list === undefined || extra.length > 0) return usageError(io, "manifest push takes a LIST and an optional DESTINATION");
    const registry = registryOptionsOf(p.values);
    if (typeof registry === "string") return usageError(io, registry);
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const quiet = p.values["quiet"] === true;
    const format = stringOption(p.values, "format");
    if (format !== undefined && format !== "oci" && format !== "v2s2") return usageError(io, `unknown format "${format}": choose oci or v2s2`);
    const formatted: { format?: "oci" | "v2s2" } = format === "oci" || format === "v2s2" ? { format } : {};
    if (p.values["dry-run"] === true) {
      const plan = await berth.te.planManifestPush(list, destination ?? list, { ...registry, ...formatted })();
      return printPlan(io, E.map((plan: CopyPlan) => ({ plan, shown: plan }))(plan), false, (f) => failedWith(io, f));
    }
    const r = await berth.te.manifestPush(list, destination ?? list, { ...registry, ...formatted, rm: p.values["rm"] === true, signal: interruptSignal(), onEvent: progressReporter(io, quiet) })();
    if (E.isLeft(r)) return failedWith(io, r.left);
    if (!quiet) io.stderr("Writing manifest list to image destination\n");
    return (await writeDigestFile(io, stringOption(p.values, "digestfile"), r.right.manifestDigest)) ?? exitCodes.ok;
  },
});

/** `berth manifest rm LIST…`: as podman, `Untagged:` and `Deleted:` for each. */
export const manifestRmCommand = defineCommand({
  usage: `Usage: berth manifest rm LIST [LIST...]

Removes manifest lists from the store (not the images in them).`,
  options: {},
  run: async (p, io, globals) => {
    if (p.positionals.length === 0) return usageError(io, "manifest rm takes at least one LIST");
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const r = await berth.te.manifestRm(p.positionals)();
    if (E.isLeft(r)) return failedWith(io, r.left);
    let code: ExitCode = exitCodes.ok;
    for (const one of r.right) {
      if (E.isRight(one)) {
        io.stdout(`Untagged: ${one.right.name}\nDeleted: ${one.right.id}\n`);
        continue;
      }
      // The first failure's exit code, as podman's rmi; every failure printed.
      const c = report(io, one.left);
      if (code === exitCodes.ok) code = c;
    }
    return code;
  },
});

/** `berth manifest exists LIST`: exit 0 if the store has it, 1 if not, nothing printed. */
export const manifestExistsCommand = defineCommand({
  usage: `Usage: berth manifest exists LIST

Exits 0 if the store has the manifest list LIST, 1 if it does not.`,
  options: {},
  run: async (p, io, globals) => {
    const [name, ...extra] = p.positionals;
    if (name === undefined || extra.length > 0) return usageError(io, "manifest exists takes one LIST");
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const r = await berth.te.manifestExists(name)();
    if (E.isLeft(r)) return report(io, r.left);
    return r.right ? exitCodes.ok : exitCodes.notFound;
  },
});
