/**
 * Layers by rank: an import may only point at a rank at or below its own.
 * core ← I/O adapters (fs, http, tar, store, config, signature crypto) ←
 * plugins ← the copy engine and the library ← the CLI; and the CLI uses only
 * the library, its own helpers and core.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The ranks, lowest first; a path belongs to the first whose pattern matches. */
const ranks: ReadonlyArray<readonly [string, RegExp]> = [
  ["core", /^core\//],
  ["I/O adapters", /^adapters\/(?:bytes|fs|http|tar|store|config|signature)\/|^adapters\/platform\.ts$/],
  ["plugins", /^plugins\//],
  ["engine and library", /^adapters\/(?:copy|api)\/|^index\.ts$/],
  ["CLI", /^adapters\/cli\//],
];

const rankOf = (path: string): number | undefined => {
  const i = ranks.findIndex(([, re]) => re.test(path));
  return i === -1 ? undefined : i;
};

/** What the CLI may import besides itself: the library and core. */
const cliMayUse = /^(?:adapters\/(?:api|cli)\/|core\/)/;

const sourceFiles = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );

const relativeImports = (text: string): string[] =>
  [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^;]*?from\s*["'](\.[^"']+)["']/g), ...text.matchAll(/\bimport\s*\(\s*["'](\.[^"']+)["']\s*\)/g)].map((m) => m[1] ?? "");

/** Every arrow that points the wrong way in `file` (a path relative to the project). */
export const wrongArrows = (file: string, text: string): string[] => {
  const from = rankOf(file);
  if (from === undefined) return [];
  const out: string[] = [];
  for (const spec of relativeImports(text)) {
    const target = normalize(join(dirname(file), spec));
    const to = rankOf(target);
    if (to !== undefined && to > from) out.push(`${file} (${ranks[from]?.[0]}) imports ${target} (${ranks[to]?.[0]})`);
    else if (ranks[from]?.[0] === "CLI" && !cliMayUse.test(target)) out.push(`${file} (CLI) imports ${target}: the CLI calls the library`);
  }
  return out;
};

describe("layers by rank", () => {
  it("has no import that points up a rank, and a CLI that goes through the library", () => {
    const files = [...["core", "adapters", "plugins"].flatMap(sourceFiles), "index.ts"];
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap((f) => wrongArrows(relative(root, join(root, f)), readFileSync(join(root, f), "utf8")))).toEqual([]);
  });

  it("catches each kind of wrong arrow", () => {
    expect(wrongArrows("core/a.ts", 'import { x } from "../adapters/fs/atomic.ts";')).toHaveLength(1);
    expect(wrongArrows("adapters/signature/a.ts", 'import type { R } from "../../plugins/docker/registry.ts";')).toHaveLength(1);
    expect(wrongArrows("plugins/dir/a.ts", 'export { y } from "../../adapters/api/berth.ts";')).toHaveLength(1);
    expect(wrongArrows("adapters/api/a.ts", 'const m = await import("../cli/run.ts");')).toHaveLength(1);
    expect(wrongArrows("adapters/cli/commands/a.ts", 'import { readState } from "../../store/store.ts";')).toHaveLength(1);
    expect(wrongArrows("adapters/cli/commands/a.ts", 'import { openBerth } from "../../api/berth.ts";\nimport { x } from "../../../core/store/index.ts";')).toEqual([]);
    expect(wrongArrows("plugins/dir/a.ts", 'import { x } from "../../adapters/store/blobs.ts";')).toEqual([]);
  });
});
