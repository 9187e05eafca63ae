import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { berth } from "./berth.ts";

const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

describe("berth binary", () => {
  it("prints help and exits 0", () => {
    const r = berth(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^berth: a daemonless container-image toolkit/);
    expect(r.stdout).toMatch(/Usage:\n {2}berth \[global options\] COMMAND/);
    expect(r.stderr).toBe("");
  });

  it("prints its version from package.json", () => {
    for (const flag of ["--version", "-v", "version"]) {
      const r = berth([flag]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`berth version ${version}\n`);
    }
  });

  it("refuses an unknown command with exit 125, one error line and the help hint", () => {
    const r = berth(["frobnicate"]);
    expect(r.status).toBe(125);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("Error: unrecognized command `berth frobnicate`\nTry 'berth --help' for more information.\n");
  });

  it("refuses an unknown flag with exit 125", () => {
    const r = berth(["--frobnicate"]);
    expect(r.status).toBe(125);
    expect(r.stderr.split("\n")[0]).toBe("Error: unknown flag: --frobnicate");
  });
});
