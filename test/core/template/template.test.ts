/**
 * Go's text/template as podman's --format uses it: expected outputs are
 * Go's own for the same template and data (objects are structs, Maps are
 * maps); the parser and renderer never throw, and text without actions
 * renders to itself.
 */
import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alignColumns, headerOf, parseFormat, parseTemplate, renderRows, renderTemplate } from "../../../core/template/index.ts";
import { anyString, runs } from "../arbitraries.ts";

const render = (source: string, data: unknown): string => {
  const t = parseTemplate(source);
  if (E.isLeft(t)) return `parse error: ${t.left.message}`;
  const r = renderTemplate(t.right, "t")(data);
  return E.isLeft(r) ? `error: ${r.left.message}` : r.right;
};

const image = {
  ID: "8d0de02e5068",
  Repository: "quay.io/team/app",
  Tag: "1",
  Names: ["quay.io/team/app:1", "localhost/app:latest"],
  Labels: new Map([
    ["tier", "front"],
    ["a<b", "x&y"],
  ]),
  Size: 134226316,
  Ratio: 0.5,
  Dangling: false,
  Nested: { Inner: { Deep: "here" } },
  Empty: [],
  Nil: null,
};

describe("rendering as Go does", () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["plain text", "plain text"],
    ["{{.ID}} {{.Repository}}:{{.Tag}}", "8d0de02e5068 quay.io/team/app:1"],
    ["{{.Nested.Inner.Deep}}", "here"],
    ["{{.Names}} {{.Size}} {{.Ratio}} {{.Dangling}} {{.Empty}} {{.Nil}}", "[quay.io/team/app:1 localhost/app:latest] 134226316 0.5 false [] <nil>"],
    ["{{.Labels}}", "map[a<b:x&y tier:front]"],
    ["{{.Labels.tier}}|{{.Labels.none}}|{{index .Labels \"tier\"}}", "front|<no value>|front"],
    ["{{json .Labels}} {{json .Names}} {{json .Size}}", '{"a\\u003cb":"x\\u0026y","tier":"front"} ["quay.io/team/app:1","localhost/app:latest"] 134226316'],
    ["{{range .Names}}<{{.}}>{{end}}", "<quay.io/team/app:1><localhost/app:latest>"],
    ["{{range $i, $n := .Names}}{{$i}}={{$n}} {{end}}", "0=quay.io/team/app:1 1=localhost/app:latest "],
    ["{{range .Empty}}x{{else}}empty{{end}}", "empty"],
    ["{{range $k, $v := .Labels}}{{$k}}:{{$v}};{{end}}", "a<b:x&y;tier:front;"],
    ["{{if .Dangling}}d{{else if eq .Tag \"1\" \"2\"}}one or two{{else}}other{{end}}", "one or two"],
    ["{{with .Nested.Inner}}{{.Deep}}{{end}}{{with .Empty}}no{{else}}none{{end}}", "herenone"],
    ["{{printf \"%-6s|%5d|%05d|%q|%v|%.2f|%x\" .Tag .Size 42 .Tag .Dangling .Ratio 255}}", '1     |134226316|00042|"1"|false|0.50|ff'],
    // Sprint puts a space only between two operands that are not strings.
    ["{{print .Size .Tag 3 4}} {{println .Tag}}", "13422631613 4 1\n"],
    ["{{len .Names}} {{len .Labels}} {{len .Tag}}", "2 2 1"],
    ["{{index .Names 1}}", "localhost/app:latest"],
    ["{{upper .Repository}} {{lower \"ABC\"}} {{title \"hello world\"}}", "QUAY.IO/TEAM/APP abc Hello World"],
    ["{{join .Names \", \"}} {{truncate .ID 4}} {{split \"a,b\" \",\"}} [{{pad .Tag 2 1}}]", "quay.io/team/app:1, localhost/app:latest 8d0d [a b] [  1 ]"],
    ["{{.Tag | printf \"<%s>\" | upper}}", "<1>"],
    ["{{(index .Names 0) | len}} {{(.Nested).Inner.Deep}}", "18 here"],
    ["{{and .Tag .Dangling}} {{or .Dangling .Tag}} {{not .Dangling}}", "false 1 true"],
    ["{{lt 1 2}} {{ge .Size 0}} {{ne .Tag \"2\"}}", "true true true"],
    ["a {{- .Tag -}} b\n {{- /* gone */ -}} c", "a1bc"],
    ["{{$x := .Tag}}{{$x}}{{$.ID}}", "18d0de02e5068"],
    ['{{"quoted \\"}}\\" \\t"}} {{`raw {{x}}`}}', 'quoted "}}" \t raw {{x}}'],
    ["{{.Missing}}", "error: template: t: executing at <.Missing>: can't evaluate field Missing"],
    ["{{.Nil.Field}}", "error: template: t: executing at <.Nil.Field>: nil pointer evaluating .Field"],
    ["{{nosuch .ID}}", "error: template: t: function \"nosuch\" not defined"],
    ["{{index .Names 5}}", "error: template: t: executing at <index>: error calling index: index: index out of range: 5"],
    ["{{.ID", "parse error: template: 1:1: unclosed action"],
    ["{{if .ID}}x", "parse error: template: 1:3: unexpected EOF: {{if}} has no {{end}}"],
    ["{{end}}", "parse error: template: 1:3: unexpected {{end}}"],
    ["{{.ID | }}", "parse error: template: 1:3: missing command after |"],
    ["{{define \"x\"}}{{end}}", "parse error: template: 1:3: {{define}} is not supported"],
  ];
  for (const [source, expected] of cases) {
    it(source, () => {
      expect(render(source, image)).toBe(expected);
    });
  }
});

describe("podman's --format", () => {
  it("takes \\t and \\n as written on a command line, ends rows with a newline, and makes tables", () => {
    const headers = new Map([
      ["ID", "IMAGE ID"],
      ["Repository", "REPOSITORY"],
    ]);
    const rows = [image, { ...image, ID: "0123456789ab", Repository: "r" }];
    const plain = parseFormat("{{.ID}}\\t{{.Repository}}");
    expect(E.isRight(plain) && renderRows(plain.right, rows, headers, "images")).toEqual(E.right("8d0de02e5068\tquay.io/team/app\n0123456789ab\tr\n"));
    const table = parseFormat("table {{.ID}} {{.Repository}} {{.Tag}}");
    expect(E.isRight(table) && renderRows(table.right, rows, headers, "images")).toEqual(
      E.right("IMAGE ID      REPOSITORY        <no value>\n8d0de02e5068  quay.io/team/app  1\n0123456789ab  r                 1\n"),
    );
    expect(E.isRight(table) && renderRows(table.right, rows, headers, "images", true)).toEqual(E.right("8d0de02e5068  quay.io/team/app  1\n0123456789ab  r                 1\n"));
    expect(alignColumns("a\tb\nlonger cell here\tc\n")).toBe("a                 b\nlonger cell here  c\n");
    expect([headerOf("CreatedAt"), headerOf("ID"), headerOf("RepoDigests")]).toEqual(["CREATED AT", "ID", "REPO DIGESTS"]);
  });
});

describe("never throwing", () => {
  const data = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: "small" }, fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie("value"), { maxLength: 3 }), fc.dictionary(fc.constantFrom("ID", "Names", "Labels", "A", "B"), tie("value"), { maxKeys: 3 })),
  })).value;
  const templateText = fc.array(
    fc.oneof(
      anyString,
      fc.constantFrom("{{", "}}", "{{-", "-}}", ".", ".ID", ".Names", "range", "if", "else", "end", "with", "$x :=", "$", "|", "(", ")", "json", "printf", '"%s"', "index", "len", "eq", "1", " "),
    ),
    { maxLength: 12 },
  );
  it("parses and renders any template over any data as text or a failure", () => {
    fc.assert(
      fc.property(templateText, data, (parts, d) => {
        const t = parseFormat(parts.join(""));
        if (E.isRight(t)) {
          const r = renderRows(t.right, [d], new Map(), "t");
          expect(E.isLeft(r) || typeof r.right === "string").toBe(true);
        }
      }),
      runs,
    );
  });

  it("renders text without actions to itself", () => {
    fc.assert(
      fc.property(anyString.filter((s) => !s.includes("{{")), (s) => {
        expect(render(s, image)).toBe(s);
      }),
      runs,
    );
  });
});
