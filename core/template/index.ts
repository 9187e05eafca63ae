/**
 * podman's `--format`: a Go template, or with the `table` prefix a table whose
 * header row is the same template rendered over the column names, and whose
 * cells (split at tabs) are aligned as podman's tab writer aligns them.
 */
import * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../failure.ts";
import { parseTemplate, type Template } from "./parse.ts";
import { renderTemplate } from "./render.ts";

export { parseTemplate, type Template, type TemplateNode } from "./parse.ts";
export { formatValue, renderTemplate } from "./render.ts";

/** A `--format` value ready to render. */
export interface OutputFormat {
  readonly template: Template;
  /** Began with `table`: print a header row and align the columns. */
  readonly table: boolean;
}

/**
 * Reads a `--format` as podman does: `\t` and `\n` written as two characters
 * are a tab and a newline, every row ends with a newline, and in a table the
 * spaces between two actions (`{{.ID}} {{.Size}}`) separate columns.
 */
export const parseFormat = (text: string): E.Either<Failure, OutputFormat> => {
  const table = /^table(\s|$)/.test(text);
  let body = (table ? text.replace(/^table\s?/, "") : text).replace(/\\t/g, "\t").replace(/\\n/g, "\n");
  if (table) body = body.replace(/\}\}[ ]+\{\{/g, "}}\t{{");
  if (!body.endsWith("\n")) body += "\n";
  const template = parseTemplate(body);
  return E.isLeft(template) ? template : E.right({ template: template.right, table });
};

/** The column name podman gives a field it has no name for: its words upper-cased (`CreatedAt` → `CREATED AT`). */
export const headerOf = (field: string): string => field.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toUpperCase();

/**
 * Lines of tab-separated cells aligned as Go's tabwriter (minimum width 12,
 * padding 2, spaces) aligns podman's tables: each column as wide as its widest
 * cell in a run of lines that have it; the last cell of a line is not padded.
 */
export const alignColumns = (text: string): string => {
  const lines = text.split("\n");
  const rows = lines.map((l) => l.split("\t"));
  const widths: number[] = [];
  for (const r of rows) r.slice(0, -1).forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + " ".repeat(Math.max(12, (widths[i] ?? 0) + 2) - [...c].length))).join("")).join("\n");
};

/**
 * Renders `rows` through a format: each row's text, and for a table first
 * the header (the template over `headers`, a map, so a column with no name
 * shows `<no value>` as in podman) unless `noHeading`.
 */
export const renderRows = (format: OutputFormat, rows: ReadonlyArray<unknown>, headers: ReadonlyMap<string, string>, name: string, noHeading = false): E.Either<Failure, string> => {
  const render = renderTemplate(format.template, name);
  const out: string[] = [];
  if (format.table && !noHeading) {
    const head = render(headers);
    if (E.isLeft(head)) return head;
    out.push(head.right);
  }
  for (const row of rows) {
    const r = render(row);
    if (E.isLeft(r)) return r;
    out.push(r.right);
  }
  const text = out.join("");
  return E.right(format.table ? alignColumns(text) : text);
};

