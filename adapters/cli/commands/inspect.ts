import * as E from "fp-ts/lib/Either.js";
import { parseFormat, renderRows } from "../../../core/template/index.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes, type ExitCode } from "../exit-codes.ts";
import { epochSeconds, goTimeText, humanAgo, humanSize, rfc3339Local, rfc3339Seconds } from "../format.ts";
import { platformFor, registryOptionsOf } from "../flags.ts";
import { failed, openFor, report } from "../session.ts";
import { usageError } from "../usage.ts";
import { documentFormat, renderDocument } from "../document-format.ts";
import { remoteInspect, remoteOptions } from "./remote.ts";

/** `berth inspect IMAGE...` */
export const inspectCommand = defineCommand({
  usage: `Usage: berth inspect [--format FORMAT] IMAGE [IMAGE...]
       berth inspect [--raw|--config] [--format FORMAT] [--tls-verify=false] [--creds U:P] docker://NAME
       berth inspect [--raw|--config] [--format FORMAT] oci:DIR[:NAME]|oci-archive:FILE[:NAME]|docker-archive:FILE[:NAME]|dir:DIR

Shows images of the store as podman does, and images elsewhere as skopeo does.

Options:
  -f, --format FORMAT   json (default), or a Go template ("{{.Id}} {{.Labels.tier}}")
      --raw             The manifest as stored (skopeo's --raw)
      --config          The image's config (skopeo's --config)
  -n, --no-tags         Do not list the repository's tags (docker://)

An index shows its image for this machine, or for skopeo's global
--override-os/--override-arch/--override-variant.
`,
  options: { format: { type: "string", short: "f" }, raw: { type: "boolean" }, config: { type: "boolean" }, "no-tags": { type: "boolean", short: "n" }, ...remoteOptions },
  run: async (p, io, globals) => {
    if (p.positionals.length === 0) return usageError(io, "inspect takes at least one IMAGE");
    const format = documentFormat(stringOption(p.values, "format"));
    if (E.isLeft(format)) return report(io, format.left);
    const first = p.positionals[0] ?? "";
    if (first.startsWith("docker://")) {
      if (p.positionals.length > 1) return usageError(io, "inspect takes one docker://NAME");
      return remoteInspect(p, io, globals, first, format.right);
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
      const platform = platformFor(p.values, globals);
      if (platform === "invalid") return usageError(io, "invalid --platform: use OS/ARCH[/VARIANT]");
      const r = await berth.te.inspectImage(first, { ...registry, raw: !config && p.values["raw"] === true, config, ...(platform === undefined ? {} : { platform }) })();
      if (E.isLeft(r)) return report(io, r.left);
      const shown = r.right;
      const text = shown.kind === "raw" ? E.right(new TextDecoder().decode(shown.manifest.bytes)) : shown.kind === "config" ? E.right(`${shown.text}\n`) : renderDocument(format.right, shown.details, "inspect");
      if (E.isLeft(text)) return report(io, text.left);
      io.stdout(text.right);
      return exitCodes.ok;
    }
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const out: unknown[] = [];
    let exit: ExitCode = exitCodes.ok;
    for (const name of p.positionals) {
      const details = await berth.te.inspect(name)();
      if (E.isRight(details)) out.push(details.right);
      else if (details.left.code === "IMAGE_NOT_FOUND") {
        // podman lists what it found and says what it did not, in order; a missing image is an error (125) to podman's inspect.
        io.stderr(`Error: ${details.left.message}\n`);
        exit = exitCodes.failure;
      } else return report(io, details.left);
    }
    if (format.right.kind === "template") {
      // As podman: each image through the template, what rendered printed even if a later one fails.
      for (const details of out) {
        const text = renderDocument(format.right, details, "inspect");
        if (E.isLeft(text)) return report(io, text.left);
        io.stdout(text.right);
      }
      return exit;
    }
    io.stdout(`${JSON.stringify(out, null, 4)}\n`);
    return exit;
  },
});

/** The columns podman names in `history` tables. */
const historyHeaders: ReadonlyMap<string, string> = new Map([
  ["ID", "ID"],
  ["Created", "CREATED"],
  ["CreatedBy", "CREATED BY"],
  ["Size", "SIZE"],
  ["Comment", "COMMENT"],
  ["Tags", "TAGS"],
]);

const historyHelp = `Usage: berth history [options] IMAGE

Shows the history of an image: the steps that made its layers, newest first.

Options:
      --format FORMAT  json, or a Go template as podman takes it ("table {{.ID}}\\t{{.CreatedBy}}")
  -H, --human          Sizes and dates for people (default true; --human=false prints dates in RFC 3339)
      --no-trunc       Do not truncate IDs and commands
  -n, --noheading      No header row
  -q, --quiet          Print only IDs
`;

/** A history entry's ID as podman shows it: 12 characters, or all 64 without `sha256:`. */
const historyId = (id: string, noTrunc: boolean): string => (id === "<missing>" || noTrunc ? id : id.slice(0, 12));

/** podman's `history` table. */
const historyTable = "table {{.ID}}\t{{.Created}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";

/** `berth history IMAGE` */
export const historyCommand = defineCommand({
  usage: historyHelp,
  options: {
    format: { type: "string" },
    human: { type: "boolean", short: "H" },
    "no-trunc": { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
    noheading: { type: "boolean", short: "n" },
  },
  run: async (p, io, globals) => {
    if (p.positionals.length !== 1) return usageError(io, "history takes exactly one IMAGE");
    const format = stringOption(p.values, "format");
    const template = format === "json" ? undefined : parseFormat(format === undefined || format === "table" ? historyTable : format);
    if (template !== undefined && E.isLeft(template)) return report(io, template.left);
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const rows = await berth.te.historyRows(p.positionals[0] ?? "")();
    if (E.isLeft(rows)) return report(io, rows.left, exitCodes.failure);
    const entries = rows.right;
    const noTrunc = p.values["no-trunc"] === true;
    if (p.values["quiet"] === true) {
      io.stdout(entries.map((e) => `${historyId(e.id, noTrunc)}\n`).join(""));
      return exitCodes.ok;
    }
    if (template === undefined) {
      // As podman 4.3 prints it: one line, its keys in its order, empty ones left out, and `Created` in whole seconds.
      const doc = entries.map((e) => ({
        id: e.id,
        ...(e.created === "" ? {} : { created: e.created }),
        ...(e.createdBy === "" ? {} : { CreatedBy: e.createdBy }),
        ...(e.tags.length === 0 ? {} : { tags: e.tags }),
        size: e.size,
        ...(e.comment === "" ? {} : { comment: e.comment }),
        Created: rfc3339Seconds(epochSeconds(e.created)),
      }));
      io.stdout(`${JSON.stringify(doc)}\n`);
      return exitCodes.ok;
    }
    const now = Date.now();
    const human = p.values["human"] !== false;
    const by = (s: string): string => (noTrunc || s.length <= 45 ? s : `${s.slice(0, 42)}...`);
    const data = entries.map((e) => {
      // podman's Created: relative for people, else RFC 3339 in the local zone; CreatedSince is always relative.
      const since = e.created === "" ? "" : humanAgo(Date.parse(e.created), now);
      return {
        ID: historyId(e.id, noTrunc),
        Created: human ? since : rfc3339Local(epochSeconds(e.created)),
        CreatedSince: since,
        CreatedAt: goTimeText(epochSeconds(e.created)),
        CreatedBy: by(e.createdBy),
        Size: humanSize(e.size),
        Comment: e.comment,
        Tags: [...e.tags],
      };
    });
    const text = renderRows(template.right, data, historyHeaders, "history", p.values["noheading"] === true);
    if (E.isLeft(text)) return report(io, text.left);
    io.stdout(text.right);
    return exitCodes.ok;
  },
});

/** `berth image tree IMAGE`: its layers as podman 4.3 prints them. */
export const imageTreeCommand = defineCommand({
  usage: `Usage: berth image tree IMAGE

Prints the layers of IMAGE, newest last, each by its chain ID with its size and
the images it is the top layer of, as podman image tree does.
`,
  options: {},
  run: async (p, io, globals) => {
    const [name, ...extra] = p.positionals;
    if (name === undefined || extra.length > 0) return usageError(io, "image tree takes one IMAGE");
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const r = await berth.te.layerTree(name)();
    if (E.isLeft(r)) return report(io, r.left, exitCodes.failure);
    const { image, layers } = r.right;
    // Go's %v of a list of names.
    const list = (names: ReadonlyArray<string>) => `[${names.join(" ")}]`;
    const lines = [`Image ID: ${image.id.slice(0, 12)}`, `Tags:     ${list(image.names)}`, `Size:     ${humanSize(image.size, 4, "")}`, "Image Layers"];
    layers.forEach((l, i) => {
      const top = l.topOf.length === 0 ? "" : ` Top Layer of: ${list(l.topOf)}`;
      lines.push(`${i === layers.length - 1 ? "└──" : "├──"} ID: ${l.id.replace(/^sha256:/, "").slice(0, 12)} Size: ${humanSize(l.size, 4, "")}${top}`);
    });
    io.stdout(`${lines.join("\n")}\n\n`);
    return exitCodes.ok;
  },
});
