import { parseArgs } from "node:util";

/** Option specs in node:util's `parseArgs` form. */
export type OptionSpecs = NonNullable<Parameters<typeof parseArgs>[0]>["options"];

/** Parsed command-line arguments, or the one-line reason they are wrong. */
export type ParsedArgs =
  | { readonly ok: true; readonly values: Readonly<Record<string, unknown>>; readonly positionals: ReadonlyArray<string> }
  | { readonly ok: false; readonly message: string };

/** Go's strconv.ParseBool spellings, which podman's and skopeo's `--flag=VALUE` take. */
const goBools: ReadonlyMap<string, boolean> = new Map([
  ...["1", "t", "T", "true", "TRUE", "True"].map((s) => [s, true] as const),
  ...["0", "f", "F", "false", "FALSE", "False"].map((s) => [s, false] as const),
]);

/** A boolean as Go's strconv.ParseBool reads it; undefined for anything else. */
export const goBoolean = (text: string): boolean | undefined => goBools.get(text);

/**
 * Takes the `--flag=true|false` (and `-f=false`) spellings of boolean flags
 * out of `args`, as Go's flag packages accept them: what is left for
 * `parseArgs`, and each such flag's last spelled value. A bad value stays in
 * place, for `parseArgs` to refuse. With `flagsFirst`, flags end at the first
 * positional, as in podman's `create IMAGE COMMAND ARG...`.
 */
const goBooleanFlags = (args: ReadonlyArray<string>, options: NonNullable<OptionSpecs>, flagsFirst: boolean): { rest: string[]; spelled: Map<string, boolean> } => {
  const byShort = new Map(Object.entries(options).flatMap(([name, o]) => (o.short === undefined ? [] : [[o.short, name] as const])));
  const rest: string[] = [];
  const spelled = new Map<string, boolean>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    const m = /^(--?)([^=]+)(?:=(.*))?$/.exec(a);
    if (a === "--" || (m === null && flagsFirst)) {
      rest.push("--", ...args.slice(a === "--" ? i + 1 : i));
      break;
    }
    rest.push(a);
    if (m === null) continue;
    const name = m[1] === "--" ? m[2] ?? "" : byShort.get(m[2] ?? "");
    const spec = name === undefined ? undefined : options[name];
    if (name === undefined || spec === undefined) continue;
    if (spec.type === "string") {
      // Its value follows, whatever it looks like.
      if (m[3] === undefined && i + 1 < args.length) rest.push(args[++i] ?? "");
      continue;
    }
    const value = m[3] === undefined ? true : goBoolean(m[3]);
    if (value === undefined) continue;
    spelled.set(name, value);
    if (m[3] !== undefined) rest.pop();
  }
  return { rest, spelled };
};

/**
 * Parses a command's arguments strictly: an unknown flag or a missing value
 * is an error, not a guess. A boolean flag also takes Go's `--flag=false`.
 * With `flagsFirst`, everything from the first positional on is positional.
 */
export const parseCommandArgs = (args: ReadonlyArray<string>, options: OptionSpecs, flagsFirst = false): ParsedArgs => {
  try {
    const { rest, spelled } = goBooleanFlags(args, options ?? {}, flagsFirst);
    const r = parseArgs({ args: rest, options: options ?? {}, allowPositionals: true, strict: true });
    const values: Record<string, unknown> = { ...r.values };
    for (const [name, value] of spelled) {
      if (options?.[name]?.multiple === true) continue;
      values[name] = value;
    }
    return { ok: true, values, positionals: r.positionals };
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
