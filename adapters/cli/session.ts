import * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../../core/failure.ts";
import { openBerthTE, type Berth, type BerthOptions } from "../api/berth.ts";
import { exitCodeFor } from "../api/errors.ts";
import type { GlobalOptions } from "./command.ts";
import type { ExitCode } from "./exit-codes.ts";
import type { CliIO } from "./io.ts";

/** Prints a failure as podman does (`Error: …`) and returns its exit code (podman's for its kind, unless one is given). */
export const report = (io: CliIO, f: Failure, code: ExitCode = exitCodeFor(f.code)): ExitCode => {
  io.stderr(`Error: ${f.message}\n`);
  return code;
};

/** Prints every failure (a pull tries several candidates) and returns the exit code of the first. */
export const reportAll = (io: CliIO, failures: ReadonlyArray<Failure>): ExitCode => {
  for (const f of failures) io.stderr(`Error: ${f.message}\n`);
  return exitCodeFor(failures[0]?.code ?? "UNKNOWN");
};

/** Opens berth once for a command: the global flags, then the command's own settings; prints the problem when it cannot. */
export const openFor = async (io: CliIO, globals: GlobalOptions, options: BerthOptions = {}): Promise<Berth | ExitCode> => {
  const opened = await openBerthTE({
    ...(globals.root === undefined ? {} : { root: globals.root }),
    ...(globals.registriesConf === undefined ? {} : { registriesConf: globals.registriesConf }),
    ...(globals.networkTimeout === undefined ? {} : { networkTimeoutMs: globals.networkTimeout }),
    ...(globals.signaturePolicy === undefined ? {} : { signaturePolicy: globals.signaturePolicy }),
    ...(globals.insecurePolicy === true ? { insecurePolicy: true } : {}),
    ...(globals.registriesD === undefined ? {} : { registriesD: globals.registriesD }),
    ...options,
  })();
  if (E.isLeft(opened)) return report(io, opened.left);
  for (const w of opened.right.warnings) io.stderr(`Warning: ${w}\n`);
  return opened.right;
};

/** Whether `openFor` gave an exit code instead of berth. */
export const failed = (b: Berth | ExitCode): b is ExitCode => typeof b === "number";
