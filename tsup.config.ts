import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { defineConfig } from "tsup";

const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };

export default defineConfig({
  entry: { index: "index.ts", cli: "adapters/cli/main.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  dts: { entry: { index: "index.ts" } },
  clean: true,
  sourcemap: true,
  splitting: true,
  // Bundled so that start-up does not parse each CommonJS file of these packages on its own:
  // ~90 ms of every command. Their CommonJS code calls require(), which the banner provides.
  noExternal: [/^fp-ts/, /^io-ts/, "smol-toml", "tar-stream", "yaml", "tweetnacl"],
  banner: { js: 'import { createRequire as __berthRequire } from "node:module"; const require = __berthRequire(import.meta.url);' },
  define: { __BERTH_VERSION__: JSON.stringify(version) },
  // fp-ts and io-ts ship ES modules beside their CommonJS: bundled as modules they need no
  // CommonJS wrappers, whose export copying cost ~20 ms of every start, and unused code drops out.
  // The sources keep the CommonJS paths, which Deno and TypeScript resolve as they are.
  esbuildPlugins: [
    {
      name: "fp-ts-es6",
      setup(build) {
        build.onResolve({ filter: /^(fp-ts\/lib\/|io-ts$)/ }, (args) => ({
          path: createRequire(`${args.resolveDir}/`).resolve(args.path === "io-ts" ? "io-ts/es6/index.js" : args.path.replace("fp-ts/lib/", "fp-ts/es6/")),
        }));
      },
    },
  ],
});
