import * as E from "fp-ts/lib/Either.js";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodeFor } from "../../api/errors.ts";
import { exitCodes, type ExitCode } from "../exit-codes.ts";
import { humanAgo, humanSize, shownId, table } from "../format.ts";
import { registryOptionsOf } from "../flags.ts";
import { failed, openFor, report } from "../session.ts";
import { usageError } from "../usage.ts";
import { remoteInspect, remoteOptions } from "./remote.ts";

/** `berth inspect IMAGE...` */
export const inspectCommand = defineCommand({
  usage:
    "Usage: berth inspect IMAGE [IMAGE...]\n       berth inspect [--raw|--config] [--tls-verify=false] [--creds U:P] docker://NAME\n       berth inspect [--raw|--config] oci:DIR[:NAME]|oci-archive:FILE[:NAME]|docker-archive:FILE[:NAME]|dir:DIR",
  options: { format: { type: "string", short: "f" }, raw: { type: "boolean" }, config: { type: "boolean" }, ...remoteOptions },
  run: async (p, io, globals) => {
    if (p.positionals.length === 0) return usageError(io, "inspect takes at least one IMAGE");
    const first = p.positionals[0] ?? "";
    if (first.startsWith("docker://")) {
      if (p.positionals.length > 1) return usageError(io, "inspect takes one docker://NAME");
      return remoteInspect(p, io, globals, first);
    }
    // skopeo's transports: a local image literally named `oci` (or `dir`, …) is still `localhost/oci:TAG`.
    if (/^(oci|oci-archive|docker-archive|dir):/.test(first)) {
      if (p.positionals.length > 1) return usageError(io, "inspect takes one transport-qualified name");
      const registry = registryOptionsOf(p.values);
      if (typeof registry === "string") return usageError(io, registry);
      const berth = await openFor(io, globals);
      if (failed(berth)) return berth;
      // As skopeo: --config (with or without --raw) is the config as stored.
      const config = p.values["config"] === true;
      const r = await berth.te.inspectImage(first, { ...registry, raw: !config && p.values["raw"] === true, config })();
      if (E.isLeft(r)) return report(io, r.left);
      const shown = r.right;
      io.stdout(shown.kind === "raw" ? new TextDecoder().decode(shown.manifest.bytes) : shown.kind === "config" ? `${shown.text}\n` : `${JSON.stringify(shown.details, null, 4)}\n`);
      return exitCodes.ok;
    }
    const format = stringOption(p.values, "format");
    if (format !== undefined && format !== "json") return usageError(io, `unknown --format "${format}": use json`);
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const out: unknown[] = [];
    let exit: ExitCode = exitCodes.ok;
    for (const name of p.positionals) {
      const details = await berth.te.inspect(name)();
      if (E.isRight(details)) out.push(details.right);
      else if (details.left.code === "IMAGE_NOT_FOUND") {
        // podman lists what it found and says what it did not, in order.
        io.stderr(`Error: ${details.left.message}\n`);
        exit = exitCodeFor(details.left.code);
      } else return report(io, details.left);
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
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const rows = await berth.te.historyRows(p.positionals[0] ?? "")();
    if (E.isLeft(rows)) return report(io, rows.left);
    const entries = rows.right;
    const noTrunc = p.values["no-trunc"] === true;
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
