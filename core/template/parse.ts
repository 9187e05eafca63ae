/**
 * Go's text/template, the part podman's `--format` uses, parsed into a tree:
 * text and actions (`{{ }}`, with `{{-`/`-}}` trimming and comments),
 * pipelines of commands (fields `.A.B`, variables `$x.A`, functions with
 * arguments, literals, parenthesised pipelines) joined by `|`, and the
 * control structures `if`/`else if`/`else`, `range` (with `$i, $e :=`),
 * `with`, each closed by `end`. Errors say where, as Go's do (`1:7`).
 */
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../failure.ts";

/** One argument of a command. */
export type Operand =
  | { readonly kind: "field"; readonly base: "dot" | { readonly variable: string }; readonly path: ReadonlyArray<string> }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "nil" }
  | { readonly kind: "function"; readonly name: string }
  | { readonly kind: "pipeline"; readonly pipeline: Pipeline; readonly path: ReadonlyArray<string> };

/** A command: an operand, with arguments when it is a function. */
export interface Command {
  readonly operands: ReadonlyArray<Operand>;
}

/** Commands joined by `|` (each result becomes the next command's last argument), maybe declaring variables. */
export interface Pipeline {
  readonly declare: ReadonlyArray<string>;
  readonly commands: ReadonlyArray<Command>;
  readonly at: string;
}

/** A node of the tree. */
export type TemplateNode =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "action"; readonly pipeline: Pipeline }
  | { readonly kind: "if" | "with"; readonly pipeline: Pipeline; readonly then: ReadonlyArray<TemplateNode>; readonly otherwise: ReadonlyArray<TemplateNode> }
  | { readonly kind: "range"; readonly pipeline: Pipeline; readonly then: ReadonlyArray<TemplateNode>; readonly otherwise: ReadonlyArray<TemplateNode> };

/** A parsed template. */
export interface Template {
  readonly nodes: ReadonlyArray<TemplateNode>;
}

/** One token of an action. */
type Token =
  | { readonly t: "field"; readonly path: ReadonlyArray<string> }
  | { readonly t: "var"; readonly name: string; readonly path: ReadonlyArray<string> }
  | { readonly t: "ident"; readonly name: string }
  | { readonly t: "string"; readonly value: string }
  | { readonly t: "number"; readonly value: number }
  | { readonly t: "pipe" | "lparen" | "rparen" | "declare" | "comma" }
  | { readonly t: "rparenPath"; readonly path: ReadonlyArray<string> };

const isSpace = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\n" || c === "\r";
const isIdentStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
const isIdentChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);

/** Where a position in the source is, as Go says it: `line:column`. */
const position = (source: string, offset: number): string => {
  const before = source.slice(0, offset);
  const line = before.split("\n").length;
  return `${line}:${offset - before.lastIndexOf("\n")}`;
};

const fail = (source: string, offset: number, message: string): E.Either<Failure, never> => E.left(failure("INVALID_ARGUMENT", `template: ${position(source, offset)}: ${message}`));

/** `.A.B` field names following a position (after a `.`, `$x` or `)`). */
const fieldPath = (s: string, i: number): { path: string[]; end: number } => {
  const path: string[] = [];
  let j = i;
  while (s[j] === "." && isIdentStart(s[j + 1])) {
    let k = j + 1;
    while (isIdentChar(s[k])) k++;
    path.push(s.slice(j + 1, k));
    j = k;
  }
  return { path, end: j };
};

/** Go's escapes in a double-quoted string. */
const unquote = (body: string): string | undefined => {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const n = body[++i];
    const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", '"': '"', a: "\x07", b: "\b", f: "\f", v: "\v", "0": "\0" };
    if (n !== undefined && simple[n] !== undefined) out += simple[n];
    else if (n === "x" || n === "u") {
      const len = n === "x" ? 2 : 4;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) return undefined;
      out += String.fromCharCode(parseInt(hex, 16));
      i += len;
    } else return undefined;
  }
  return out;
};

/** The tokens of one action's text (between the delimiters), `offset` being where it starts in the source. */
const lex = (source: string, text: string, offset: number): E.Either<Failure, Token[]> => {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (isSpace(c)) {
      i++;
      continue;
    }
    const at = offset + i;
    if (c === "|") (tokens.push({ t: "pipe" }), i++);
    else if (c === "(") (tokens.push({ t: "lparen" }), i++);
    else if (c === ")") {
      const { path, end } = fieldPath(text, i + 1);
      tokens.push(path.length === 0 ? { t: "rparen" } : { t: "rparenPath", path });
      i = end === i + 1 ? i + 1 : end;
    } else if (c === ",") (tokens.push({ t: "comma" }), i++);
    else if (c === ":" && text[i + 1] === "=") (tokens.push({ t: "declare" }), (i += 2));
    else if (c === "=" ) return fail(source, at, "assignment to an existing variable is not supported");
    else if (c === ".") {
      if (isIdentStart(text[i + 1])) {
        const { path, end } = fieldPath(text, i);
        tokens.push({ t: "field", path });
        i = end;
      } else {
        tokens.push({ t: "field", path: [] });
        i++;
      }
    } else if (c === "$") {
      let k = i + 1;
      while (isIdentChar(text[k])) k++;
      const name = text.slice(i, k);
      const { path, end } = fieldPath(text, k);
      tokens.push({ t: "var", name, path });
      i = end;
    } else if (c === '"') {
      let k = i + 1;
      while (k < text.length && text[k] !== '"') k += text[k] === "\\" ? 2 : 1;
      if (k >= text.length) return fail(source, at, "unterminated quoted string");
      const value = unquote(text.slice(i + 1, k));
      if (value === undefined) return fail(source, at, "invalid escape in quoted string");
      tokens.push({ t: "string", value });
      i = k + 1;
    } else if (c === "`") {
      const k = text.indexOf("`", i + 1);
      if (k < 0) return fail(source, at, "unterminated raw quoted string");
      tokens.push({ t: "string", value: text.slice(i + 1, k) });
      i = k + 1;
    } else if (c !== undefined && /[0-9+-]/.test(c)) {
      const m = /^[+-]?(0x[0-9a-fA-F]+|[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?)/.exec(text.slice(i));
      if (m === null) return fail(source, at, `unexpected "${c}" in command`);
      tokens.push({ t: "number", value: Number(m[0]) });
      i += m[0].length;
    } else if (isIdentStart(c)) {
      let k = i;
      while (isIdentChar(text[k])) k++;
      tokens.push({ t: "ident", name: text.slice(i, k) });
      i = k;
    } else return fail(source, at, `unexpected "${c}" in command`);
  }
  return E.right(tokens);
};

/** Parses a pipeline from tokens (as far as a closing `)` when nested). */
const pipelineOf = (source: string, at: number, tokens: Token[], start: number, nested: boolean): E.Either<Failure, { pipeline: Pipeline; next: number; path: ReadonlyArray<string> }> => {
  let i = start;
  const declare: string[] = [];
  // `$x :=` or `$i, $e :=` at the start.
  const decl = tokens.slice(i, i + 4);
  if (decl[0]?.t === "var" && decl[0].path.length === 0) {
    if (decl[1]?.t === "declare") {
      declare.push(decl[0].name);
      i += 2;
    } else if (decl[1]?.t === "comma" && decl[2]?.t === "var" && decl[2].path.length === 0 && decl[3]?.t === "declare") {
      declare.push(decl[0].name, decl[2].name);
      i += 4;
    }
  }
  const commands: Command[] = [];
  let operands: Operand[] = [];
  let path: ReadonlyArray<string> = [];
  for (;;) {
    const tok = tokens[i];
    if (tok === undefined || tok.t === "rparen" || tok.t === "rparenPath") {
      if (nested && tok === undefined) return fail(source, at, "unclosed left paren");
      if (!nested && tok !== undefined) return fail(source, at, "unexpected right paren");
      if (tok?.t === "rparenPath") path = tok.path;
      break;
    }
    i++;
    if (tok.t === "pipe") {
      if (operands.length === 0) return fail(source, at, "missing command before |");
      commands.push({ operands });
      operands = [];
      continue;
    }
    if (tok.t === "lparen") {
      const inner = pipelineOf(source, at, tokens, i, true);
      if (E.isLeft(inner)) return inner;
      operands.push({ kind: "pipeline", pipeline: inner.right.pipeline, path: inner.right.path });
      i = inner.right.next + 1;
      continue;
    }
    if (tok.t === "field") operands.push({ kind: "field", base: "dot", path: tok.path });
    else if (tok.t === "var") operands.push({ kind: "field", base: { variable: tok.name }, path: tok.path });
    else if (tok.t === "string") operands.push({ kind: "string", value: tok.value });
    else if (tok.t === "number") operands.push({ kind: "number", value: tok.value });
    else if (tok.t === "ident") {
      if (tok.name === "true" || tok.name === "false") operands.push({ kind: "bool", value: tok.name === "true" });
      else if (tok.name === "nil") operands.push({ kind: "nil" });
      else operands.push({ kind: "function", name: tok.name });
    } else return fail(source, at, `unexpected ${tok.t === "declare" ? ":=" : ","} in command`);
  }
  if (operands.length > 0) commands.push({ operands });
  else if (commands.length > 0) return fail(source, at, "missing command after |");
  if (commands.length === 0) return fail(source, at, "missing value for command");
  return E.right({ pipeline: { declare, commands, at: position(source, at) }, next: i, path });
};

/** An action's text, trimmed of its markers, and whether it trims around it. */
interface Action {
  readonly body: string;
  readonly start: number;
  readonly end: number;
  readonly trimLeft: boolean;
  readonly trimRight: boolean;
}

/** Splits the source into text and actions. */
const split = (source: string): E.Either<Failure, Array<string | Action>> => {
  const parts: Array<string | Action> = [];
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf("{{", i);
    if (open < 0) {
      parts.push(source.slice(i));
      break;
    }
    parts.push(source.slice(i, open));
    const trimLeft = source[open + 2] === "-" && isSpace(source[open + 3]);
    const bodyStart = open + (trimLeft ? 4 : 2);
    // A comment may hold "}}": it ends at "*/" first.
    let close: number;
    const lead = source.slice(bodyStart).trimStart();
    if (lead.startsWith("/*")) {
      const endComment = source.indexOf("*/", bodyStart);
      if (endComment < 0) return fail(source, open, "unclosed comment");
      close = source.indexOf("}}", endComment + 2);
    } else {
      // Quoted strings may hold "}}".
      close = -1;
      let k = bodyStart;
      while (k < source.length) {
        const c = source[k];
        if (c === '"') {
          k++;
          while (k < source.length && source[k] !== '"') k += source[k] === "\\" ? 2 : 1;
          k++;
        } else if (c === "`") {
          const e = source.indexOf("`", k + 1);
          k = e < 0 ? source.length : e + 1;
        } else if (source.startsWith("}}", k)) {
          close = k;
          break;
        } else k++;
      }
    }
    if (close < 0) return fail(source, open, "unclosed action");
    const trimRight = source[close - 1] === "-" && isSpace(source[close - 2]) && close - 2 >= bodyStart;
    const body = source.slice(bodyStart, trimRight ? close - 2 : close);
    parts.push({ body, start: bodyStart, end: close + 2, trimLeft, trimRight });
    i = close + 2;
  }
  return E.right(parts);
};

/** Parses a template, or says where it is wrong. */
export const parseTemplate = (source: string): E.Either<Failure, Template> => {
  const parts = split(source);
  if (E.isLeft(parts)) return parts;
  // Trimming: an action with `{{-` trims the text before it, `-}}` the text after.
  const items = parts.right.map((p, k, all) => {
    if (typeof p !== "string") return p;
    const prev = all[k - 1];
    const next = all[k + 1];
    let text = p;
    if (typeof prev === "object" && prev.trimRight) text = text.replace(/^[ \t\r\n]+/, "");
    if (typeof next === "object" && next.trimLeft) text = text.replace(/[ \t\r\n]+$/, "");
    return text;
  });

  type Frame = { kind: "root" } | { kind: "if" | "with" | "range"; pipeline: Pipeline; then: TemplateNode[]; otherwise: TemplateNode[]; inElse: boolean; start: number; chained: boolean };
  const root: TemplateNode[] = [];
  const stack: Array<{ frame: Frame; nodes: TemplateNode[] }> = [{ frame: { kind: "root" }, nodes: root }];
  const top = () => stack[stack.length - 1] as { frame: Frame; nodes: TemplateNode[] };
  const sink = (): TemplateNode[] => {
    const t = top();
    return t.frame.kind === "root" ? t.nodes : t.frame.inElse ? t.frame.otherwise : t.frame.then;
  };
  /** Closes the innermost block (and the `else if` blocks chained to it). */
  const close = (): void => {
    for (;;) {
      const t = stack.pop();
      if (t === undefined || t.frame.kind === "root") return;
      const f = t.frame;
      const node: TemplateNode = f.kind === "range" ? { kind: "range", pipeline: f.pipeline, then: f.then, otherwise: f.otherwise } : { kind: f.kind, pipeline: f.pipeline, then: f.then, otherwise: f.otherwise };
      sink().push(node);
      if (!f.chained) return;
    }
  };

  for (const item of items) {
    if (typeof item === "string") {
      if (item !== "") sink().push({ kind: "text", text: item });
      continue;
    }
    const body = item.body.trim();
    if (body.startsWith("/*")) {
      if (!body.endsWith("*/")) return fail(source, item.start, "comment ends before closing delimiter");
      continue;
    }
    const tokens = lex(source, item.body, item.start);
    if (E.isLeft(tokens)) return tokens;
    const first = tokens.right[0];
    const keyword = first?.t === "ident" ? first.name : undefined;
    if (keyword === "end") {
      if (tokens.right.length > 1) return fail(source, item.start, "unexpected token after end");
      if (top().frame.kind === "root") return fail(source, item.start, "unexpected {{end}}");
      close();
      continue;
    }
    if (keyword === "else") {
      const t = top();
      if (t.frame.kind === "root" || t.frame.inElse) return fail(source, item.start, "unexpected {{else}}");
      t.frame.inElse = true;
      const after = tokens.right[1];
      if (after?.t === "ident" && (after.name === "if" || after.name === "with")) {
        const p = pipelineOf(source, item.start, tokens.right, 2, false);
        if (E.isLeft(p)) return p;
        stack.push({ frame: { kind: after.name, pipeline: p.right.pipeline, then: [], otherwise: [], inElse: false, start: item.start, chained: true }, nodes: [] });
      } else if (tokens.right.length > 1) return fail(source, item.start, "unexpected token after else");
      continue;
    }
    if (keyword === "if" || keyword === "with" || keyword === "range") {
      const p = pipelineOf(source, item.start, tokens.right, 1, false);
      if (E.isLeft(p)) return p;
      stack.push({ frame: { kind: keyword, pipeline: p.right.pipeline, then: [], otherwise: [], inElse: false, start: item.start, chained: false }, nodes: [] });
      continue;
    }
    if (keyword === "define" || keyword === "template" || keyword === "block" || keyword === "break" || keyword === "continue") {
      return fail(source, item.start, `{{${keyword}}} is not supported`);
    }
    const p = pipelineOf(source, item.start, tokens.right, 0, false);
    if (E.isLeft(p)) return p;
    sink().push({ kind: "action", pipeline: p.right.pipeline });
  }
  if (stack.length > 1) {
    const open = top().frame;
    return fail(source, open.kind === "root" ? source.length : open.start, `unexpected EOF: {{${open.kind}}} has no {{end}}`);
  }
  return E.right({ nodes: root });
};
