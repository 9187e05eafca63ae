import { exitCodes, type ExitCode } from "./exit-codes.ts";
import type { CliIO } from "./io.ts";

/** Prints a one-line error and the help hint, as podman does, and returns 125. */
export const usageError = (io: CliIO, message: string): ExitCode => {
  io.stderr(`Error: ${message}\nTry 'berth --help' for more information.\n`);
  return exitCodes.failure;
};
