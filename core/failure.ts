/**
 * The one shape every expected failure in berth takes: a stable machine-readable
 * `code`, a one-line `message` that names the thing and the place, and the
 * underlying `cause` where there is one. Failures are values, never thrown
 * across a module boundary.
 */
export interface Failure<C extends string = string> {
  /** Stable identifier a script can switch on, e.g. `INVALID_REFERENCE`. */
  readonly code: C;
  /** One line for a person: what went wrong and where. */
  readonly message: string;
  /** The failure or value this one was derived from, if any. */
  readonly cause?: unknown;
}

/** Builds a {@link Failure}; `cause` is left off entirely when not given. */
export const failure = <C extends string>(code: C, message: string, cause?: unknown): Failure<C> =>
  cause === undefined ? { code, message } : { code, message, cause };
