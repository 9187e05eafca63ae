import { parseCommandArgs, type OptionSpecs } from "./args.ts";
import { exitCodes, type ExitCode } from "./exit-codes.ts";
import type { CliIO } from "./io.ts";
import { usageError } from "./usage.ts";

/** Options given before the command, as podman's global flags. */
export interface GlobalOptions {
  /** `--root DIR`: the store. */
  readonly root?: string;
  /** `--registries-conf FILE`. */
  readonly registriesConf?: string;
  /** `--network-timeout DURATION`, in milliseconds. */
  readonly networkTimeout?: number;
}

/** One `berth` sub-command. */
export interface Command {
  readonly name: string;
  /** One line for the help listing. */
  readonly summary: string;
  readonly run: (args: ReadonlyArray<string>, io: CliIO, globals: GlobalOptions) => Promise<ExitCode>;
}

/** What a command gets once its arguments parsed: option values and positionals. */
export interface ParsedCommandArgs {
  readonly values: Readonly<Record<string, unknown>>;
  readonly positionals: ReadonlyArray<string>;
}

/** A command described by its options and usage text; parsing, `--help` and usage errors are handled once, here. */
export interface CommandSpec {
  /** Printed for `--help`. */
  readonly usage: string;
  readonly options: OptionSpecs;
  /** Flags end at the first positional (a command and its arguments follow). */
  readonly flagsFirst?: boolean;
  readonly run: (args: ParsedCommandArgs, io: CliIO, globals: GlobalOptions) => Promise<ExitCode>;
}

/** How a command runs, given its raw arguments. */
export type CommandRunner = Command["run"];

/** Builds a command's runner from a {@link CommandSpec}; its name and summary live in the command table. */
export const defineCommand = (spec: CommandSpec): { readonly run: CommandRunner } => ({
  run: async (args, io, globals) => {
    const p = parseCommandArgs(args, { ...spec.options, help: { type: "boolean", short: "h" } }, spec.flagsFirst === true);
    if (!p.ok) return usageError(io, p.message);
    if (p.values["help"] === true) {
      io.stdout(spec.usage.endsWith("\n") ? spec.usage : `${spec.usage}\n`);
      return exitCodes.ok;
    }
    return spec.run(p, io, globals);
  },
});
