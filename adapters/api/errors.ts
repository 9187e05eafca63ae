import type { Failure } from "../../core/failure.ts";
import { exitCodes, type ExitCode } from "./exit-codes.ts";

/** The exit code podman gives a failure of this kind. */
export const exitCodeFor = (code: string): ExitCode =>
  code === "IMAGE_NOT_FOUND" || code === "CONTAINER_NOT_FOUND" ? exitCodes.notFound : code === "IMAGE_IN_USE" || code === "IMAGE_HAS_CHILDREN" ? exitCodes.inUse : code === "INTERRUPTED" ? exitCodes.interrupted : exitCodes.failure;

/**
 * A failure thrown by the Promise API: the stable `code` (e.g.
 * `IMAGE_NOT_FOUND`, `POLICY_REJECTED`, `DIGEST_MISMATCH`), the one-line
 * message, and the exit code the CLI gives it.
 */
export class BerthError extends Error {
  /** Stable identifier to switch on. */
  readonly code: string;
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
