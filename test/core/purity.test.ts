/**
 * The core is pure: it may import only fp-ts, io-ts and other files of core/,
 * and may not touch the clock, randomness, the environment or I/O.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const coreDir = join(root, "core");

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );

/** Strips comments and string contents so that prose cannot trip the checks. */
const code = (text: string): string =>
  text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:])\/\/.*$/gm, "$1")
    .replace(/`(?:\\.|[^`\\])*`/g, "``");

const forbiddenGlobals: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bprocess\b/, "process"],
  [/\bDeno\b/, "Deno"],
  [/\bfetch\s*\(/, "fetch()"],
  [/\bDate\.now\s*\(/, "Date.now()"],
  [/\bnew\s+Date\s*\(\s*\)/, "new Date()"],
  [/\bMath\.random\s*\(/, "Math.random()"],
  [/\brequire\s*\(/, "require()"],
  [/\bimport\s*\(/, "dynamic import()"],
  [/\bglobalThis\b/, "globalThis"],
  [/\bconsole\./, "console"],
  [/\b(?:setTimeout|setInterval|setImmediate|queueMicrotask)\s*\(/, "timers"],
  [/\bcrypto\./, "crypto"],
  [/\b(?:Buffer|XMLHttpRequest|WebSocket|performance)\b/, "host APIs"],
];

const importsOf = (text: string): string[] =>
  [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^;]*?from\s*["']([^"']+)["']/g), ...text.matchAll(/(?:^|\n)\s*import\s*["']([^"']+)["']/g)].map(
    (m) => m[1] ?? "",
  );

const allowedPackage = (spec: string): boolean => /^(?:fp-ts|io-ts)(?:\/|$)/.test(spec);

/** What is wrong with one core file, as readable lines. */
const violations = (file: string, text: string): string[] => {
  const where = relative(root, file);
  const bad: string[] = [];
  for (const spec of importsOf(text)) {
    if (spec.startsWith(".")) {
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(coreDir + "/")) bad.push(`${where}: imports ${spec}, outside core/`);
    } else if (!allowedPackage(spec)) bad.push(`${where}: imports ${spec}`);
  }
  const body = code(text);
  for (const [pattern, name] of forbiddenGlobals) if (pattern.test(body)) bad.push(`${where}: uses ${name}`);
  return bad;
};

describe("core purity", () => {
  const files = sourceFiles(coreDir);

  it("finds the core's files", () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it("imports only fp-ts, io-ts and core/, and touches no clock, randomness, environment or I/O", () => {
    expect(files.flatMap((f) => violations(f, readFileSync(f, "utf8")))).toEqual([]);
  });

  it("catches each kind of violation", () => {
    const f = join(coreDir, "x", "bad.ts");
    const cases = [
      'import { readFileSync } from "node:fs";',
      'import { x } from "../../adapters/fs/atomic.ts";',
      'import { request } from "undici";',
      "const t = Date.now();",
      "const r = Math.random();",
      "const h = process.env.HOME;",
      "const d = Deno.env.get('X');",
      "await fetch(u);",
      "const m = await import('./x.ts');",
      "console.log(1);",
    ];
    for (const c of cases) expect(violations(f, c).length).toBeGreaterThan(0);
    expect(violations(f, 'import * as E from "fp-ts/lib/Either.js";\n// process.env is not read here\n')).toEqual([]);
  });
});
