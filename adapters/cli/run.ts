import type { Command, GlobalOptions } from "./command.ts";
import { commands as defaultCommands } from "./commands/index.ts";
import { exitCodes, type ExitCode } from "./exit-codes.ts";
import { goBoolean } from "./args.ts";
import type { CliIO } from "./io.ts";
import { stopAfter, timedOut } from "./interrupt.ts";
import { usageError } from "./usage.ts";
import { berthVersion } from "./version.ts";
import { parseDuration } from "../../core/store/index.ts";

/** `--network-timeout`: a Go duration (`30s`, `1m30s`, `500ms`) or plain seconds, from 1 ms to a day. */
const networkTimeoutOption = (v: string): number | undefined => {
  const ms = /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : parseDuration(v);
  return ms !== undefined && ms >= 1 && ms <= 86_400_000 ? Math.round(ms) : undefined;
};

type MutableGlobals = { -readonly [K in keyof GlobalOptions]: GlobalOptions[K] };

/** A global flag: how it sets the globals, or what is wrong with its value. */
type GlobalFlag = { readonly kind: "string"; readonly set: (g: MutableGlobals, v: string) => string | undefined } | { readonly kind: "boolean"; readonly set: (g: MutableGlobals, v: boolean) => string | undefined };

const stringFlag = (set: (g: MutableGlobals, v: string) => string | undefined): GlobalFlag => ({ kind: "string", set });

/** A global flag that takes a duration (`30s`, `1m30s`, `500ms`, or plain seconds), kept in milliseconds. */
const durationFlag = (name: string, set: (g: MutableGlobals, ms: number) => void): GlobalFlag =>
  stringFlag((g, v) => {
    const ms = networkTimeoutOption(v);
    if (ms === undefined) return `--${name} takes a duration such as 30s, 1m or 500ms, not ${JSON.stringify(v)}`;
    set(g, ms);
    return undefined;
  });

/** podman's and skopeo's global flags that berth takes before the command. */
const globalFlags: Readonly<Record<string, GlobalFlag>> = {
  root: stringFlag((g, v) => void (g.root = v)),
  "registries-conf": stringFlag((g, v) => void (g.registriesConf = v)),
  "network-timeout": durationFlag("network-timeout", (g, ms) => void (g.networkTimeout = ms)),
  // skopeo's
  policy: stringFlag((g, v) => void (g.signaturePolicy = v)),
  "insecure-policy": { kind: "boolean", set: (g, v) => void (g.insecurePolicy = v) },
  "registries.d": stringFlag((g, v) => void (g.registriesD = v)),
  "override-os": stringFlag((g, v) => void (g.overrideOs = v)),
  "override-arch": stringFlag((g, v) => void (g.overrideArch = v)),
  "override-variant": stringFlag((g, v) => void (g.overrideVariant = v)),
  // Where berth spools what it must (a load from standard input): os.tmpdir() reads TMPDIR.
  tmpdir: stringFlag((_g, v) => void (process.env["TMPDIR"] = v)),
  "command-timeout": durationFlag("command-timeout", (g, ms) => void (g.commandTimeout = ms)),
  // podman's: nothing on standard output.
  noout: { kind: "boolean", set: (g, v) => void (g.noout = v) },
  // An internal error then shows where it happened.
  debug: { kind: "boolean", set: (_g, v) => void (v ? (process.env["BERTH_DEBUG"] = "1") : undefined) },
};

/** `berth image X` forms that name a top-level command. */
const groupAliases: Readonly<Record<string, string>> = {
  "image ls": "images",
  "image list": "images",
  "image rm": "rmi",
  "image tag": "tag",
  "image untag": "untag",
  "image inspect": "inspect",
  "image history": "history",
  "image import": "import",
  "image load": "load",
  "image save": "save",
  "image pull": "pull",
  "image push": "push",
  "image digest": "digest",
  "container rm": "rm",
  "container ls": "ps",
  "container list": "ps",
  "container ps": "ps",
  "container create": "create",
  "container mount": "mount",
};

const helpText = (commands: ReadonlyArray<Command>): string => {
  const width = Math.max(8, ...commands.map((c) => c.name.length));
  const listing = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
  return [
    "berth: a daemonless container-image toolkit",
    "",
    "Usage:",
    "  berth [global options] COMMAND [ARGS...]",
    "",
    "Commands:",
    listing === "" ? "  (none yet)" : listing,
    "",
    "Options:",
    "  --root DIR              The image store (default $BERTH_ROOT, else ~/.local/share/berth)",
    "  --registries-conf FILE  registries.conf to use instead of the default",
    "  --network-timeout DUR   How long a registry may stay silent before a request fails (default 10s to connect, 30s otherwise)",
    "  -h, --help              Show this help",
    "  -v, --version           Show berth's version",
    "",
  ].join("\n");
};

/**
 * Runs `berth ARGS…` and returns the exit code. Never throws for a user
 * error; an unexpected exception is reported in one line as well.
 */
export const runCli = async (
  args: ReadonlyArray<string>,
  io: CliIO,
  commands: ReadonlyArray<Command> = defaultCommands,
): Promise<ExitCode> => {
  const globals: MutableGlobals = {};
  let rest = [...args];
  // Global flags come before the command, as podman's and skopeo's do.
  for (;;) {
    const [flag, value] = rest;
    if (flag === undefined || !flag.startsWith("--")) break;
    const eq = flag.indexOf("=");
    const name = eq > 0 ? flag.slice(2, eq) : flag.slice(2);
    const spec = globalFlags[name];
    if (spec === undefined) break;
    if (spec.kind === "boolean") {
      const on = eq > 0 ? goBoolean(flag.slice(eq + 1)) : true;
      if (on === undefined) return usageError(io, `--${name} takes true or false`);
      const problem = spec.set(globals, on);
      if (problem !== undefined) return usageError(io, problem);
      rest = rest.slice(1);
      continue;
    }
    const v = eq > 0 ? flag.slice(eq + 1) : value;
    if (v === undefined || v === "") return usageError(io, `flag needs an argument: --${name}`);
    const problem = spec.set(globals, v);
    if (problem !== undefined) return usageError(io, problem);
    rest = rest.slice(eq > 0 ? 1 : 2);
  }
  const [first, ...tail] = rest;
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    io.stdout(helpText(commands));
    return exitCodes.ok;
  }
  if (first === "-v" || first === "--version" || first === "version") {
    io.stdout(`berth version ${berthVersion}\n`);
    return exitCodes.ok;
  }
  if (first.startsWith("-")) return usageError(io, `unknown flag: ${first}`);
  // `berth image ls`, `berth image rm`, `berth trust show`, `berth manifest add`, … name commands within their group.
  // podman's `image trust show` is berth's `trust show`.
  const imageTrust = first === "image" && tail[0] === "trust" && tail[1] !== undefined;
  const grouped = imageTrust ? `trust ${tail[1]}` : (first === "image" || first === "trust" || first === "manifest" || first === "container") && tail[0] !== undefined ? `${first} ${tail[0]}` : undefined;
  const name = grouped !== undefined ? (groupAliases[grouped] ?? grouped) : first;
  const commandArgs = imageTrust ? tail.slice(2) : grouped !== undefined ? tail.slice(1) : tail;
  const command = commands.find((c) => c.name === name);
  if (command === undefined) return usageError(io, `unrecognized command \`berth ${grouped ?? first}\``);
  const timer = globals.commandTimeout === undefined ? undefined : stopAfter(globals.commandTimeout);
  const out: CliIO = globals.noout === true ? { ...io, stdout: () => undefined } : io;
  const ran = await (async (): Promise<ExitCode> => {
    try {
      return await command.run(commandArgs, out, globals satisfies GlobalOptions);
    } catch (e) {
      io.stderr(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
      return exitCodes.failure;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  })();
  const code = timedOut() ? exitCodes.skopeoFailure : ran;
  if (timedOut()) io.stderr(`Error: the command did not finish within --command-timeout (${globals.commandTimeout ?? 0} ms)\n`);
  // skopeo's verbs exit 1 for any failure, bad flags included; an interrupt stays 130.
  return command.skopeo?.(commandArgs) === true && code !== exitCodes.ok && code !== exitCodes.interrupted ? exitCodes.skopeoFailure : code;
};
