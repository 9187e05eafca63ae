import * as E from "fp-ts/lib/Either.js";
import { failure } from "../../../core/failure.ts";
import { splitStoredName } from "../../../core/store/index.ts";
import { parseFormat, renderRows } from "../../../core/template/index.ts";
import type { ImageSummary } from "../../api/images.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { goTimeText, humanAgo, humanSize, rfc3339Seconds, shownId } from "../format.ts";
import { failed, openFor, report } from "../session.ts";
import { usageError } from "../usage.ts";

const help = `Usage: berth images [options] [REFERENCE]

Lists images in the local store. REFERENCE acts as --filter reference=REFERENCE.

Options:
  -a, --all            Show intermediate images too
  -f, --filter F       Filter: before, after/since, until, dangling, intermediate, id, digest, label, reference, containers, manifest (KEY=VALUE or KEY!=VALUE)
      --format FORMAT  json, or a Go template as podman takes it ("table {{.ID}}\\t{{.Repository}}")
      --sort FIELD     created (default, newest first), id, repository, size or tag
  -n, --noheading      No header row
      --digests        Show digests
      --no-trunc       Do not truncate IDs
  -q, --quiet          Print only IDs
`;

/** The columns podman names in `images` tables; a field not here heads its column with `<no value>`, as in podman. */
const headers: ReadonlyMap<string, string> = new Map([
  ["ID", "IMAGE ID"],
  ["Repository", "REPOSITORY"],
  ["Tag", "TAG"],
  ["Digest", "DIGEST"],
  ["Created", "CREATED"],
  ["Size", "SIZE"],
  ["VirtualSize", "VIRTUAL SIZE"],
  ["SharedSize", "SHARED SIZE"],
  ["ReadOnly", "R/O"],
  ["History", "HISTORY"],
  ["Names", "NAMES"],
  ["Labels", "LABELS"],
  ["Containers", "CONTAINERS"],
  ["Dangling", "DANGLING"],
  ["ParentId", "PARENT ID"],
  ["RepoTags", "REPO TAGS"],
  ["RepoDigests", "REPO DIGESTS"],
]);

/** One row as podman's templates see an image under one of its names (its imageReporter's fields). */
const reporterRow = (i: ImageSummary, repository: string, tag: string, noTrunc: boolean, now: number) => {
  const since = i.CreatedAt === "" ? "" : humanAgo(Date.parse(i.CreatedAt), now);
  return {
    ID: shownId(i.Id, noTrunc),
    Id: i.Id,
    Repository: repository,
    Tag: tag,
    Digest: i.Digest,
    Created: since,
    CreatedSince: since,
    CreatedAt: goTimeText(i.Created),
    CreatedTime: goTimeText(i.Created),
    Size: humanSize(i.Size),
    VirtualSize: i.VirtualSize,
    SharedSize: i.SharedSize,
    ReadOnly: false,
    IsReadOnly: false,
    History: i.History.join(", "),
    Names: [...i.Names],
    // A map, not a struct: a label it lacks prints <no value> (see core/template).
    Labels: new Map(Object.entries(i.Labels)),
    Containers: i.Containers,
    Dangling: i.Dangling,
    ParentId: i.ParentId,
    RepoTags: [...i.RepoTags],
    RepoDigests: [...i.RepoDigests],
  };
};

/**
 * One image as podman 4.3's `images --format json` prints it, key for key:
 * `RepoTags` null (podman fills it only for Docker's API; `Names` has them),
 * empty `Labels` null, `CreatedAt` in whole seconds, `Dangling` only when
 * true, and no `Digests`. The library's ImageSummary keeps the fuller form.
 */
const podmanJson = (i: ImageSummary) => ({
  Id: i.Id,
  ParentId: i.ParentId,
  RepoTags: null,
  RepoDigests: i.RepoDigests,
  Size: i.Size,
  SharedSize: i.SharedSize,
  VirtualSize: i.VirtualSize,
  Labels: Object.keys(i.Labels).length === 0 ? null : i.Labels,
  Containers: i.Containers,
  Names: i.Names,
  Digest: i.Digest,
  History: i.History,
  Created: i.Created,
  CreatedAt: rfc3339Seconds(i.Created),
  ...(i.Dangling ? { Dangling: true } : {}),
});

/** podman's `images` table, with the digest column for `--digests`. */
const defaultTable = (digests: boolean): string => `table {{.Repository}}\t{{.Tag}}\t${digests ? "{{.Digest}}\t" : ""}{{.ID}}\t{{.Created}}\t{{.Size}}`;

const sortFields = ["created", "id", "repository", "size", "tag"] as const;
type SortField = (typeof sortFields)[number];

/** podman's orders: newest first by default; ID, repository and tag ascending; size ascending. */
const sortRows = <R extends { readonly row: ReturnType<typeof reporterRow>; readonly image: ImageSummary }>(rows: R[], by: SortField): R[] => {
  const key: Record<SortField, (a: R, b: R) => number> = {
    created: (a, b) => b.image.Created - a.image.Created,
    id: (a, b) => (a.image.Id < b.image.Id ? -1 : a.image.Id > b.image.Id ? 1 : 0),
    repository: (a, b) => (a.row.Repository < b.row.Repository ? -1 : a.row.Repository > b.row.Repository ? 1 : 0),
    size: (a, b) => a.image.Size - b.image.Size,
    tag: (a, b) => (a.row.Tag < b.row.Tag ? -1 : a.row.Tag > b.row.Tag ? 1 : 0),
  };
  return [...rows].sort(key[by]);
};

/** `berth images` */
export const imagesCommand = defineCommand({
  usage: help,
  options: {
    all: { type: "boolean", short: "a" },
    filter: { type: "string", short: "f", multiple: true },
    format: { type: "string" },
    sort: { type: "string" },
    noheading: { type: "boolean", short: "n" },
    digests: { type: "boolean" },
    "no-trunc": { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
  },
  run: async (p, io, globals) => {
    const format = stringOption(p.values, "format");
    const digests = p.values["digests"] === true;
    const template = format === "json" ? undefined : parseFormat(format === undefined || format === "table" ? defaultTable(digests) : format);
    if (template !== undefined && E.isLeft(template)) return report(io, template.left);
    const sortBy = stringOption(p.values, "sort") ?? "created";
    if (!(sortFields as ReadonlyArray<string>).includes(sortBy)) return report(io, failure("INVALID_ARGUMENT", `"${sortBy}" is not a valid field for sorting. Choose from: ${sortFields.join(", ")}`));
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
    const now = Date.now();
    const noHeading = p.values["noheading"] === true;
    const named = sortRows(
      images.right.flatMap((image) =>
        (image.Names.length === 0 ? ["<none>:<none>"] : image.Names).map((n) => {
          const { repository, tag } = n === "<none>:<none>" ? { repository: "<none>", tag: "<none>" } : splitStoredName(n);
          return { image, row: reporterRow(image, repository, tag, noTrunc, now) };
        }),
      ),
      sortBy as SortField,
    );
    if (template === undefined) {
      // One document per image, in the order of its first row.
      const seen = new Set<string>();
      const ordered = named.map((n) => n.image).filter((i) => !seen.has(i.Id) && seen.add(i.Id) !== undefined);
      io.stdout(`${JSON.stringify(ordered.map(podmanJson), null, 4)}\n`);
      return exitCodes.ok;
    }
    const text = renderRows(template.right, named.map((n) => n.row), headers, "images", noHeading);
    if (E.isLeft(text)) return report(io, text.left);
    io.stdout(text.right);
    return exitCodes.ok;
  },
});
