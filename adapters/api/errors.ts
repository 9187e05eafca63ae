import { categoryOf, type Failure, type FailureCategory, type FailureCode } from "../../core/failure.ts";
import { exitCodes, type ExitCode } from "./exit-codes.ts";

/** podman's exit code for each category of failure: one table, and every category in it. */
const exitCodeByCategory: Readonly<Record<FailureCategory, ExitCode>> = {
  missing: exitCodes.notFound,
  inUse: exitCodes.inUse,
  interrupted: exitCodes.interrupted,
  usage: exitCodes.failure,
  config: exitCodes.failure,
  content: exitCodes.failure,
  source: exitCodes.failure,
  trust: exitCodes.failure,
  storage: exitCodes.failure,
  internal: exitCodes.failure,
};

/** The exit code podman gives a failure of this kind. */
export const exitCodeFor = (code: string): ExitCode => exitCodeByCategory[categoryOf(code)];

/**
 * A failure thrown by the Promise API: the stable `code` (e.g.
 * `IMAGE_NOT_FOUND`, `POLICY_REJECTED`, `DIGEST_MISMATCH`), the one-line
 * message, and the exit code the CLI gives it.
 */
export class BerthError extends Error {
  /** Stable identifier to switch on (one of {@link FailureCode}). */
  readonly code: FailureCode;
  /** podman's exit code for it. */
  readonly exitCode: ExitCode;
  /** Every failure, when several attempts failed (a pull tries each candidate). */
  readonly failures: ReadonlyArray<Failure>;

  constructor(failures: ReadonlyArray<Failure>) {
    const first = failures[0] ?? { code: "UNKNOWN", message: "unknown failure" };
    super(failures.map((f) => f.message).join("\n"), first.cause === undefined ? undefined : { cause: first.cause });
    this.name = "BerthError";
    this.code = first.code;
    this.exitCode = exitCodeFor(first.code);
    this.failures = failures;
  }
}
