/** Command-line parsing: strict flags, and Go's `--flag=false` spellings of boolean flags as podman and skopeo take them. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCommandArgs, type OptionSpecs } from "../../../adapters/cli/args.ts";

const options: OptionSpecs = { human: { type: "boolean", short: "H" }, all: { type: "boolean", short: "a" }, format: { type: "string", short: "f" }, tag: { type: "string", multiple: true } };
const parsed = (...args: string[]) => parseCommandArgs(args, options);

describe("parseCommandArgs", () => {
  it("takes --flag, --flag=true and --flag=false, the last one spelled winning", () => {
    expect(parsed("--human=false", "x")).toEqual({ ok: true, values: { human: false }, positionals: ["x"] });
    expect(parsed("-H=false")).toEqual({ ok: true, values: { human: false }, positionals: [] });
    expect(parsed("--human=true")).toEqual({ ok: true, values: { human: true }, positionals: [] });
    expect(parsed("--human=0", "--human")).toEqual({ ok: true, values: { human: true }, positionals: [] });
    expect(parsed("--all", "--all=False")).toEqual({ ok: true, values: { all: false }, positionals: [] });
    expect(parsed("-aH")).toEqual({ ok: true, values: { all: true, human: true }, positionals: [] });
  });

  it("leaves the values of string flags and everything after -- alone", () => {
    expect(parsed("--format", "table", "--human=false", "x")).toEqual({ ok: true, values: { format: "table", human: false }, positionals: ["x"] });
    expect(parsed("-f", "{{.ID}}", "--all=false")).toEqual({ ok: true, values: { format: "{{.ID}}", all: false }, positionals: [] });
    expect(parsed("--", "--human=false")).toEqual({ ok: true, values: {}, positionals: ["--human=false"] });
    expect(parsed("--tag=a", "--tag", "b")).toEqual({ ok: true, values: { tag: ["a", "b"] }, positionals: [] });
  });

  it("refuses what is not a flag of the command, or a boolean that is not one", () => {
    expect(parsed("--frobnicate")).toEqual({ ok: false, message: "unknown flag: --frobnicate" });
    expect(parsed("--human=maybe").ok).toBe(false);
    expect(parsed("--format").ok).toBe(false);
  });

  it("never throws, whatever the arguments", () => {
    const token = fc.oneof(fc.string(), fc.constantFrom("--human", "--human=false", "-H", "-H=t", "--format", "-f", "--", "--tag", "--all=1", "-aH"));
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), (args) => {
        const r = parseCommandArgs(args, options);
        expect(typeof r.ok).toBe("boolean");
      }),
    );
  });
});

describe("parseCommandArgs with flags first", () => {
  it("takes everything from the first positional on as positionals, as podman's create", () => {
    expect(parseCommandArgs(["--all", "img", "/bin/sh", "-c", "--human=false"], options, true)).toEqual({ ok: true, values: { all: true }, positionals: ["img", "/bin/sh", "-c", "--human=false"] });
    expect(parseCommandArgs(["-f", "x", "img", "-a"], options, true)).toEqual({ ok: true, values: { format: "x" }, positionals: ["img", "-a"] });
    expect(parseCommandArgs(["img", "-a"], options, false)).toEqual({ ok: true, values: { all: true }, positionals: ["img"] });
  });
});
