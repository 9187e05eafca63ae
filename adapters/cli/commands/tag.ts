import * as E from "fp-ts/lib/Either.js";
import * as RA from "fp-ts/lib/ReadonlyArray.js";
import { addNames, normalizeStoreName, removeNames, type StoreState } from "../../../core/store/index.ts";
import type { Failure } from "../../../core/failure.ts";
import { transaction } from "../../store/store.ts";
import { defineCommand } from "../command.ts";
import { exitCodes, type ExitCode } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";
import { failed, openSession, report } from "../session.ts";
import type { GlobalOptions } from "../command.ts";
import { usageError } from "../usage.ts";

/**
 * Changes the names of the image `input` names, under the lock: `edit` gets
 * the image ID and the normalised names and returns the new state.
 */
const renameImage = async (
  io: CliIO,
  globals: GlobalOptions,
  input: string,
  names: ReadonlyArray<string>,
  edit: (imageId: string, names: ReadonlyArray<string>) => (state: StoreState) => E.Either<Failure, StoreState>,
): Promise<ExitCode> => {
  const normalized = RA.traverse(E.Applicative)(normalizeStoreName)(names);
  if (E.isLeft(normalized)) return report(io, normalized.left);
  const session = await openSession(io, globals);
  if (failed(session)) return session;
  const r = await transaction(session.store, async (state) => {
    const found = session.lookup(input, state.images);
    if (E.isLeft(found)) return found;
    const next = edit(found.right.image.id, normalized.right)(state);
    return E.isLeft(next) ? next : E.right({ state: next.right, result: undefined });
  });
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
