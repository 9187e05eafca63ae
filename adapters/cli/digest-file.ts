import { writeFile } from "node:fs/promises";
import { failure } from "../../core/failure.ts";
import type { ExitCode } from "./exit-codes.ts";
import type { CliIO } from "./io.ts";
import { report } from "./session.ts";

/** Writes skopeo's `--digestfile` (when one was asked for); a failure to write is reported and gives the exit code. */
export const writeDigestFile = async (io: CliIO, path: string | undefined, text: string): Promise<ExitCode | undefined> => {
  if (path === undefined) return undefined;
  try {
    await writeFile(path, text);
    return undefined;
  } catch (e) {
    return report(io, failure("OUTPUT_WRITE", `--digestfile ${path}: ${(e as Error).message}`));
  }
};
