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
  define: { __BERTH_VERSION__: JSON.stringify(version) },
});
