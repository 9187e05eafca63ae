import * as E from "fp-ts/lib/Either.js";
import { addNames, normalizeStoreName, removeNames, type StoreState } from "../../../core/store/index.ts";
import type { Failure } from "../../../core/failure.ts";
import { renameImage as rename } from "../../api/names.ts";
import { defineCommand } from "../command.ts";
import { exitCodes, type ExitCode } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";
import { failed, openSession, report } from "../session.ts";
import type { GlobalOptions } from "../command.ts";
import { usageError } from "../usage.ts";

/** Renames through the library, printing the failure as podman does. */
const renameImage = async (
  io: CliIO,
  globals: GlobalOptions,
  input: string,
  names: ReadonlyArray<string>,
  edit: (imageId: string, names: ReadonlyArray<string>) => (state: StoreState) => E.Either<Failure, StoreState>,
): Promise<ExitCode> => {
  const bad = names.map((n) => normalizeStoreName(n)).find(E.isLeft);
  if (bad !== undefined) return report(io, bad.left);
  const session = await openSession(io, globals);
  if (failed(session)) return session;
  const r = await rename(session, input, names, edit);
  if (E.isLeft(r)) return report(io, r.left, r.left.code === "IMAGE_NOT_FOUND" ? exitCodes.notFound : exitCodes.failure);
  return exitCodes.ok;
};

/** `berth tag IMAGE NAME...`: short names go under localhost/, :latest is added; a name moves from any image that had it. */
export const tagCommand = defineCommand({
  usage: "Usage: berth tag IMAGE NAME [NAME...]",
  options: {},
  run: async (p, io, globals) => {
    const [image, ...names] = p.positionals;
    if (image === undefined || names.length === 0) return usageError(io, "tag takes an IMAGE and at least one NAME");
    return renameImage(io, globals, image, names, (id, ns) => (state) => E.right(addNames(id, ns)(state)));
  },
});

/** `berth untag IMAGE [NAME...]`: without names, every name goes. */
export const untagCommand = defineCommand({
  usage: "Usage: berth untag IMAGE [NAME...]",
  options: {},
  run: async (p, io, globals) => {
    const [image, ...names] = p.positionals;
    if (image === undefined) return usageError(io, "untag takes an IMAGE and optional NAMEs");
    return renameImage(io, globals, image, names, removeNames);
  },
});
