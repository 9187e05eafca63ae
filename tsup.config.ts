import { readFileSync } from "node:fs";
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
  noExternal: [/^fp-ts/, /^io-ts/, "smol-toml", "tar-stream", /^undici/, "yaml", "tweetnacl"],
  banner: { js: 'import { createRequire as __berthRequire } from "node:module"; const require = __berthRequire(import.meta.url);' },
  define: { __BERTH_VERSION__: JSON.stringify(version) },
});
