import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { defineConfig, type Options } from "tsup";

const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };

/**
 * fp-ts and io-ts ship ES modules beside their CommonJS: bundled as modules they need no
 * CommonJS wrappers, whose export copying cost ~20 ms of every start, and unused code drops out.
 * The sources keep the CommonJS paths, which Deno and TypeScript resolve as they are.
 */
const fpTsModules: NonNullable<Options["esbuildPlugins"]>[number] = {
  name: "fp-ts-es6",
  setup(build) {
    build.onResolve({ filter: /^(fp-ts\/lib\/|io-ts$)/ }, (args) => ({
      path: createRequire(`${args.resolveDir}/`).resolve(args.path === "io-ts" ? "io-ts/es6/index.js" : args.path.replace("fp-ts/lib/", "fp-ts/es6/")),
    }));
  },
};

/** The function the command line's bundle is built inside: what the launcher calls with CommonJS's five arguments. */
const bundleWrapper = { head: "(function (exports, require, module, __filename, __dirname) {", tail: "})" };

const common: Options = {
  target: "node20",
  platform: "node",
  sourcemap: true,
  // Bundled so that start-up does not parse each CommonJS file of these packages on its own.
  noExternal: [/^fp-ts/, /^io-ts/, "smol-toml", "tar-stream", "yaml", "tweetnacl", "fzstd"],
  define: { __BERTH_VERSION__: JSON.stringify(version) },
  esbuildPlugins: [fpTsModules],
};

export default defineConfig([
  // The library: ES modules, split so that what a program does not call is not loaded.
  {
    ...common,
    entry: { index: "index.ts" },
    format: ["esm"],
    dts: { entry: { index: "index.ts" } },
    splitting: true,
    // Their CommonJS code calls require(), which the banner provides.
    banner: { js: 'import { createRequire as __berthRequire } from "node:module"; const require = __berthRequire(import.meta.url);' },
  },
  // The command line: one CommonJS file, so that the launcher can compile it through V8's code cache
  // (commands still load lazily: esbuild keeps each dynamic import as code run on first use).
  {
    ...common,
    entry: { "cli-main": "adapters/cli/main.ts" },
    format: ["cjs"],
    outExtension: () => ({ js: ".cjs" }),
    splitting: false,
    // Every start reads the whole file (each fresh page costs here): the YAML parser, which few commands
    // need, is required from node_modules when it is, and the code is written without
    // whitespace (names are kept, for stack traces) in ASCII, which the launcher reads as Latin-1.
    noExternal: [/^fp-ts/, /^io-ts/, "smol-toml", "tar-stream", "tweetnacl", "fzstd"],
    external: ["yaml"],
    minifyWhitespace: true,
    minifySyntax: true,
    // Wrapped as Node wraps a CommonJS module, here rather than by the launcher: a wrapper added
    // at run time makes V8 copy the whole text into one string before compiling it (~3 ms, 235 page faults).
    banner: { js: bundleWrapper.head },
    footer: { js: bundleWrapper.tail },
    esbuildOptions: (o) => {
      o.charset = "ascii";
    },
  },
  // The executable: a few lines of CommonJS that load the one above.
  {
    ...common,
    entry: { cli: "adapters/cli/launcher.ts" },
    format: ["cjs"],
    outExtension: () => ({ js: ".cjs" }),
    splitting: false,
    sourcemap: false,
  },
]);
