/** Exit codes, as podman uses them. */
export const exitCodes = {
  /** Success. */
  ok: 0,
  /** The image (or another named thing) was not found. */
  notFound: 1,
  /** The image is in use by a container or has dependent images. */
  inUse: 2,
  /** Anything else: bad arguments, bad input, failures of berth itself. */
  failure: 125,
  /** Any failure of one of skopeo's verbs: skopeo exits 1 for all of them. */
  skopeoFailure: 1,
  /** Stopped by Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;

/** One of {@link exitCodes}' values. */
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];
