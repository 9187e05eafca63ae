import { parseArgs } from "node:util";

/** Option specs in node:util's `parseArgs` form. */
export type OptionSpecs = NonNullable<Parameters<typeof parseArgs>[0]>["options"];

/** Parsed command-line arguments, or the one-line reason they are wrong. */
export type ParsedArgs =
  | { readonly ok: true; readonly values: Readonly<Record<string, unknown>>; readonly positionals: ReadonlyArray<string> }
  | { readonly ok: false; readonly message: string };

/** Parses a command's arguments strictly: an unknown flag or a missing value is an error, not a guess. */
export const parseCommandArgs = (args: ReadonlyArray<string>, options: OptionSpecs): ParsedArgs => {
  try {
    const r = parseArgs({ args: [...args], options: options ?? {}, allowPositionals: true, strict: true });
    return { ok: true, values: r.values, positionals: r.positionals };
  } catch (e) {
    const message = (e as Error).message.split("\n")[0] ?? "invalid arguments";
    return { ok: false, message: message.replace(/^Unknown option '([^']+)'.*$/, "unknown flag: $1") };
  }
};

/** A string option's value, when it was given. */
export const stringOption = (values: Readonly<Record<string, unknown>>, name: string): string | undefined => {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
};
