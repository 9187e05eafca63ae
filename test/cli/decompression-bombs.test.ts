/**
 * A layer that decompresses to more than the cap (`BERTH_MAX_LAYER_BYTES`) is
 * refused in one line wherever berth decompresses a layer: `create`
 * unpacking it, `save` writing it into a docker archive, and a copy that
 * changes its compression. zstd bombs are refused as gzip bombs are, and
 * nothing is left behind.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeLayout } from "../layouts.ts";
import { makeTar } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir();
const cap = 8 << 20;
const env = { BERTH_ROOT: join(root, "store"), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc"), BERTH_MAX_LAYER_BYTES: String(cap) };
const b = (...args: string[]) => berth(args, { env });
const layout = join(root, "layout");
const bomb = /^Error: .*expands to more than 8388608 bytes \(a decompression bomb\?\)\n$/;

beforeAll(async () => {
  // 64 MiB of zeros: a few KiB compressed, eight times the cap unpacked.
  const tar = await makeTar([{ name: "zeros", content: new Uint8Array(64 << 20) }]);
  writeLayout(layout, [
    { name: "zstd", layers: [tar], zstd: true },
    { name: "gzip", layers: [tar], gzip: true },
  ]);
  for (const format of ["zstd", "gzip"]) expect(b("copy", "-q", `oci:${layout}:${format}`, `store:${format}-bomb`).status).toBe(0);
}, 60_000);

describe.each(["zstd", "gzip"])("a %s bomb", (format) => {
  it("is not unpacked by create", () => {
    const r = b("create", `${format}-bomb`);
    expect([r.status, r.stdout]).toEqual([125, ""]);
    expect(r.stderr).toMatch(/^Error: creating a container from [0-9a-f]{12}: layer sha256:[0-9a-f]{64} is larger than 8388608 bytes uncompressed \(a compression bomb\?\)\n$/);
    expect(b("ps", "-a", "-q").stdout).toBe("");
  });

  it("is not saved into a docker archive", () => {
    const out = join(root, `${format}.tar`);
    const r = b("save", "-o", out, `${format}-bomb`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(bomb);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((n) => n.includes(".tmp"))).toEqual([]);
  });

  it("is not decompressed by a copy", () => {
    const out = join(root, `${format}-dir`);
    const r = b("copy", "-q", "--dest-decompress", `oci:${layout}:${format}`, `dir:${out}`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(bomb);
    expect(existsSync(join(out, "manifest.json"))).toBe(false);
  });

  it("is not recompressed by a copy either", () => {
    const other = format === "zstd" ? "gzip" : "zstd";
    const out = join(root, `${format}-as-${other}`);
    const r = b("copy", "-q", "--dest-compress-format", other, `oci:${layout}:${format}`, `oci:${out}:x`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(bomb);
    expect(existsSync(join(out, "index.json"))).toBe(false);
  });
});
