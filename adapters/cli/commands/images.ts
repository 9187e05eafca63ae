import * as E from "fp-ts/lib/Either.js";
import { splitStoredName } from "../../../core/store/index.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { humanAgo, humanSize, shownId, table } from "../format.ts";
import { failed, openFor, report } from "../session.ts";
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
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const images = await berth.te.images({ filters, all: p.values["all"] === true })();
    if (E.isLeft(images)) return report(io, images.left);
    const noTrunc = p.values["no-trunc"] === true;
    if (p.values["quiet"] === true) {
      io.stdout([...new Set(images.right.map((i) => shownId(i.Id, noTrunc)))].map((id) => `${id}\n`).join(""));
      return exitCodes.ok;
    }
    if (format === "json") {
      io.stdout(`${JSON.stringify(images.right, null, 2)}\n`);
      return exitCodes.ok;
    }
    const now = Date.now();
    const digests = p.values["digests"] === true;
    const rows = images.right.flatMap((i) =>
      (i.Names.length === 0 ? ["<none>:<none>"] : i.Names).map((n) => {
        const { repository: repo, tag } = n === "<none>:<none>" ? { repository: "<none>", tag: "<none>" } : splitStoredName(n);
        return [repo, tag, ...(digests ? [i.Digest] : []), shownId(i.Id, noTrunc), i.CreatedAt === "" ? "" : humanAgo(Date.parse(i.CreatedAt), now), humanSize(i.Size)];
      }),
    );
    io.stdout(table([["REPOSITORY", "TAG", ...(digests ? ["DIGEST"] : []), "IMAGE ID", "CREATED", "SIZE"], ...rows]));
    return exitCodes.ok;
  },
});
