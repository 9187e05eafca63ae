import * as E from "fp-ts/lib/Either.js";
import { failure } from "../../../core/failure.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { failed, openFor, report } from "../session.ts";
import { usageError } from "../usage.ts";

const help = `Usage: berth import [options] FILE|- [NAME]

Creates a one-layer image from a root-filesystem tarball (plain or gzip).
Without NAME the image is stored by ID only.

Options:
  -c, --change INSTRUCTION   Apply CMD, ENTRYPOINT, ENV, LABEL, WORKDIR, USER, EXPOSE, VOLUME or STOPSIGNAL
  -m, --message TEXT         Comment for the history entry
      --os OS                Operating system (default linux)
      --arch ARCH            Architecture (default this machine's)
      --variant VARIANT      Architecture variant
  -q, --quiet                Print only the image ID
`;

/** `berth import FILE|- [NAME]` */
export const importCommand = defineCommand({
  usage: help,
  options: {
    change: { type: "string", short: "c", multiple: true },
    message: { type: "string", short: "m" },
    os: { type: "string" },
    arch: { type: "string" },
    variant: { type: "string" },
    quiet: { type: "boolean", short: "q" },
  },
  run: async (p, io, globals) => {
    const [file, name, ...extra] = p.positionals;
    if (file === undefined || extra.length > 0) return usageError(io, "import takes FILE (or -) and an optional NAME");
    if (file === "-" && process.stdin.isTTY) return report(io, failure("INVALID_ARCHIVE", "refusing to read a tarball from a terminal; give a file or pipe one in"));
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const message = stringOption(p.values, "message");
    const os = stringOption(p.values, "os");
    const arch = stringOption(p.values, "arch");
    const variant = stringOption(p.values, "variant");
    const r = await berth.te.import(file === "-" ? process.stdin : file, {
      ...(name === undefined ? {} : { name }),
      changes: (p.values["change"] as string[] | undefined) ?? [],
      ...(message === undefined ? {} : { message }),
      ...(os === undefined ? {} : { os }),
      ...(arch === undefined ? {} : { architecture: arch }),
      ...(variant === undefined ? {} : { variant }),
    })();
    if (E.isLeft(r)) return report(io, r.left);
    if (p.values["quiet"] !== true) io.stderr(`Writing manifest to image destination\n`);
    io.stdout(`sha256:${r.right.id}\n`);
    return exitCodes.ok;
  },
});
