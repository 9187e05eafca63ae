/** `--format` for commands that print JSON documents: the documents as JSON, or through a Go template as podman and skopeo take it. */
import * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../../core/failure.ts";
import { parseFormat, renderRows, type OutputFormat } from "../../core/template/index.ts";

/**
 * A JSON document as podman's and skopeo's template data: objects are
 * structs, except the maps they keep as maps (`Labels`, `Annotations`,
 * anywhere), so that a label an image lacks prints `<no value>` as theirs do.
 * (skopeo's templates have no `json` function; berth's have podman's.)
 */
export const templateData = (v: unknown, key = ""): unknown => {
  const isMap = key === "Labels" || key === "Annotations";
  // A map that is null in JSON is Go's nil map: a key it lacks is <no value>, and json prints it as null.
  if (isMap && v === null) return new Map();
  if (Array.isArray(v)) return v.map((x) => templateData(x));
  if (typeof v !== "object" || v === null) return v;
  const entries = Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, templateData(x, k)] as const);
  return isMap ? new Map(entries) : Object.fromEntries(entries);
};

/** A `--format` read once, before anything is fetched: JSON (none given, or `json`) or a template. */
export type DocumentFormat = { readonly kind: "json" } | { readonly kind: "template"; readonly format: OutputFormat };

/** Reads a `--format`; a broken template is the failure. */
export const documentFormat = (format: string | undefined): E.Either<Failure, DocumentFormat> => {
  if (format === undefined || format === "json") return E.right({ kind: "json" });
  const template = parseFormat(format);
  return E.isLeft(template) ? template : E.right({ kind: "template", format: template.right });
};

/** The text of `doc` in `format`: JSON indented by `indent`, or the template's rendering named `name` (which may fail, e.g. on a field the document lacks). */
export const renderDocument = (format: DocumentFormat, doc: unknown, name: string, indent = 4): E.Either<Failure, string> =>
  format.kind === "json" ? E.right(`${JSON.stringify(doc, null, indent)}\n`) : renderRows(format.format, [templateData(doc)], new Map(), name);
