import * as E from "fp-ts/lib/Either.js";
import { failure } from "../../../core/failure.ts";
import { addNames, normalizeStoreName, removeNames } from "../../../core/store/index.ts";
import { transaction } from "../../store/store.ts";
import { parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { failed, openSession, report } from "../session.ts";
import { usageError } from "../usage.ts";

const normalizeAll = (names: ReadonlyArray<string>) => {
  const out: string[] = [];
  for (const n of names) {
    const r = normalizeStoreName(n);
    if (E.isLeft(r)) return r;
    out.push(r.right);
  }
  return E.right(out);
};

/** `berth tag IMAGE NAME...`: short names go under localhost/, :latest is added; a name moves from any image that had it. */
export const tagCommand: Command = {
  name: "tag",
  summary: "Add names to an image",
  run: async (args, io, globals) => {
    const p = parseCommandArgs(args, { help: { type: "boolean", short: "h" } });
    if (!p.ok) return usageError(io, p.message);
    const [image, ...names] = p.positionals;
    if (p.values["help"] === true || image === undefined || names.length === 0) {
      if (p.values["help"] === true) {
        io.stdout("Usage: berth tag IMAGE NAME [NAME...]\n");
        return exitCodes.ok;
      }
      return usageError(io, "tag takes an IMAGE and at least one NAME");
    }
    const normalized = normalizeAll(names);
    if (E.isLeft(normalized)) return report(io, normalized.left);
    const session = await openSession(io, globals);
    if (failed(session)) return session;
    const r = await transaction(session.store, async (state) => {
      const found = session.lookup(image, state.images);
      if (E.isLeft(found)) return found;
      return E.right({ state: addNames(found.right.image.id, normalized.right)(state), result: undefined });
    });
    if (E.isLeft(r)) return report(io, r.left, r.left.code === "IMAGE_NOT_FOUND" ? exitCodes.notFound : exitCodes.failure);
    return exitCodes.ok;
  },
};

/** `berth untag IMAGE [NAME...]`: without names, every name goes. */
export const untagCommand: Command = {
  name: "untag",
  summary: "Remove names from an image",
  run: async (args, io, globals) => {
    const p = parseCommandArgs(args, { help: { type: "boolean", short: "h" } });
    if (!p.ok) return usageError(io, p.message);
    if (p.values["help"] === true) {
      io.stdout("Usage: berth untag IMAGE [NAME...]\n");
      return exitCodes.ok;
    }
    const [image, ...names] = p.positionals;
    if (image === undefined) return usageError(io, "untag takes an IMAGE and optional NAMEs");
    const normalized = normalizeAll(names);
    if (E.isLeft(normalized)) return report(io, normalized.left);
    const session = await openSession(io, globals);
    if (failed(session)) return session;
    const r = await transaction(session.store, async (state) => {
      const found = session.lookup(image, state.images);
      if (E.isLeft(found)) return found;
      const next = removeNames(found.right.image.id, normalized.right)(state);
      return E.isLeft(next) ? E.left(failure(next.left.code, next.left.message)) : E.right({ state: next.right, result: undefined });
    });
    if (E.isLeft(r)) return report(io, r.left, r.left.code === "IMAGE_NOT_FOUND" ? exitCodes.notFound : exitCodes.failure);
    return exitCodes.ok;
  },
};
