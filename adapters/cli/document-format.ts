/** `--format` for commands that print one JSON document: the document as JSON, or through a Go template as podman and skopeo take it. */
import * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../../core/failure.ts";
import { parseFormat, renderRows } from "../../core/template/index.ts";

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

/**
 * The text of `doc` for `--format`: JSON (indented by `indent`) without one
 * or for `json`, else the template's rendering named `name`; a bad template
 * is the failure.
 */
export const formatDocument = (format: string | undefined, doc: unknown, name: string, indent = 4): E.Either<Failure, string> => {
  if (format === undefined || format === "json") return E.right(`${JSON.stringify(doc, null, indent)}\n`);
  const template = parseFormat(format);
  return E.isLeft(template) ? template : renderRows(template.right, [templateData(doc)], new Map(), name);
};

/** Why a `--format` cannot be used, before anything is fetched; nothing for json or none. */
export const checkFormat = (format: string | undefined): Failure | undefined => {
  if (format === undefined || format === "json") return undefined;
  const template = parseFormat(format);
  return E.isLeft(template) ? template.left : undefined;
};
