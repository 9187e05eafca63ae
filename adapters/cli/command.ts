import type { ExitCode } from "./exit-codes.ts";
import type { CliIO } from "./io.ts";

/** One `berth` sub-command. */
export interface Command {
  readonly name: string;
  /** One line for the help listing. */
  readonly summary: string;
  readonly run: (args: ReadonlyArray<string>, io: CliIO) => Promise<ExitCode>;
}
