import type { Command } from "./command.ts";
import { commands as defaultCommands } from "./commands/index.ts";
import { exitCodes, type ExitCode } from "./exit-codes.ts";
import type { CliIO } from "./io.ts";
import { usageError } from "./usage.ts";
import { berthVersion } from "./version.ts";

const helpText = (commands: ReadonlyArray<Command>): string => {
  const width = Math.max(8, ...commands.map((c) => c.name.length));
  const listing = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
  return [
    "berth: a daemonless container-image toolkit",
    "",
    "Usage:",
    "  berth [options] COMMAND [ARGS...]",
    "",
    "Commands:",
    listing === "" ? "  (none yet)" : listing,
    "",
    "Options:",
    "  -h, --help      Show this help",
    "  -v, --version   Show berth's version",
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
  const [first, ...rest] = args;
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    io.stdout(helpText(commands));
    return exitCodes.ok;
  }
  if (first === "-v" || first === "--version" || first === "version") {
    io.stdout(`berth version ${berthVersion}\n`);
    return exitCodes.ok;
  }
  if (first.startsWith("-")) return usageError(io, `unknown flag: ${first}`);
  const command = commands.find((c) => c.name === first);
  if (command === undefined) return usageError(io, `unrecognized command \`berth ${first}\``);
  try {
    return await command.run(rest, io);
  } catch (e) {
    io.stderr(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
    return exitCodes.failure;
  }
};
