import * as E from "fp-ts/lib/Either.js";
import { imageTree, splitStoredName } from "../../../core/store/index.ts";
import { readState } from "../../store/store.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { humanAgo, humanSize, shownId, table } from "../format.ts";
import { failed, openSession, report } from "../session.ts";
import { imageJson, selectImages } from "../../api/images.ts";
import { usageError } from "../usage.ts";

const help = `Usage: berth images [options] [REFERENCE]

Lists images in the local store. REFERENCE acts as --filter reference=REFERENCE.

Options:
  -a, --all            Show intermediate images too
  -f, --filter F       Filter: before, after/since, until, dangling, intermediate, id, digest, label, reference, containers, manifest (KEY=VALUE or KEY!=VALUE)
      --format FORMAT  json or table
      --digests        Show digests
      --no-trunc       Do not truncate IDs
  -q, --quiet          Print only IDs
`;

/** `berth images` */
export const imagesCommand = defineCommand({
  usage: help,
  options: {
    all: { type: "boolean", short: "a" },
    filter: { type: "string", short: "f", multiple: true },
    format: { type: "string" },
    digests: { type: "boolean" },
    "no-trunc": { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
  },
  run: async (p, io, globals) => {
    const format = stringOption(p.values, "format");
    if (format !== undefined && format !== "json" && format !== "table") return usageError(io, `unknown --format "${format}": use json or table`);
    if (p.positionals.length > 1) return usageError(io, "images takes at most one REFERENCE");
    const filters = [...((p.values["filter"] as string[] | undefined) ?? []), ...p.positionals.map((r) => `reference=${r}`)];
    const session = await openSession(io, globals);
    if (failed(session)) return session;
    const state = await readState(session.store);
    if (E.isLeft(state)) return report(io, state.left);
    const images = selectImages(session, state.right, filters, p.values["all"] === true);
    if (E.isLeft(images)) return report(io, images.left);
    const noTrunc = p.values["no-trunc"] === true;
    if (p.values["quiet"] === true) {
      io.stdout([...new Set(images.right.map((i) => shownId(i.id, noTrunc)))].map((id) => `${id}\n`).join(""));
      return exitCodes.ok;
    }
    if (format === "json") {
      const tree = imageTree(state.right.images);
      const counts = new Map<string, number>();
      for (const c of state.right.containers) counts.set(c.imageId, (counts.get(c.imageId) ?? 0) + 1);
      io.stdout(`${JSON.stringify(images.right.map((i) => imageJson(i, state.right, tree, counts)), null, 2)}\n`);
      return exitCodes.ok;
    }
    const now = Date.now();
    const digests = p.values["digests"] === true;
    const rows = images.right.flatMap((i) =>
      (i.names.length === 0 ? ["<none>:<none>"] : i.names).map((n) => {
        const { repository: repo, tag } = n === "<none>:<none>" ? { repository: "<none>", tag: "<none>" } : splitStoredName(n);
        return [repo, tag, ...(digests ? [i.manifestDigest] : []), shownId(i.id, noTrunc), i.created === "" ? "" : humanAgo(Date.parse(i.created), now), humanSize(i.size)];
      }),
    );
    io.stdout(table([["REPOSITORY", "TAG", ...(digests ? ["DIGEST"] : []), "IMAGE ID", "CREATED", "SIZE"], ...rows]));
    return exitCodes.ok;
  },
});
