import * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../../core/failure.ts";
import { createSession, type Session } from "../api/session.ts";
import type { GlobalOptions } from "./command.ts";
import { exitCodes, type ExitCode } from "./exit-codes.ts";
import type { CliIO } from "./io.ts";

export type { Session } from "../api/session.ts";

/** Prints a failure as podman does (`Error: …`) and returns its exit code. */
export const report = (io: CliIO, f: Failure, code: ExitCode = exitCodes.failure): ExitCode => {
  io.stderr(`Error: ${f.message}\n`);
  return code;
};

/** Opens the store and reads registries.conf for name lookup; prints the problem when it cannot. */
export const openSession = async (io: CliIO, globals: GlobalOptions): Promise<Session | ExitCode> => {
  const opened = await createSession({
    ...(globals.root === undefined ? {} : { root: globals.root }),
    ...(globals.registriesConf === undefined ? {} : { registriesConf: globals.registriesConf }),
    ...(globals.networkTimeout === undefined ? {} : { networkTimeoutMs: globals.networkTimeout }),
  });
  if (E.isLeft(opened)) return report(io, opened.left);
  for (const w of opened.right.warnings) io.stderr(`Warning: ${w}\n`);
  return opened.right.session;
};

/** Whether `openSession` gave an exit code instead of a session. */
export const failed = (s: Session | ExitCode): s is ExitCode => typeof s === "number";
