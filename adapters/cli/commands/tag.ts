import * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../../../core/failure.ts";
import type { Berth } from "../../api/berth.ts";
import { defineCommand } from "../command.ts";
import { exitCodes, type ExitCode } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";
import { failed, openFor, report } from "../session.ts";
import type { GlobalOptions } from "../command.ts";
import { usageError } from "../usage.ts";

/** Tags or untags through the library, printing the failure as podman does (125 for a missing image too: only rmi says 1). */
const rename = async (io: CliIO, globals: GlobalOptions, call: (berth: Berth) => Promise<E.Either<Failure, void>>): Promise<ExitCode> => {
  const berth = await openFor(io, globals);
  if (failed(berth)) return berth;
  const r = await call(berth);
  return E.isLeft(r) ? report(io, r.left, exitCodes.failure) : exitCodes.ok;
};

/** `berth tag IMAGE NAME...`: short names go under localhost/, :latest is added; a name moves from any image that had it. */
export const tagCommand = defineCommand({
  usage: "Usage: berth tag IMAGE NAME [NAME...]",
  options: {},
  run: async (p, io, globals) => {
    const [image, ...names] = p.positionals;
    if (image === undefined || names.length === 0) return usageError(io, "tag takes an IMAGE and at least one NAME");
    return rename(io, globals, (b) => b.te.tag(image, ...names)());
  },
});

/** `berth untag IMAGE [NAME...]`: without names, every name goes. */
export const untagCommand = defineCommand({
  usage: "Usage: berth untag IMAGE [NAME...]",
  options: {},
  run: async (p, io, globals) => {
    const [image, ...names] = p.positionals;
    if (image === undefined) return usageError(io, "untag takes an IMAGE and optional NAMEs");
    return rename(io, globals, (b) => b.te.untag(image, ...names)());
  },
});
