import * as E from "fp-ts/lib/Either.js";
import { readImageDocuments } from "../../store/documents.ts";
import { readState } from "../../store/store.ts";
import { stringOption } from "../args.ts";
import { defineCommand, type GlobalOptions } from "../command.ts";
import type { CliIO } from "../io.ts";
import { exitCodes, type ExitCode } from "../exit-codes.ts";
import { humanAgo, humanSize, shownId, table } from "../format.ts";
import { failed, openSession, report } from "../session.ts";
import { inspectJson } from "../../api/inspect.ts";
import { usageError } from "../usage.ts";
import { remoteInspect, remoteOptions } from "./remote.ts";

const sessionAndState = async (io: CliIO, globals: GlobalOptions) => {
  const session = await openSession(io, globals);
  if (failed(session)) return session;
  const state = await readState(session.store);
  if (E.isLeft(state)) return report(io, state.left);
  return { session, state: state.right };
};

/** `berth inspect IMAGE...` */
export const inspectCommand = defineCommand({
  usage: "Usage: berth inspect IMAGE [IMAGE...]\n       berth inspect [--raw|--config] [--tls-verify=false] [--creds U:P] docker://NAME",
  options: { format: { type: "string", short: "f" }, raw: { type: "boolean" }, config: { type: "boolean" }, ...remoteOptions },
  run: async (p, io, globals) => {
    if (p.positionals.length === 0) return usageError(io, "inspect takes at least one IMAGE");
    const first = p.positionals[0] ?? "";
    if (first.startsWith("docker://")) {
      if (p.positionals.length > 1) return usageError(io, "inspect takes one docker://NAME");
      return remoteInspect(p, io, globals, first);
    }
    const format = stringOption(p.values, "format");
    if (format !== undefined && format !== "json") return usageError(io, `unknown --format "${format}": use json`);
    const ctx = await sessionAndState(io, globals);
    if (typeof ctx === "number") return ctx;
    const out: unknown[] = [];
    let exit: ExitCode = exitCodes.ok;
    for (const name of p.positionals) {
      const found = ctx.session.lookup(name, ctx.state.images);
      if (E.isLeft(found)) {
        io.stderr(`Error: ${found.left.message}\n`);
        exit = found.left.code === "IMAGE_NOT_FOUND" ? exitCodes.notFound : exitCodes.failure;
        continue;
      }
      const docs = await readImageDocuments(ctx.session.store, found.right.image);
      if (E.isLeft(docs)) return report(io, docs.left);
      out.push(inspectJson(found.right.image, ctx.state, docs.right.manifest, docs.right.config));
    }
    io.stdout(`${JSON.stringify(out, null, 4)}\n`);
    return exit;
  },
});

/** `berth history IMAGE` */
export const historyCommand = defineCommand({
  usage: "Usage: berth history [--format json] [--no-trunc] [-q] IMAGE",
  options: { format: { type: "string" }, "no-trunc": { type: "boolean" }, quiet: { type: "boolean", short: "q" } },
  run: async (p, io, globals) => {
    if (p.positionals.length !== 1) return usageError(io, "history takes exactly one IMAGE");
    const format = stringOption(p.values, "format");
    if (format !== undefined && format !== "json" && format !== "table") return usageError(io, `unknown --format "${format}": use json or table`);
    const ctx = await sessionAndState(io, globals);
    if (typeof ctx === "number") return ctx;
    const found = ctx.session.lookup(p.positionals[0] ?? "", ctx.state.images);
    if (E.isLeft(found)) return report(io, found.left, found.left.code === "IMAGE_NOT_FOUND" ? exitCodes.notFound : exitCodes.failure);
    const image = found.right.image;
    const docs = await readImageDocuments(ctx.session.store, image);
    if (E.isLeft(docs)) return report(io, docs.left);
    const noTrunc = p.values["no-trunc"] === true;
    // Newest first; each entry that made a layer takes the next layer from the top.
    const layers = [...docs.right.manifest.layers];
    const entries = [...(docs.right.config.history ?? [])].reverse().map((h, n) => {
      const layer = h.empty_layer === true ? undefined : layers.pop();
      return {
        id: n === 0 ? image.id : "<missing>",
        created: h.created ?? "",
        createdBy: h.created_by ?? "",
        size: layer?.size ?? 0,
        comment: h.comment ?? "",
        tags: n === 0 ? image.names : [],
      };
    });
    if (p.values["quiet"] === true) {
      io.stdout(entries.map((e) => `${e.id === "<missing>" ? e.id : shownId(e.id, noTrunc)}\n`).join(""));
      return exitCodes.ok;
    }
    if (format === "json") {
      io.stdout(
        `${JSON.stringify(
          entries.map((e) => ({ id: e.id, created: e.created, CreatedBy: e.createdBy, Size: e.size, Comment: e.comment, Tags: e.tags })),
          null,
          4,
        )}\n`,
      );
      return exitCodes.ok;
    }
    const now = Date.now();
    const by = (s: string): string => (noTrunc || s.length <= 45 ? s : `${s.slice(0, 42)}...`);
    io.stdout(
      table([
        ["ID", "CREATED", "CREATED BY", "SIZE", "COMMENT"],
        ...entries.map((e) => [e.id === "<missing>" ? e.id : shownId(e.id, noTrunc), e.created === "" ? "" : humanAgo(Date.parse(e.created), now), by(e.createdBy), humanSize(e.size), e.comment]),
      ]),
    );
    return exitCodes.ok;
  },
});
