import type { Command, GlobalOptions } from "./command.ts";
import { commands as defaultCommands } from "./commands/index.ts";
import { exitCodes, type ExitCode } from "./exit-codes.ts";
import type { CliIO } from "./io.ts";
import { usageError } from "./usage.ts";
import { berthVersion } from "./version.ts";
import { parseDuration } from "../../core/store/index.ts";

/** `--network-timeout`: a Go duration (`30s`, `1m30s`, `500ms`) or plain seconds, from 1 ms to a day. */
const networkTimeoutOption = (v: string): number | undefined => {
  const ms = /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : parseDuration(v);
  return ms !== undefined && ms >= 1 && ms <= 86_400_000 ? Math.round(ms) : undefined;
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
  const globals: { root?: string; registriesConf?: string; networkTimeout?: number } = {};
  let rest = [...args];
  // Global flags come before the command, as podman's do.
  for (;;) {
    const [flag, value] = rest;
    const eq = flag?.indexOf("=") ?? -1;
    const name = flag === undefined ? "" : eq > 0 ? flag.slice(0, eq) : flag;
    if (name !== "--root" && name !== "--registries-conf" && name !== "--network-timeout") break;
    const v = eq > 0 ? flag?.slice(eq + 1) : value;
    if (v === undefined || v === "") return usageError(io, `flag needs an argument: ${name}`);
    if (name === "--root") globals.root = v;
    else if (name === "--registries-conf") globals.registriesConf = v;
    else {
      const ms = networkTimeoutOption(v);
      if (ms === undefined) return usageError(io, `--network-timeout takes a duration such as 30s, 1m or 500ms, not ${JSON.stringify(v)}`);
      globals.networkTimeout = ms;
    }
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
  const grouped = imageTrust ? `trust ${tail[1]}` : (first === "image" || first === "trust" || first === "manifest") && tail[0] !== undefined ? `${first} ${tail[0]}` : undefined;
  const name = grouped !== undefined ? (groupAliases[grouped] ?? grouped) : first;
  const commandArgs = imageTrust ? tail.slice(2) : grouped !== undefined ? tail.slice(1) : tail;
  const command = commands.find((c) => c.name === name);
  if (command === undefined) return usageError(io, `unrecognized command \`berth ${grouped ?? first}\``);
  try {
    return await command.run(commandArgs, io, globals satisfies GlobalOptions);
  } catch (e) {
    io.stderr(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
    return exitCodes.failure;
  }
};
