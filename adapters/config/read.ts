import { readFile } from "node:fs/promises";
import { parse as parseToml } from "smol-toml";
import { failure, type Failure } from "../../core/failure.ts";

/** A config file that could not be read or parsed. */
export type ReadError = Failure<"INVALID_CONFIG" | "CONFIG_NOT_FOUND">;

/** Largest config file berth reads: they are small, and a huge one is a mistake or an attack. */
export const maxConfigBytes = 4 * 1024 * 1024;

/**
 * The file's text, `undefined` when it does not exist (or, with
 * `unreadableIsAbsent`, when this user may not read it: a default location
 * under another user's directory holds nothing of theirs), or a one-line error.
 */
export const readConfigText = async (path: string, unreadableIsAbsent = false): Promise<string | undefined | ReadError> => {
  try {
    const bytes = await readFile(path);
    if (bytes.byteLength > maxConfigBytes) return failure("INVALID_CONFIG", `${path}: larger than ${maxConfigBytes} bytes`);
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || (unreadableIsAbsent && code === "EACCES")) return undefined;
    if (e instanceof TypeError) return failure("INVALID_CONFIG", `${path}: not valid UTF-8`);
    return failure("INVALID_CONFIG", `${path}: ${(e as Error).message}`);
  }
};

/** Whether a read gave an error. */
export const isReadError = (r: unknown): r is ReadError => typeof r === "object" && r !== null && "code" in r && "message" in r;

/**
 * The text with its whole-line comments blanked (line numbers kept), for the
 * parser to skip faster: registries.conf files are mostly comments, and the
 * parser walks each one by hand (~1 ms of every command's start for Debian's).
 * Text with a multi-line string is left as it is (a `#` line may be inside
 * one), and so is a comment with a control character (the parser refuses it;
 * lines end at LF or CRLF, as TOML's do, not at a lone CR).
 */
export const withoutCommentLines = (text: string): string =>
  text.includes('"""') || text.includes("'''") ? text : text.replace(/(?<![^\n])[ \t]*#[^\x00-\x08\x0a-\x1f\x7f]*(?=\r?\n|$)/g, "");

/** Parses TOML text from `path` into a plain value, or a one-line error with the line. */
export const parseTomlText = (path: string, text: string): unknown | ReadError => {
  try {
    return parseToml(withoutCommentLines(text));
  } catch (e) {
    const first = String((e as Error).message).split("\n")[0] ?? "invalid TOML";
    const line = (e as { line?: number }).line;
    return failure("INVALID_CONFIG", `${path}${line === undefined ? "" : `:${line}`}: invalid TOML: ${first}`);
  }
};

/** Parses JSON text from `path`, or a one-line error. */
export const parseJsonText = (path: string, text: string): unknown | ReadError => {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    return failure("INVALID_CONFIG", `${path}: invalid JSON: ${(e as Error).message}`);
  }
};
