import * as E from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import { failure, type Failure } from "./failure.ts";
import { printable } from "./text.ts";

/** A document from outside (a config file, a manifest, a response) that failed its codec. */
export type InvalidDocument = Failure<"INVALID_CONFIG">;

const describe = (v: unknown): string => {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "a table";
  if (typeof v === "string") return `the string "${printable(v)}"`;
  return `${typeof v} ${printable(String(v))}`;
};

/** The dotted key path of an io-ts error, e.g. `registry.0.mirror.1.location`. */
const keyPath = (e: t.ValidationError): string =>
  e.context
    // An intersection's members add their index as a key; the document has no such key.
    .filter((c, i) => c.key !== "" && (e.context[i - 1]?.type as { _tag?: string } | undefined)?._tag !== "IntersectionType")
    .map((c) => c.key)
    .join(".");

/**
 * Runs an io-ts codec over a document from `where` and reports the first
 * problem in one line: the place, the key, what was expected and what was found.
 */
export const decodeDocument =
  <A>(codec: t.Decoder<unknown, A>, where: string) =>
  (value: unknown): E.Either<InvalidDocument, A> => {
    const r = codec.decode(value);
    if (E.isRight(r)) return E.right(r.right);
    const first = r.left[0];
    if (first === undefined) return E.left(failure("INVALID_CONFIG", `${where}: invalid document`));
    const key = keyPath(first);
    const expected = first.context[first.context.length - 1]?.type.name ?? "a valid value";
    return E.left(
      failure("INVALID_CONFIG", `${where}: ${key === "" ? "document" : `key "${key}"`}: expected ${expected}, found ${describe(first.value)}`),
    );
  };

/** Keys of a plain object that are not in `known`, prefixed with `path`. */
export const unknownKeys = (value: unknown, known: ReadonlyArray<string>, path: string): string[] =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? Object.keys(value)
        .filter((k) => !known.includes(k))
        .map((k) => (path === "" ? k : `${path}.${k}`))
    : [];
