/**
 * Renders a parsed template against data as Go's text/template does for
 * podman's `--format`: plain objects are structs (a field they lack is an
 * error, as in podman), `Map`s are maps (a key they lack prints `<no value>`),
 * values print as Go's `%v` prints them, and podman's functions (`json`,
 * `upper`, `lower`, `title`, `join`, `split`, `truncate`, `pad`) stand beside
 * Go's own (`index`, `len`, `printf`, `print`, `println`, `eq`…, `and`, `or`,
 * `not`). Nothing here throws: every failure is a value.
 */
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../failure.ts";
import type { Command, Operand, Pipeline, Template, TemplateNode } from "./parse.ts";

/** Thrown inside the renderer only, and turned into a Failure at its edge. */
class RenderError extends Error {}

type Vars = ReadonlyMap<string, unknown>;

const isStruct = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Map);

/** Go's `%v`. */
export const formatValue = (v: unknown): string => {
  if (v === undefined) return "<no value>";
  if (v === null) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "number") return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (Array.isArray(v)) return `[${v.map(formatValue).join(" ")}]`;
  if (v instanceof Map) return `map[${[...v.keys()].map(String).sort().map((k) => `${k}:${formatValue(v.get(k))}`).join(" ")}]`;
  if (isStruct(v)) return `{${Object.values(v).map(formatValue).join(" ")}}`;
  return String(v);
};

/** Go's truth: false, 0, nil, and empty strings, slices and maps are false. */
const truthy = (v: unknown): boolean => {
  if (v === undefined || v === null || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  return true;
};

/**
 * `encoding/json` as Go marshals: Maps as objects with their keys sorted (an
 * empty one as `null`: podman's empty maps are nil), `<`, `>`, `&` escaped as
 * Go escapes them.
 */
const toJson = (v: unknown): string =>
  (JSON.stringify(v === undefined ? null : v, (_k, x: unknown) =>
    x instanceof Map ? (x.size === 0 ? null : Object.fromEntries([...x.entries()].sort(([a], [b]) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0)))) : x,
  ) ?? "null")
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");

const num = (v: unknown, fn: string): number => {
  if (typeof v === "number") return v;
  throw new RenderError(`${fn}: expected a number, got ${formatValue(v)}`);
};
const str = (v: unknown, fn: string): string => {
  if (typeof v === "string") return v;
  throw new RenderError(`${fn}: expected a string, got ${formatValue(v)}`);
};

/** Go's `fmt.Sprintf`, for the verbs templates use: `%v %s %d %q %x %X %f %t %%`, with flags `-`, `0`, `+` and width/precision. */
const sprintf = (format: string, args: ReadonlyArray<unknown>): string => {
  let n = 0;
  return format.replace(/%([-+0 #]*)(\d+)?(?:\.(\d+))?([vsdqxXftg%])/g, (_all, flags: string, width: string | undefined, precision: string | undefined, verb: string) => {
    if (verb === "%") return "%";
    if (n >= args.length) return `%!${verb}(MISSING)`;
    const arg = args[n++];
    let out: string;
    switch (verb) {
      case "d":
        out = typeof arg === "number" && Number.isInteger(arg) ? (flags.includes("+") && arg >= 0 ? "+" : "") + arg.toFixed(0) : `%!d(${formatValue(arg)})`;
        break;
      case "q":
        out = typeof arg === "string" ? JSON.stringify(arg) : `%!q(${formatValue(arg)})`;
        break;
      case "x":
      case "X": {
        const h = typeof arg === "number" ? Math.trunc(arg).toString(16) : typeof arg === "string" ? [...new TextEncoder().encode(arg)].map((b) => b.toString(16).padStart(2, "0")).join("") : formatValue(arg);
        out = verb === "X" ? h.toUpperCase() : h;
        break;
      }
      case "f":
        out = typeof arg === "number" ? arg.toFixed(precision === undefined ? 6 : Number(precision)) : `%!f(${formatValue(arg)})`;
        break;
      case "g":
        out = typeof arg === "number" ? String(arg) : `%!g(${formatValue(arg)})`;
        break;
      case "t":
        out = typeof arg === "boolean" ? String(arg) : `%!t(${formatValue(arg)})`;
        break;
      default:
        out = formatValue(arg);
        if (verb === "s" && precision !== undefined) out = [...out].slice(0, Number(precision)).join("");
    }
    const w = width === undefined ? 0 : Number(width);
    const pad = Math.max(0, w - [...out].length);
    if (pad === 0) return out;
    if (flags.includes("-")) return out + " ".repeat(pad);
    return (flags.includes("0") && /[dxXf]/.test(verb) ? "0" : " ").repeat(pad) + out;
  }) + (n < args.length ? `%!(EXTRA ${args.slice(n).map(formatValue).join(", ")})` : "");
};

/** Go's `fmt.Sprint`: a space between operands when neither is a string. */
const sprint = (args: ReadonlyArray<unknown>): string =>
  args.map((a, i) => (i > 0 && typeof a !== "string" && typeof args[i - 1] !== "string" ? " " : "") + formatValue(a)).join("");

const compare = (a: unknown, b: unknown, fn: string): number => {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  throw new RenderError(`${fn}: incompatible types for comparison`);
};

/** The functions, each given its evaluated arguments. */
const functions: Readonly<Record<string, (args: ReadonlyArray<unknown>) => unknown>> = {
  json: (a) => toJson(a[0]),
  index: (a) => {
    let v = a[0];
    for (const k of a.slice(1)) {
      if (Array.isArray(v)) {
        const i = num(k, "index");
        if (!Number.isInteger(i) || i < 0 || i >= v.length) throw new RenderError(`index: index out of range: ${formatValue(k)}`);
        v = v[i];
      } else if (v instanceof Map) v = v.has(k) ? v.get(k) : ""; // A missing key gives the zero value: podman's maps hold strings.
      else if (isStruct(v)) v = v[str(k, "index")];
      else throw new RenderError(`index: can't index item of type ${v === null || v === undefined ? "nil" : typeof v}`);
    }
    return v;
  },
  len: (a) => {
    const v = a[0];
    if (typeof v === "string") return new TextEncoder().encode(v).byteLength;
    if (Array.isArray(v)) return v.length;
    if (v instanceof Map) return v.size;
    throw new RenderError(`len: can't take the length of ${formatValue(v)}`);
  },
  printf: (a) => sprintf(str(a[0], "printf"), a.slice(1)),
  print: (a) => sprint(a),
  println: (a) => `${a.map(formatValue).join(" ")}\n`,
  eq: (a) => {
    if (a.length < 2) throw new RenderError("eq: missing argument for comparison");
    return a.slice(1).some((b) => b === a[0]);
  },
  ne: (a) => a[0] !== a[1],
  lt: (a) => compare(a[0], a[1], "lt") < 0,
  le: (a) => compare(a[0], a[1], "le") <= 0,
  gt: (a) => compare(a[0], a[1], "gt") > 0,
  ge: (a) => compare(a[0], a[1], "ge") >= 0,
  and: (a) => a.find((x) => !truthy(x)) ?? a[a.length - 1],
  or: (a) => a.find((x) => truthy(x)) ?? a[a.length - 1],
  not: (a) => !truthy(a[0]),
  upper: (a) => str(a[0], "upper").toUpperCase(),
  lower: (a) => str(a[0], "lower").toLowerCase(),
  title: (a) => str(a[0], "title").replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase()),
  join: (a) => {
    const parts = a[0];
    if (!Array.isArray(parts)) throw new RenderError(`join: expected a list, got ${formatValue(parts)}`);
    return parts.map(formatValue).join(str(a[1], "join"));
  },
  split: (a) => str(a[0], "split").split(str(a[1], "split")),
  truncate: (a) => {
    const s = str(a[0], "truncate");
    const n = num(a[1], "truncate");
    return s.length < n ? s : s.slice(0, Math.max(0, n));
  },
  pad: (a) => `${" ".repeat(Math.max(0, num(a[1], "pad")))}${str(a[0], "pad")}${" ".repeat(Math.max(0, num(a[2], "pad")))}`,
};

const shown = (o: Operand): string =>
  o.kind === "field" ? `${o.base === "dot" ? "" : o.base.variable}${o.path.length === 0 && o.base === "dot" ? "." : o.path.map((p) => `.${p}`).join("")}` : o.kind === "function" ? o.name : o.kind === "string" ? JSON.stringify(o.value) : o.kind;

/** Walks `.A.B` from `v`. */
const walk = (v: unknown, path: ReadonlyArray<string>, at: string): unknown => {
  let cur = v;
  for (const name of path) {
    if (cur instanceof Map) cur = cur.get(name);
    else if (isStruct(cur)) {
      if (!Object.prototype.hasOwnProperty.call(cur, name)) throw new RenderError(`executing at <${at}>: can't evaluate field ${name}`);
      cur = cur[name];
    } else if (cur === null || cur === undefined) throw new RenderError(`executing at <${at}>: nil pointer evaluating .${name}`);
    else throw new RenderError(`executing at <${at}>: can't evaluate field ${name} in type ${Array.isArray(cur) ? "slice" : typeof cur}`);
  }
  return cur;
};

const operand = (o: Operand, dot: unknown, vars: Vars): unknown => {
  switch (o.kind) {
    case "field": {
      const base = o.base === "dot" ? dot : vars.has(o.base.variable) ? vars.get(o.base.variable) : undefined;
      if (o.base !== "dot" && !vars.has(o.base.variable)) throw new RenderError(`undefined variable "${o.base.variable}"`);
      return walk(base, o.path, shown(o));
    }
    case "string":
    case "number":
    case "bool":
      return o.value;
    case "nil":
      return null;
    case "function":
      return call(o.name, [], shown(o));
    case "pipeline":
      return walk(pipeline(o.pipeline, dot, vars), o.path, "(...)");
  }
};

const call = (name: string, args: ReadonlyArray<unknown>, at: string): unknown => {
  const fn = functions[name];
  if (fn === undefined) throw new RenderError(`function "${name}" not defined`);
  try {
    return fn(args);
  } catch (e) {
    throw new RenderError(`executing at <${at}>: error calling ${name}: ${(e as Error).message}`);
  }
};

const command = (c: Command, dot: unknown, vars: Vars, previous: { readonly value: unknown } | undefined): unknown => {
  const [head, ...rest] = c.operands;
  if (head === undefined) throw new RenderError("empty command");
  if (head.kind === "function") {
    const args = rest.map((o) => operand(o, dot, vars));
    return call(head.name, previous === undefined ? args : [...args, previous.value], head.name);
  }
  // A field or variable with arguments would be a method call in Go; data here has no methods.
  if (rest.length > 0 || previous !== undefined) throw new RenderError(`can't give argument to non-function ${shown(head)}`);
  return operand(head, dot, vars);
};

const pipeline = (p: Pipeline, dot: unknown, vars: Vars): unknown => {
  let value: { readonly value: unknown } | undefined;
  for (const c of p.commands) value = { value: command(c, dot, vars, value) };
  return value?.value;
};

/** Output is capped: a template is no way to fill memory. */
const maxOutput = 64 << 20;

const nodes = (ns: ReadonlyArray<TemplateNode>, dot: unknown, vars: Map<string, unknown>, out: string[], size: { n: number }): void => {
  const emit = (s: string): void => {
    size.n += s.length;
    if (size.n > maxOutput) throw new RenderError("output larger than 64 MiB");
    out.push(s);
  };
  for (const n of ns) {
    if (n.kind === "text") emit(n.text);
    else if (n.kind === "action") {
      const v = pipeline(n.pipeline, dot, vars);
      if (n.pipeline.declare.length > 0) {
        for (const name of n.pipeline.declare) vars.set(name, v);
      } else emit(formatValue(v));
    } else if (n.kind === "if" || n.kind === "with") {
      const v = pipeline(n.pipeline, dot, vars);
      const inner = new Map(vars);
      for (const name of n.pipeline.declare) inner.set(name, v);
      if (truthy(v)) nodes(n.then, n.kind === "with" ? v : dot, inner, out, size);
      else nodes(n.otherwise, dot, new Map(vars), out, size);
    } else {
      const v = pipeline(n.pipeline, dot, vars);
      const entries: Array<[unknown, unknown]> = Array.isArray(v)
        ? v.map((x, i) => [i, x])
        : v instanceof Map
          ? [...v.keys()].sort().map((k) => [k, v.get(k)])
          : typeof v === "number" && Number.isInteger(v)
            ? Array.from({ length: Math.max(0, v) }, (_x, i) => [i, i])
            : v === null || v === undefined
              ? []
              : (() => {
                  throw new RenderError(`range can't iterate over ${formatValue(v)}`);
                })();
      if (entries.length === 0) nodes(n.otherwise, dot, new Map(vars), out, size);
      for (const [k, x] of entries) {
        const inner = new Map(vars);
        const [first, second] = n.pipeline.declare;
        if (first !== undefined && second === undefined) inner.set(first, x);
        if (first !== undefined && second !== undefined) {
          inner.set(first, k);
          inner.set(second, x);
        }
        nodes(n.then, x, inner, out, size);
      }
    }
  }
};

/** The template's text for `data`, or why it cannot be made (in one line, as Go says it). */
export const renderTemplate =
  (template: Template, name = "") =>
  (data: unknown): E.Either<Failure, string> => {
    const out: string[] = [];
    try {
      nodes(template.nodes, data, new Map([["$", data]]), out, { n: 0 });
      return E.right(out.join(""));
    } catch (e) {
      if (e instanceof RenderError) return E.left(failure("INVALID_ARGUMENT", `template: ${name}: ${e.message}`));
      if (e instanceof RangeError) return E.left(failure("INVALID_ARGUMENT", `template: ${name}: too deeply nested`));
      return E.left(failure("INVALID_ARGUMENT", `template: ${name}: ${e instanceof Error ? e.message : String(e)}`));
    }
  };
