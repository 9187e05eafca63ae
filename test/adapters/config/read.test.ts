import fc from "fast-check";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { withoutCommentLines } from "../../../adapters/config/read.ts";
import { runs } from "../../core/arbitraries.ts";

/** What the parser makes of a text: its value, or that it refuses it. */
const parsed = (text: string): unknown => {
  try {
    return { value: parse(text) };
  } catch {
    return "refused";
  }
};

const word = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/);
const comment = fc.tuple(fc.constantFrom("", " ", "\t", "  "), fc.string({ unit: fc.constantFrom(..."# a=\"'[]\\\u0000\u0007\u007f\r\u00e9"), maxLength: 12 })).map(([indent, rest]) => `${indent}#${rest}`);
/** Lines of the kinds registries.conf files have, and of the kinds that could fool a comment stripper. */
const line = fc.oneof(
  comment,
  fc.tuple(word, word).map(([k, v]) => `${k} = "${v}" # ${v}`),
  word.map((w) => `[${w}]`),
  word.map((w) => `[[${w}]]`),
  fc.tuple(word, comment).map(([k, c]) => `${k} = [\n  "a", # one\n${c}\n  "b",\n]`),
  fc.tuple(word, comment).map(([k, c]) => `${k} = """\n${c}\n"""`),
  fc.tuple(word, comment).map(([k, c]) => `${k} = '''\n${c}\n'''`),
  fc.constantFrom("", "   ", "not toml", "x = ", "# only", "\r"),
);

describe("withoutCommentLines", () => {
  it("parses to what the text parses to, or is refused as the text is", () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom("\n", "\r\n"), (lines, eol) => {
        const text = lines.join(eol);
        expect(parsed(withoutCommentLines(text))).toEqual(parsed(text));
      }),
      runs,
    );
  });

  it("keeps every line, so that errors name the same line", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(withoutCommentLines(text).split("\n")).toHaveLength(text.split("\n").length);
      }),
      runs,
    );
  });

  it("blanks whole-line comments and leaves the rest", () => {
    expect(withoutCommentLines('# a\n  # b\nx = "#c" # d\n\t#e\r\n')).toBe('\n\nx = "#c" # d\n\r\n');
    expect(withoutCommentLines('x = """\n# kept\n"""\n# also kept\n')).toBe('x = """\n# kept\n"""\n# also kept\n');
    expect(withoutCommentLines("# bad \u0000 comment\n")).toBe("# bad \u0000 comment\n");
  });
});
