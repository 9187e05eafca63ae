import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../../core/failure.ts";
import { parseNormalizedNamed, referenceString, tagNameOnly, type Reference } from "../../../core/reference/index.ts";
import { normalizeStoreName, type ImageRecord } from "../../../core/store/index.ts";
import { dirDestination } from "../../../plugins/dir/layout.ts";
import { dockerArchiveWriter, type ArchiveOutput } from "../../../plugins/docker-archive/writer.ts";
import { ociArchiveDestination } from "../../../plugins/oci-archive/archive.ts";
import { storeSource } from "../../../plugins/store/transport.ts";
import { copyImage } from "../../copy/engine.ts";
import { policyCheck } from "../../config/policy.ts";
import { readState } from "../../store/store.ts";
import { policyFlags, policyFromFlags, policyHelp } from "../policy-flags.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes, type ExitCode } from "../exit-codes.ts";
import { interrupted, interruptSignal } from "../interrupt.ts";
import { failed, openSession, report } from "../session.ts";
import { usageError } from "../usage.ts";

const formats = ["docker-archive", "oci-archive", "oci-dir", "docker-dir"] as const;
type SaveFormat = (typeof formats)[number];

/** A name as the store spells it (short names under localhost/, as `berth tag` makes them), with a tag. */
const asReference = (name: string): Reference | undefined => {
  const stored = normalizeStoreName(name);
  const r = E.isRight(stored) ? parseNormalizedNamed(stored.right) : undefined;
  return r !== undefined && E.isRight(r) ? tagNameOnly(r.right) : undefined;
};

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
${policyHelp}`,
  options: { output: { type: "string", short: "o" }, format: { type: "string" }, "multi-image-archive": { type: "boolean", short: "m" }, quiet: { type: "boolean", short: "q" }, ...policyFlags },
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
    const session = await openSession(io, globals);
    if (failed(session)) return session;
    const signaturePolicy = await policyFromFlags(session.host, p.values);
    if (E.isLeft(signaturePolicy)) return report(io, signaturePolicy.left);
    const allow = (image: ImageRecord) => policyCheck(signaturePolicy.right, { transport: "containers-storage", shown: `store:${image.names[0] ?? image.id}` });
    const state = await readState(session.store);
    if (E.isLeft(state)) return report(io, state.left);

    // Each image to save, with the names it is saved under.
    const wanted: { image: ImageRecord; names: Reference[] }[] = [];
    for (const arg of multi ? args : args.slice(0, 1)) {
      const found = session.lookup(arg, state.right.images);
      // podman save exits 125 for an unknown image, unlike rmi.
      if (E.isLeft(found)) return report(io, found.left);
      const own = found.right.name === undefined ? undefined : asReference(found.right.name);
      wanted.push({ image: found.right.image, names: own === undefined ? [] : [own] });
    }
    if (!multi) {
      for (const extra of args.slice(1)) {
        const ref = asReference(extra);
        if (ref === undefined) return report(io, failure("INVALID_REFERENCE", `"${extra}": not a valid image name`));
        wanted[0]?.names.push(ref);
      }
    }
    const signal = interruptSignal();
    const platformOf = (image: ImageRecord) => ({ os: image.os, architecture: image.architecture });
    const done = (r: E.Either<Failure, unknown>): ExitCode =>
      E.isRight(r) ? exitCodes.ok : interrupted() ? report(io, failure("INTERRUPTED", "interrupted"), exitCodes.interrupted) : report(io, r.left);

    if (format === "docker-archive") {
      const target: ArchiveOutput = output === undefined ? { kind: "stream", stream: process.stdout, label: "standard output" } : { kind: "file", path: output };
      const writer = dockerArchiveWriter(target);
      try {
        for (const w of wanted) {
          const r = await copyImage(storeSource(session.store, w.image), writer.destination(w.names), { platform: platformOf(w.image), signal, allow: allow(w.image) });
          if (E.isLeft(r)) return done(r);
        }
        return done(await writer.finish());
      } finally {
        await writer.discard();
      }
    }
    const only = wanted[0];
    if (only === undefined) return usageError(io, "save needs at least one image");
    if (format === "oci-archive" && output === undefined) return usageError(io, "--format oci-archive needs -o FILE");
    const path = output ?? "";
    const name = only.names[0];
    const dst =
      format === "oci-archive"
        ? ociArchiveDestination({ path, ...(name === undefined ? {} : { name: referenceString(name) }) })
        : dirDestination({ path });
    return done(
      await copyImage(storeSource(session.store, only.image), dst, {
        platform: platformOf(only.image),
        signal,
        allow: allow(only.image),
        ...(format === "oci-dir" ? { format: "oci" as const } : format === "docker-dir" ? { format: "v2s2" as const } : {}),
      }),
    );
  },
});
