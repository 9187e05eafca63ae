/**
 * Every code a failure of berth can have, by category. The set is closed:
 * `failure` takes only these, and each category decides the exit code once
 * (see the library's `exitCodeFor`).
 */
export const failureCategories = {
  /** The image or container named is not in the store (podman exits 1). */
  missing: ["IMAGE_NOT_FOUND", "CONTAINER_NOT_FOUND"],
  /** The image is used by a container or by child images (podman exits 2). */
  inUse: ["IMAGE_IN_USE", "IMAGE_HAS_CHILDREN"],
  /** Ctrl-C, or the caller's signal (exit 130). */
  interrupted: ["INTERRUPTED"],
  /** What was asked for cannot be done as asked: bad arguments, names, filters, choices. */
  usage: [
    "INVALID_ARGUMENT",
    "INVALID_REFERENCE",
    "INVALID_IMAGE_NAME",
    "INVALID_NAME",
    "INVALID_FILTER",
    "INVALID_CHANGE",
    "AMBIGUOUS_IMAGE",
    "AMBIGUOUS_CONTAINER",
    "IMAGE_MULTIPLE_NAMES",
    "NAME_IN_USE",
    "NOT_TAGGED",
    "NOT_LOGGED_IN",
    "SHORT_NAME_UNRESOLVED",
    "SHORT_NAME_ENFORCED",
    "UNSUPPORTED",
    "UNSUPPORTED_TRANSPORT",
  ],
  /** A configuration file or key: missing, unreadable, invalid, or not written. */
  config: ["INVALID_CONFIG", "CONFIG_NOT_FOUND", "CONFIG_WRITE", "AUTH_FILE_WRITE", "CREDENTIAL_HELPER", "INVALID_KEY", "KEY_WRITE"],
  /** Image content that is not what it should be: documents, digests, sizes, archives, platforms. */
  content: [
    "INVALID_MANIFEST",
    "UNSUPPORTED_MANIFEST",
    "MANIFEST_TOO_LARGE",
    "CONFIG_TOO_LARGE",
    "INVALID_IMAGE",
    "INVALID_ARCHIVE",
    "DIGEST_MISMATCH",
    "SIZE_MISMATCH",
    "BLOB_TOO_LARGE",
    "NO_MATCHING_PLATFORM",
  ],
  /** A registry, or another place an image is read from: not reachable, refusing, or without what was named. */
  source: ["NOT_FOUND", "REGISTRY_ERROR", "REGISTRY_UNREACHABLE", "UNAUTHORIZED", "BLOCKED_REGISTRY", "PULL_FAILED", "BLOB_READ", "SOURCE_ERROR"],
  /** The signature policy said no, or signatures could not be read, written or kept. */
  trust: ["POLICY_REJECTED", "INVALID_SIGNATURE", "SIGNATURE_READ", "SIGNATURE_WRITE", "SIGNING_FAILED", "SIGNATURES_INVALIDATED", "SIGNATURES_NOT_SUPPORTED"],
  /** The store or a file being written: a system error, a held lock, a blob gone. */
  storage: ["STORE_IO", "STORE_LOCKED", "BLOB_IO", "BLOB_NOT_FOUND", "ARCHIVE_WRITE", "OUTPUT_WRITE", "UNPACK_FAILED", "DESTINATION_ERROR"],
  /** Something berth did not expect of itself. */
  internal: ["UNKNOWN"],
} as const;

/** A category of failures. */
export type FailureCategory = keyof typeof failureCategories;

/** Every failure code. */
export type FailureCode = (typeof failureCategories)[FailureCategory][number];

const categoryByCode: ReadonlyMap<string, FailureCategory> = new Map(
  (Object.keys(failureCategories) as FailureCategory[]).flatMap((category) => failureCategories[category].map((code) => [code, category] as const)),
);

/** The category of a code; anything outside the set (a caller's own plugin bending the rules) is internal. */
export const categoryOf = (code: string): FailureCategory => categoryByCode.get(code) ?? "internal";

/**
 * The one shape every expected failure in berth takes: a stable machine-readable
 * `code`, a one-line `message` that names the thing and the place, and the
 * underlying `cause` where there is one. Failures are values, never thrown
 * across a module boundary.
 */
export interface Failure<C extends FailureCode = FailureCode> {
  /** Stable identifier a script can switch on, e.g. `INVALID_REFERENCE`. */
  readonly code: C;
  /** One line for a person: what went wrong and where. */
  readonly message: string;
  /** The failure or value this one was derived from, if any. */
  readonly cause?: unknown;
}

/** Builds a {@link Failure}; `cause` is left off entirely when not given. */
export const failure = <C extends FailureCode>(code: C, message: string, cause?: unknown): Failure<C> =>
  cause === undefined ? { code, message } : { code, message, cause };
