import { exitCodes } from "./exit-codes.ts";
import { processIO } from "./io.ts";
import { runCli } from "./run.ts";

/**
 * Runs the command line of this process (`process.argv`), with the last
 * resorts for bugs: the user still gets one line and podman's exit code,
 * never a stack trace and never a silent exit. Started by `launcher.ts`.
 */
export const main = async (): Promise<void> => {
  let finished = false;
  const internal = (e: unknown): void => {
    // BERTH_DEBUG=1 shows where, for a bug report.
    if (process.env["BERTH_DEBUG"] === "1") process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    const what = e instanceof Error ? e.message : String(e);
    process.stderr.write(`Error: internal error: ${what.split("\n")[0] ?? what}\n`);
    process.exit(exitCodes.failure);
  };
  process.on("uncaughtException", internal);
  process.on("unhandledRejection", internal);
  // The event loop ran dry with the command still waiting on something that can never happen.
  process.on("beforeExit", () => {
    if (!finished) internal(new Error("the command stopped before it finished"));
  });
  const code = await runCli(process.argv.slice(2), processIO);
  finished = true;
  process.exitCode = code;
  // Done: leave now rather than wait for Node to tear the event loop and heap down, unless output is still on its way.
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
};
