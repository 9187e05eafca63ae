import * as E from "fp-ts/lib/Either.js";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes, type ExitCode } from "../exit-codes.ts";
import { humanAgo, table } from "../format.ts";
import { failed, openFor, report } from "../session.ts";
import { usageError } from "../usage.ts";
import { exitCodeFor } from "../../api/errors.ts";

/** `berth create IMAGE [--name N]`: a root filesystem made from an image, in the store. */
export const createCommand = defineCommand({
  usage: "Usage: berth create [--name NAME] IMAGE",
  options: { name: { type: "string" } },
  run: async (p, io, globals) => {
    const [input, ...extra] = p.positionals;
    if (input === undefined || extra.length > 0) return usageError(io, "create takes one IMAGE");
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const name = stringOption(p.values, "name");
    const r = await berth.te.create(input, name === undefined ? {} : { name })();
    if (E.isLeft(r)) return report(io, r.left);
    io.stdout(`${r.right.id}\n`);
    return exitCodes.ok;
  },
});

/** `berth ps [-a] [--format json]`: berth's containers are never running, so every one is listed. */
export const psCommand = defineCommand({
  usage: "Usage: berth ps [-a] [-q] [--format json]",
  options: { all: { type: "boolean", short: "a" }, format: { type: "string" }, quiet: { type: "boolean", short: "q" } },
  run: async (p, io, globals) => {
    const format = stringOption(p.values, "format");
    if (format !== undefined && format !== "json" && format !== "table") return usageError(io, `unknown --format "${format}": use json or table`);
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const listed = await berth.te.containers()();
    if (E.isLeft(listed)) return report(io, listed.left);
    const containers = listed.right;
    if (p.values["quiet"] === true) {
      io.stdout(containers.map((c) => `${c.id.slice(0, 12)}\n`).join(""));
    } else if (format === "json") {
      io.stdout(
        `${JSON.stringify(
          containers.map((c) => ({ Id: c.id, Names: [c.name], Image: c.imageName, ImageID: c.imageId, Created: Math.floor(Date.parse(c.created) / 1000), CreatedAt: c.created, State: "created", Mounts: [c.rootfs] })),
          null,
          2,
        )}\n`,
      );
    } else {
      const now = Date.now();
      io.stdout(table([["CONTAINER ID", "IMAGE", "CREATED", "STATUS", "NAMES"], ...containers.map((c) => [c.id.slice(0, 12), c.imageName, humanAgo(Date.parse(c.created), now), "Created", c.name])]));
    }
    return exitCodes.ok;
  },
});

/** `berth rm [-f] CONTAINER...` */
export const rmCommand = defineCommand({
  usage: "Usage: berth rm [-f] CONTAINER [CONTAINER...]",
  options: { force: { type: "boolean", short: "f" } },
  run: async (p, io, globals) => {
    if (p.positionals.length === 0) return usageError(io, "rm takes at least one CONTAINER");
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const r = await berth.te.removeContainer(p.positionals, { ignoreMissing: p.values["force"] === true })();
    if (E.isLeft(r)) return report(io, r.left);
    for (const id of r.right.removed) io.stdout(`${id}\n`);
    let exit: ExitCode = exitCodes.ok;
    for (const e of r.right.errors) {
      io.stderr(`Error: ${e.message}\n`);
      if (exit === exitCodes.ok) exit = exitCodeFor(e.code);
    }
    return exit;
  },
});

/** `berth mount CONTAINER`: prints where its root filesystem is. */
export const mountCommand = defineCommand({
  usage: "Usage: berth mount CONTAINER",
  options: {},
  run: async (p, io, globals) => {
    if (p.positionals.length !== 1) return usageError(io, "mount takes one CONTAINER");
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const c = await berth.te.container(p.positionals[0] ?? "")();
    if (E.isLeft(c)) return report(io, c.left, exitCodes.failure);
    io.stdout(`${c.right.rootfs}\n`);
    return exitCodes.ok;
  },
});
