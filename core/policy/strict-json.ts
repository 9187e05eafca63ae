import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../failure.ts";

/** A JSON text that is not valid, or names a key twice in one object. */
export type StrictJsonError = Failure<"INVALID_CONFIG">;

const maxDepth = 64;

/**
 * Parses JSON like `JSON.parse`, but refuses an object that names a key twice
 * (JSON.parse silently keeps the last, and containers-policy.json(5) requires
 * such files to be rejected). Errors name the byte offset, or the key path of
 * the duplicate. Nesting is capped, so hostile input cannot exhaust the stack.
 */
export const parseStrictJson =
  (where: string) =>
  (text: string): E.Either<StrictJsonError, unknown> => {
    let i = 0;
    const fail = (why: string): never => {
      throw new StrictJsonFailure(`${where}: ${why}`);
    };
    const ws = (): void => {
      while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
    };
    const str = (): string => {
      // Precondition: text[i] === '"'. The slice is handed to JSON.parse, which knows every escape.
      const start = i++;
      while (i < text.length && text[i] !== '"') {
        const c = text.charCodeAt(i);
        if (c < 0x20) fail(`control character in a string at offset ${i}`);
        i += text[i] === "\\" ? 2 : 1;
      }
      if (i >= text.length) fail(`unterminated string at offset ${start}`);
      i++;
      try {
        return JSON.parse(text.slice(start, i)) as string;
      } catch {
        return fail(`invalid string at offset ${start}`);
      }
    };
    const value = (path: string, depth: number): unknown => {
      if (depth > maxDepth) fail(`nested more than ${maxDepth} deep at offset ${i}`);
      ws();
      const c = text[i];
      if (c === "{") {
        i++;
        const out: Record<string, unknown> = {};
        const seen = new Set<string>();
        ws();
        if (text[i] === "}") {
          i++;
          return out;
        }
        for (;;) {
          ws();
          if (text[i] !== '"') fail(`expected a key at offset ${i}`);
          const key = str();
          const keyPath = path === "" ? key : `${path}.${key}`;
          if (seen.has(key)) fail(`key "${keyPath}" appears twice`);
          seen.add(key);
          ws();
          if (text[i] !== ":") fail(`expected ":" at offset ${i}`);
          i++;
          Object.defineProperty(out, key, { value: value(keyPath, depth + 1), enumerable: true, writable: true, configurable: true });
          ws();
          if (text[i] === ",") {
            i++;
            continue;
          }
          if (text[i] === "}") {
            i++;
            return out;
          }
          fail(`expected "," or "}" at offset ${i}`);
        }
      }
      if (c === "[") {
        i++;
        const out: unknown[] = [];
        ws();
        if (text[i] === "]") {
          i++;
          return out;
        }
        for (;;) {
          out.push(value(`${path}.${out.length}`, depth + 1));
          ws();
          if (text[i] === ",") {
            i++;
            continue;
          }
          if (text[i] === "]") {
            i++;
            return out;
          }
          fail(`expected "," or "]" at offset ${i}`);
        }
      }
      if (c === '"') return str();
      const literal = /^(?:true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)/.exec(text.slice(i, i + 400));
      if (literal === null) return fail(i >= text.length ? "unexpected end of the document" : `unexpected character at offset ${i}`);
      i += literal[0].length;
      return JSON.parse(literal[0]) as unknown;
    };
    try {
      const v = value("", 0);
      ws();
      if (i < text.length) fail(`unexpected text after the document at offset ${i}`);
      return E.right(v);
    } catch (e) {
      if (e instanceof StrictJsonFailure) return E.left(failure("INVALID_CONFIG", e.message));
      throw e;
    }
  };

/** Internal: unwinds the recursive descent; never leaves this module. */
class StrictJsonFailure extends Error {}
