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
  /** skopeo's `--policy FILE`, `--insecure-policy` and `--registries.d DIR`: for every command, unless its own flags say otherwise. */
  readonly signaturePolicy?: string;
  readonly insecurePolicy?: boolean;
  readonly registriesD?: string;
  /** skopeo's `--override-os`, `--override-arch`, `--override-variant`: the platform to choose from an index instead of this machine's. */
  readonly overrideOs?: string;
  readonly overrideArch?: string;
  readonly overrideVariant?: string;
  /** podman's `--noout`: nothing is printed on standard output. */
  readonly noout?: boolean;
  /** skopeo's `--command-timeout DURATION`, in milliseconds: the command is stopped as by Ctrl-C and fails. */
  readonly commandTimeout?: number;
}

/** One `berth` sub-command. */
export interface Command {
  readonly name: string;
  /** One line for the help listing. */
  readonly summary: string;
  readonly run: (args: ReadonlyArray<string>, io: CliIO, globals: GlobalOptions) => Promise<ExitCode>;
  /**
   * Whether this run is one of skopeo's verbs (given its arguments): those
   * exit 1 for every failure, as skopeo does, where podman's exit 125.
   */
  readonly skopeo?: (args: ReadonlyArray<string>) => boolean;
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
