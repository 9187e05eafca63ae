import * as E from "fp-ts/lib/Either.js";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes, type ExitCode } from "../exit-codes.ts";
import { epochSeconds, goTimeFraction, humanAgo } from "../format.ts";
import { failure } from "../../../core/failure.ts";
import { headerOf, parseFormat, renderRows } from "../../../core/template/index.ts";
import type { ContainerInfo } from "../../api/berth.ts";
import { failed, openFor, report } from "../session.ts";
import { usageError } from "../usage.ts";
import { exitCodeFor } from "../../api/errors.ts";

/** `berth create [--name N] IMAGE [COMMAND [ARG...]]`: a root filesystem made from an image, in the store. */
export const createCommand = defineCommand({
  usage: `Usage: berth create [--name NAME] IMAGE [COMMAND [ARG...]]

Unpacks IMAGE into a new root filesystem in the store and records the command
it would run (COMMAND, else the image's entrypoint and command). berth runs no
containers; \`berth mount\` prints where the root filesystem is.
`,
  options: { name: { type: "string" } },
  flagsFirst: true,
  run: async (p, io, globals) => {
    const [input, ...command] = p.positionals;
    if (input === undefined) return usageError(io, "create takes an IMAGE");
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const name = stringOption(p.values, "name");
    const r = await berth.te.create(input, { ...(name === undefined ? {} : { name }), ...(command.length === 0 ? {} : { command }) })();
    if (E.isLeft(r)) return report(io, r.left);
    io.stdout(`${r.right.id}\n`);
    return exitCodes.ok;
  },
});

/** Go's zero time, which podman prints for a container never started or exited. */
const goZeroSeconds = -62135596800;

/** podman's `ps` table. */
const psTable = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.CreatedHuman}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";

/** One container as podman's `ps` templates see it (its psReporter): berth's containers are all in state "created". */
const psRow = (c: ContainerInfo, noTrunc: boolean, now: number) => {
  const command = (c.command ?? []).join(" ");
  const since = humanAgo(Date.parse(c.created), now);
  const created = goTimeFraction(c.created);
  return {
    AutoRemove: false,
    CIDFile: "",
    Command: noTrunc || command.length <= 17 ? command : `${command.slice(0, 17)}...`,
    Created: created,
    CreatedAt: created,
    CreatedHuman: since,
    RunningFor: since,
    Exited: false,
    ExitedAt: goZeroSeconds,
    ExitCode: 0,
    ID: noTrunc ? c.id : c.id.slice(0, 12),
    Image: c.imageName,
    ImageID: noTrunc ? c.imageId : c.imageId.slice(0, 12),
    IsInfra: false,
    // A map, as in podman: a label it lacks prints <no value>.
    Labels: new Map(Object.entries(c.labels ?? {})),
    Mounts: [] as string[],
    Names: c.name,
    Networks: "",
    Pid: 0,
    Pod: "",
    PodName: "",
    Ports: "",
    Size: "",
    StartedAt: goZeroSeconds,
    State: "Created",
    Status: "Created",
    Cgroup: "",
    IPC: "",
    MNT: "",
    NET: "",
    PIDNS: "",
    User: "",
    UTS: "",
  };
};

/** podman's column names for `ps`: its own words where it has them, else the field's words upper-cased. */
const psHeaders: ReadonlyMap<string, string> = new Map(
  Object.keys(psRow({ id: "", name: "", imageId: "", imageName: "", created: "", rootfs: "" }, false, 0)).map((k) => [
    k,
    ({ ID: "CONTAINER ID", CreatedHuman: "CREATED", Cgroup: "CGROUPNS", Pod: "POD ID", PodName: "PODNAME", PIDNS: "PIDNS", User: "USERNS", IPC: "IPC", MNT: "MNT", NET: "NET", UTS: "UTS" } as Record<string, string>)[k] ?? headerOf(k),
  ]),
);

/**
 * One container as podman 4.3's `ps --format json` prints it, key for key.
 * berth's containers join no network and mount no volumes: `Networks` and
 * `Mounts` are empty where podman names its default network.
 */
const psJson = (c: ContainerInfo, now: number) => ({
  AutoRemove: false,
  Command: c.command ?? [],
  CreatedAt: humanAgo(Date.parse(c.created), now),
  Exited: false,
  ExitedAt: goZeroSeconds,
  ExitCode: 0,
  Id: c.id,
  Image: c.imageName,
  ImageID: c.imageId,
  IsInfra: false,
  Labels: c.labels === undefined || Object.keys(c.labels).length === 0 ? null : c.labels,
  Mounts: [],
  Names: [c.name],
  Namespaces: {},
  Networks: [],
  Pid: 0,
  Pod: "",
  PodName: "",
  Ports: null,
  Size: null,
  StartedAt: goZeroSeconds,
  State: "created",
  Status: "Created",
  Created: epochSeconds(c.created),
});

const psSortFields = ["command", "created", "id", "image", "names", "runningfor", "size", "status"] as const;
type PsSortField = (typeof psSortFields)[number];

/** podman 4.3's orders for `ps --sort`: created (its default) and runningfor oldest first, the rest ascending (size and status tie here: no container runs). */
const psSorted = (containers: ReadonlyArray<ContainerInfo>, by: PsSortField): ContainerInfo[] => {
  const text = (f: (c: ContainerInfo) => string) => (a: ContainerInfo, b: ContainerInfo) => (f(a) < f(b) ? -1 : f(a) > f(b) ? 1 : 0);
  const oldest = (a: ContainerInfo, b: ContainerInfo) => Date.parse(a.created) - Date.parse(b.created);
  const order: Record<PsSortField, (a: ContainerInfo, b: ContainerInfo) => number> = {
    command: text((c) => (c.command ?? []).join(" ")),
    created: oldest,
    id: text((c) => c.id),
    image: text((c) => c.imageName),
    names: text((c) => c.name),
    runningfor: oldest,
    size: () => 0,
    status: () => 0,
  };
  return [...containers].sort(order[by]);
};

const psHelp = `Usage: berth ps [options]

Lists the containers in the store (all of them: berth runs none, so -a changes nothing).

Options:
  -a, --all            Show all containers (always)
      --format FORMAT  json, or a Go template as podman takes it ("table {{.ID}}\\t{{.Names}}")
  -n, --last N         The N newest containers only
      --noheading      No header row
      --no-trunc       Do not truncate IDs and commands
  -q, --quiet          Print only IDs
      --sort FIELD     command, created (default), id, image, names, runningfor, size or status
`;

/** \`berth ps\`: berth's containers are never running, so every one is listed. */
export const psCommand = defineCommand({
  usage: psHelp,
  options: {
    all: { type: "boolean", short: "a" },
    format: { type: "string" },
    last: { type: "string", short: "n" },
    noheading: { type: "boolean" },
    "no-trunc": { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
    sort: { type: "string" },
  },
  run: async (p, io, globals) => {
    if (p.positionals.length > 0) return usageError(io, "ps takes no arguments");
    const format = stringOption(p.values, "format");
    const template = format === "json" || format === "{{json .}}" ? undefined : parseFormat(format === undefined || format === "table" ? psTable : format);
    if (template !== undefined && E.isLeft(template)) return report(io, template.left);
    const sortBy = stringOption(p.values, "sort") ?? "created";
    if (!(psSortFields as ReadonlyArray<string>).includes(sortBy)) return report(io, failure("INVALID_ARGUMENT", `invalid option for --sort, options are: ${psSortFields.join(", ")}`));
    const lastText = stringOption(p.values, "last");
    const last = lastText === undefined ? -1 : /^-?\d+$/.test(lastText) ? Number(lastText) : Number.NaN;
    if (Number.isNaN(last)) return usageError(io, `invalid argument "${lastText ?? ""}" for "-n, --last" flag: not a number`);
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const listed = await berth.te.containers()();
    if (E.isLeft(listed)) return report(io, listed.left);
    const byAge = psSorted(listed.right, "created");
    const containers = psSorted(last >= 0 ? byAge.slice(Math.max(0, byAge.length - last)) : byAge, sortBy as PsSortField);
    const now = Date.now();
    const noTrunc = p.values["no-trunc"] === true;
    if (template === undefined) {
      io.stdout(`${JSON.stringify(containers.map((c) => psJson(c, now)), null, 2)}\n`);
      return exitCodes.ok;
    }
    if (p.values["quiet"] === true && format === undefined) {
      io.stdout(containers.map((c) => `${noTrunc ? c.id : c.id.slice(0, 12)}\n`).join(""));
      return exitCodes.ok;
    }
    // As podman: a template of the user's prints a header only when it asks for a table.
    const text = renderRows(template.right, containers.map((c) => psRow(c, noTrunc, now)), psHeaders, "ps", p.values["noheading"] === true);
    if (E.isLeft(text)) return report(io, text.left);
    io.stdout(text.right);
    return exitCodes.ok;
  },
});

/** `berth rm [-f] [-i] [-a] [-t N] CONTAINER...`, as podman's. */
export const rmCommand = defineCommand({
  usage: `Usage: berth rm [options] CONTAINER [CONTAINER...]

Removes containers and their root filesystems.

Options:
  -a, --all        Remove every container
  -f, --force      Containers that do not exist are not errors (berth's never run, so none needs stopping)
  -i, --ignore     Containers that do not exist are not errors
  -t, --time N     Seconds to wait for a container to stop (taken for podman's scripts; berth's never run)
`,
  options: { all: { type: "boolean", short: "a" }, force: { type: "boolean", short: "f" }, ignore: { type: "boolean", short: "i" }, time: { type: "string", short: "t" } },
  run: async (p, io, globals) => {
    const all = p.values["all"] === true;
    if (p.positionals.length === 0 && !all) return usageError(io, "rm takes at least one CONTAINER, or --all");
    if (p.positionals.length > 0 && all) return usageError(io, "rm takes CONTAINER names or --all, not both");
    const time = stringOption(p.values, "time");
    if (time !== undefined && !/^-?\d+$/.test(time)) return usageError(io, `invalid argument "${time}" for "-t, --time" flag: not a number`);
    // podman's rule, which its users' scripts satisfy by always pairing them.
    if (time !== undefined && p.values["force"] !== true) return report(io, failure("INVALID_ARGUMENT", "--force option must be specified to use the --time option"));
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    let names = p.positionals;
    if (all) {
      const listed = await berth.te.containers()();
      if (E.isLeft(listed)) return report(io, listed.left);
      names = listed.right.map((c) => c.id);
    }
    if (names.length === 0) return exitCodes.ok;
    const r = await berth.te.removeContainer(names, { ignoreMissing: p.values["force"] === true || p.values["ignore"] === true })();
    if (E.isLeft(r)) return report(io, r.left);
    // As podman: each container as it was named, full IDs for --all.
    r.right.removed.forEach((id, i) => io.stdout(`${all ? id : (r.right.asked[i] ?? id)}\n`));
    let exit: ExitCode = exitCodes.ok;
    for (const e of r.right.errors) {
      io.stderr(`Error: ${e.message}\n`);
      if (exit === exitCodes.ok) exit = exitCodeFor(e.code);
    }
    return exit;
  },
});

/** `berth container exists CONTAINER`: exit 0 if the store has it, 1 if not, printing nothing, as podman's. */
export const containerExistsCommand = defineCommand({
  usage: "Usage: berth container exists CONTAINER\n\nExits 0 if the store has CONTAINER (a name or an ID), 1 if it does not.\n",
  options: {},
  run: async (p, io, globals) => {
    if (p.positionals.length !== 1) return usageError(io, "container exists takes one CONTAINER");
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const c = await berth.te.container(p.positionals[0] ?? "")();
    if (E.isRight(c)) return exitCodes.ok;
    return c.left.code === "CONTAINER_NOT_FOUND" ? exitCodes.notFound : report(io, c.left);
  },
});

/** `berth mount CONTAINER`: prints where its root filesystem is. */
export const mountCommand = defineCommand({
  usage: "Usage: berth mount CONTAINER",
  options: {},
  run: async (p, io, globals) => {
    if (p.positionals.length !== 1) return usageError(io, "mount takes one CONTAINER");
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const c = await berth.te.container(p.positionals[0] ?? "")();
    if (E.isLeft(c)) return report(io, c.left, exitCodes.failure);
    io.stdout(`${c.right.rootfs}\n`);
    return exitCodes.ok;
  },
});

/** `berth image mount [IMAGE...]`: mounts each image and prints where; without one, lists what is mounted, as podman's. */
export const imageMountCommand = defineCommand({
  usage: `Usage: berth image mount [--format json] [IMAGE...]

Makes each IMAGE's root filesystem available in the store and prints where it
is (podman image mount); each mount is counted, and the tree stays until the
last \`image umount\`. Without IMAGE, lists the mounted images.
`,
  options: { format: { type: "string" } },
  run: async (p, io, globals) => {
    const format = stringOption(p.values, "format");
    if (format !== undefined && format !== "json") return usageError(io, `unknown --format "${format}": use json`);
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    if (p.positionals.length === 0) {
      const listed = await berth.te.mountedImages()();
      if (E.isLeft(listed)) return report(io, listed.left);
      if (format === "json") {
        io.stdout(`${JSON.stringify(listed.right.map((m) => ({ id: m.id, Names: [], Repositories: m.names, mountpoint: m.path })), null, 1)}\n`);
      } else io.stdout(listed.right.map((m) => `${m.names[0] ?? m.id}  ${m.path}\n`).join(""));
      return exitCodes.ok;
    }
    for (const name of p.positionals) {
      const r = await berth.te.mountImage(name)();
      if (E.isLeft(r)) return report(io, r.left, exitCodes.failure);
      io.stdout(`${r.right.path}\n`);
    }
    return exitCodes.ok;
  },
});

/** `berth image umount [-a] [-f] IMAGE...`: one mount fewer of each; prints the IDs of those that were mounted, as podman's. */
export const imageUmountCommand = defineCommand({
  usage: `Usage: berth image umount [-a] [-f] IMAGE [IMAGE...]

Takes one mount of each IMAGE away (all of them with --force); the root
filesystem goes with the last. Prints the ID of each image that was mounted.
`,
  options: { all: { type: "boolean", short: "a" }, force: { type: "boolean", short: "f" } },
  run: async (p, io, globals) => {
    const all = p.values["all"] === true;
    if (p.positionals.length === 0 && !all) return usageError(io, "image umount takes at least one IMAGE, or --all");
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    let names = p.positionals;
    if (all) {
      const listed = await berth.te.mountedImages()();
      if (E.isLeft(listed)) return report(io, listed.left);
      names = listed.right.map((m) => m.id);
    }
    for (const name of names) {
      const r = await berth.te.unmountImage(name, { force: p.values["force"] === true || all })();
      if (E.isLeft(r)) return report(io, r.left, exitCodes.failure);
      if (r.right.unmounted) io.stdout(`${r.right.id}\n`);
    }
    return exitCodes.ok;
  },
});
