import type { ExitCode } from "./exit-codes.ts";
import type { CliIO } from "./io.ts";

/** Options given before the command, as podman's global flags. */
export interface GlobalOptions {
  /** `--root DIR`: the store. */
  readonly root?: string;
  /** `--registries-conf FILE`. */
  readonly registriesConf?: string;
}

/** One `berth` sub-command. */
export interface Command {
  readonly name: string;
  /** One line for the help listing. */
  readonly summary: string;
  readonly run: (args: ReadonlyArray<string>, io: CliIO, globals: GlobalOptions) => Promise<ExitCode>;
}
