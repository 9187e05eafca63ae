import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../failure.ts";
import { printable } from "../text.ts";
import type { RunConfig } from "./documents.ts";

/** A `--change` instruction berth cannot apply. */
export type ChangeError = Failure<"INVALID_CHANGE">;

const invalid = (change: string, why: string): ChangeError => failure("INVALID_CHANGE", `invalid --change "${printable(change)}": ${why}`);

/** `["a", "b"]` (JSON form) or a shell command line (`/bin/sh -c …`), as Dockerfile CMD/ENTRYPOINT read it. */
const commandOf = (args: string): string[] | undefined => {
  const trimmed = args.trim();
  if (trimmed.startsWith("[")) {
    try {
      const v = JSON.parse(trimmed) as unknown;
      return Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined;
    } catch {
      return undefined;
    }
  }
  return trimmed === "" ? undefined : ["/bin/sh", "-c", trimmed];
};

/** A value as written: `"double quoted"` (JSON escapes), `'single quoted'`, or bare; `undefined` for an unterminated quote. */
const unquote = (raw: string): string | undefined => {
  if (raw.startsWith('"')) {
    if (raw.length < 2 || !raw.endsWith('"')) return undefined;
    try {
      const v = JSON.parse(raw) as unknown;
      return typeof v === "string" ? v : undefined;
    } catch {
      return undefined;
    }
  }
  if (raw.startsWith("'")) return raw.length >= 2 && raw.endsWith("'") ? raw.slice(1, -1) : undefined;
  return raw;
};

/** `K=V K2="V 2"` pairs, or the old single `K V` form. */
const pairsOf = (args: string): Array<[string, string]> | undefined => {
  const out: Array<[string, string]> = [];
  const re = /\s*([^=\s]+)=("(?:\\.|[^"\\])*"|'[^']*'|\S*)/y;
  let pos = 0;
  const rest = args.trim();
  if (!rest.includes("=")) {
    const sp = rest.search(/\s/);
    return sp < 0 ? undefined : [[rest.slice(0, sp), rest.slice(sp).trim()]];
  }
  while (pos < rest.length) {
    re.lastIndex = pos;
    const m = re.exec(rest);
    if (m === null) return undefined;
    const raw = m[2] ?? "";
    const value = unquote(raw);
    if (value === undefined) return undefined;
    out.push([m[1] ?? "", value]);
    pos = re.lastIndex;
    while (rest[pos] === " " || rest[pos] === "\t") pos++;
  }
  return out.length === 0 ? undefined : out;
};

const listOf = (args: string): string[] | undefined => {
  const trimmed = args.trim();
  if (trimmed.startsWith("[")) return commandOf(trimmed);
  const items = trimmed.split(/\s+/).filter((s) => s !== "");
  return items.length === 0 ? undefined : items;
};

const instructions = ["CMD", "ENTRYPOINT", "ENV", "LABEL", "WORKDIR", "USER", "EXPOSE", "VOLUME", "STOPSIGNAL", "ONBUILD"] as const;

/**
 * Applies Dockerfile-style `--change` instructions (CMD, ENTRYPOINT, ENV,
 * LABEL, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL) to a run config, as
 * `podman import --change` does.
 */
export const applyChanges =
  (changes: ReadonlyArray<string>) =>
  (config: RunConfig): E.Either<ChangeError, RunConfig> => {
    let c: RunConfig = config;
    for (const change of changes) {
      const m = /^\s*([A-Za-z]+)(?:\s+|=)([\s\S]*)$/.exec(change);
      const op = m?.[1]?.toUpperCase();
      const args = m?.[2] ?? "";
      if (m === null || op === undefined || !(instructions as ReadonlyArray<string>).includes(op) || op === "ONBUILD") {
        return E.left(invalid(change, `expected one of ${instructions.filter((i) => i !== "ONBUILD").join(", ")} and its arguments`));
      }
      switch (op) {
        case "CMD":
        case "ENTRYPOINT": {
          const cmd = commandOf(args);
          if (cmd === undefined) return E.left(invalid(change, "expected a JSON array or a command line"));
          c = op === "CMD" ? { ...c, Cmd: cmd } : { ...c, Entrypoint: cmd };
          break;
        }
        case "ENV":
        case "LABEL": {
          const pairs = pairsOf(args);
          if (pairs === undefined) return E.left(invalid(change, "expected KEY=VALUE"));
          if (op === "ENV") {
            const env = [...(c.Env ?? [])];
            for (const [k, v] of pairs) {
              const i = env.findIndex((e) => e.startsWith(`${k}=`));
              if (i >= 0) env[i] = `${k}=${v}`;
              else env.push(`${k}=${v}`);
            }
            c = { ...c, Env: env };
          } else {
            c = { ...c, Labels: { ...(c.Labels ?? {}), ...Object.fromEntries(pairs) } };
          }
          break;
        }
        case "WORKDIR":
        case "USER":
        case "STOPSIGNAL": {
          const v = args.trim();
          if (v === "") return E.left(invalid(change, "expected a value"));
          c = op === "WORKDIR" ? { ...c, WorkingDir: v } : op === "USER" ? { ...c, User: v } : { ...c, StopSignal: v };
          break;
        }
        case "EXPOSE": {
          const ports = listOf(args);
          if (ports === undefined || !ports.every((p) => /^\d{1,5}(?:-\d{1,5})?(?:\/(?:tcp|udp|sctp))?$/.test(p))) {
            return E.left(invalid(change, "expected PORT[/PROTOCOL]..."));
          }
          const exposed = { ...(c.ExposedPorts ?? {}) };
          for (const p of ports) exposed[p.includes("/") ? p : `${p}/tcp`] = {};
          c = { ...c, ExposedPorts: exposed };
          break;
        }
        case "VOLUME": {
          const vols = listOf(args);
          if (vols === undefined) return E.left(invalid(change, "expected one or more paths"));
          c = { ...c, Volumes: { ...(c.Volumes ?? {}), ...Object.fromEntries(vols.map((v) => [v, {}])) } };
          break;
        }
      }
    }
    return E.right(c);
  };
