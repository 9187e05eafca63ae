import type { Failure } from "../failure.ts";
import { printable } from "../text.ts";

/**
 * Why a reference or digest was refused. Each reason carries upstream
 * `distribution/reference` / `go-digest` wording in its message.
 */
export type ReferenceErrorReason =
  | "invalid-format"
  | "name-contains-uppercase"
  | "name-too-long"
  | "name-empty"
  | "remote-name-uppercase"
  | "identifier-as-name"
  | "digest-invalid-format"
  | "digest-invalid-length"
  | "digest-unsupported";

/** A refused image reference or digest. */
export interface ReferenceError extends Failure<"INVALID_REFERENCE"> {
  /** The category of the refusal. */
  readonly reason: ReferenceErrorReason;
  /** The text that was refused. */
  readonly input: string;
}

const fixedMessages = {
  "invalid-format": "invalid reference format",
  "name-contains-uppercase": "repository name must be lowercase",
  "name-too-long": "repository name must not be more than 255 characters",
  "name-empty": "repository name must have at least one component",
  "digest-invalid-format": "invalid checksum digest format",
  "digest-invalid-length": "invalid checksum digest length",
  "digest-unsupported": "unsupported digest algorithm",
} as const;

/** A {@link ReferenceError} whose message is upstream's fixed text for `reason`. */
export const referenceError = (reason: keyof typeof fixedMessages, input: string): ReferenceError => ({
  code: "INVALID_REFERENCE",
  reason,
  input,
  message: fixedMessages[reason],
});

/** `invalid reference format: repository name (REMOTE) must be lowercase` */
export const remoteNameUppercase = (remote: string, input: string): ReferenceError => ({
  code: "INVALID_REFERENCE",
  reason: "remote-name-uppercase",
  input,
  message: `invalid reference format: repository name (${printable(remote)}) must be lowercase`,
});

/** `invalid repository name (HEX), cannot specify 64-byte hexadecimal strings` */
export const identifierAsName = (input: string): ReferenceError => ({
  code: "INVALID_REFERENCE",
  reason: "identifier-as-name",
  input,
  message: `invalid repository name (${printable(input)}), cannot specify 64-byte hexadecimal strings`,
});
