/**
 * Hostile layers: nothing may be written, linked or changed outside the
 * container root, whatever the tar says.
 */
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decompressed } from "../../../adapters/tar/compression.ts";
import { applyLayer } from "../../../adapters/store/unpack.ts";
import { makeTar, type TarEntry } from "../../tarballs.ts";
import { tempDir } from "../../tmp.ts";

const base = tempDir();
let n = 0;

/** A fresh root inside a parent that also holds a sentinel, so escapes are visible. */
const fresh = () => {
  const parent = join(base, `case${n++}`);
  const root = join(parent, "rootfs");
  mkdirSync(root, { recursive: true });
  writeFileSync(join(parent, "sentinel"), "outside");
  return { parent, root };
};

const diffId = (b: Buffer): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;
async function* chunks(b: Uint8Array): AsyncIterable<Uint8Array> {
  for (let i = 0; i < b.length; i += 4096) yield b.subarray(i, i + 4096);
}

const apply = async (root: string, entries: ReadonlyArray<TarEntry>, options: { diffId?: string; maxBytes?: number } = {}) => {
  const tar = await makeTar(entries);
  return applyLayer(root, chunks(tar), { diffId: options.diffId ?? diffId(tar), maxBytes: options.maxBytes ?? 1 << 30, chown: false });
};
const failsWith = async (p: Promise<unknown>): Promise<string> => p.then(() => "applied", (e: Error) => e.message);
const outsideUntouched = (parent: string) => expect(readdirSync(parent).sort()).toEqual(["rootfs", "sentinel"]);

describe("applying layers", () => {
  it("writes files, directories, symlinks and hardlinks with their modes", async () => {
    const { root } = fresh();
    const r = await apply(root, [
      { name: "bin/", type: "directory" },
      { name: "bin/tool", content: "#!x", mode: 0o755 },
      { name: "etc/conf", content: "a=1" },
      { name: "etc/link", type: "symlink", linkname: "conf" },
      { name: "bin/hard", type: "link", linkname: "bin/tool" },
    ]);
    expect(r.entries).toBe(5);
    expect(readFileSync(join(root, "etc/conf"), "utf8")).toBe("a=1");
    expect(lstatSync(join(root, "bin/tool")).mode & 0o777).toBe(0o755);
    expect(readlinkSync(join(root, "etc/link"))).toBe("conf");
    expect(lstatSync(join(root, "bin/hard")).ino).toBe(lstatSync(join(root, "bin/tool")).ino);
  });

  it("refuses .. that leaves the root", async () => {
    const { parent, root } = fresh();
    expect(await failsWith(apply(root, [{ name: "../escape", content: "x" }]))).toBe('layer entry "../escape" leaves the root with ".."');
    expect(await failsWith(apply(root, [{ name: "a/../../escape", content: "x" }]))).toMatch(/leaves the root/);
    outsideUntouched(parent);
  });

  it("keeps absolute paths and symlinked parents inside the root", async () => {
    const { parent, root } = fresh();
    await apply(root, [
      { name: "/abs/file", content: "abs" },
      { name: "toroot", type: "symlink", linkname: "/" },
      { name: "toroot/etc/owned", content: "inside" },
      { name: "up", type: "symlink", linkname: "../../../../.." },
      { name: "up/escaped", content: "inside too" },
      { name: "sentinel-link", type: "symlink", linkname: "../sentinel" },
    ]);
    expect(readFileSync(join(root, "abs/file"), "utf8")).toBe("abs");
    expect(readFileSync(join(root, "etc/owned"), "utf8")).toBe("inside");
    expect(readFileSync(join(root, "escaped"), "utf8")).toBe("inside too");
    expect(readFileSync(join(parent, "sentinel"), "utf8")).toBe("outside");
    outsideUntouched(parent);
  });

  it("replaces a symlink with a file instead of writing through it", async () => {
    const { parent, root } = fresh();
    await apply(root, [{ name: "trap", type: "symlink", linkname: "../sentinel" }]);
    await apply(root, [{ name: "trap", content: "replaced" }]);
    expect(lstatSync(join(root, "trap")).isFile()).toBe(true);
    expect(readFileSync(join(parent, "sentinel"), "utf8")).toBe("outside");
  });

  it("refuses hardlinks to anything that is not a file in the root", async () => {
    const { parent, root } = fresh();
    expect(await failsWith(apply(root, [{ name: "shadow", type: "link", linkname: "/etc/passwd" }]))).toBe(
      'layer entry "shadow" hardlinks to "/etc/passwd", which is not a file in this root',
    );
    expect(await failsWith(apply(root, [{ name: "x", type: "link", linkname: "../sentinel" }]))).toMatch(/leaves the root/);
    expect(await failsWith(apply(root, [{ name: "sl", type: "symlink", linkname: "/etc/hostname" }, { name: "hl", type: "link", linkname: "sl" }]))).toMatch(
      /hardlinks to "sl", which is not a file/,
    );
    outsideUntouched(parent);
  });

  it("refuses a symlink at the root itself, and symlink loops", async () => {
    const { root } = fresh();
    expect(await failsWith(apply(root, [{ name: "./", type: "symlink", linkname: "/etc" }]))).toBe('layer entry "./" would replace the root itself');
    expect(await failsWith(apply(root, [{ name: "a", type: "symlink", linkname: "b" }, { name: "b", type: "symlink", linkname: "a" }, { name: "a/x", content: "x" }]))).toMatch(
      /too many levels of symbolic links/,
    );
  });

  it("applies whiteouts and opaque directories over lower layers", async () => {
    const { root } = fresh();
    await apply(root, [
      { name: "a/keep", content: "1" },
      { name: "a/gone", content: "2" },
      { name: "o/old1", content: "3" },
      { name: "o/old2", content: "4" },
    ]);
    await apply(root, [
      { name: "a/.wh.gone", content: "" },
      { name: "o/new", content: "5" },
      { name: "o/.wh..wh..opq", content: "" },
    ]);
    expect(readdirSync(join(root, "a"))).toEqual(["keep"]);
    expect(readdirSync(join(root, "o"))).toEqual(["new"]);
  });

  it("skips device nodes", async () => {
    const { root } = fresh();
    const r = await apply(root, [{ name: "dev/null", type: "character-device" }]);
    expect(r.skipped).toEqual(["dev/null"]);
    expect(existsSync(join(root, "dev/null"))).toBe(false);
  });

  it("refuses content that does not match the diff_id", async () => {
    const { root } = fresh();
    expect(await failsWith(apply(root, [{ name: "f", content: "x" }], { diffId: `sha256:${"0".repeat(64)}` }))).toMatch(
      new RegExp(`^layer content has diff_id sha256:[a-f0-9]{64}, the image config says sha256:${"0".repeat(64)}$`),
    );
  });

  it("stops a gzip bomb at the size cap with a clear error", async () => {
    const { root } = fresh();
    const tar = await makeTar([{ name: "zeros", content: new Uint8Array(64 << 20) }]);
    const bomb = gzipSync(tar);
    expect(bomb.length).toBeLessThan(1 << 20);
    const { stream } = await decompressed(chunks(bomb));
    const r = await failsWith(applyLayer(root, stream, { diffId: diffId(tar), maxBytes: 8 << 20, chown: false }));
    expect(r).toBe(`layer ${diffId(tar)} is larger than ${8 << 20} bytes uncompressed (a compression bomb?)`);
  });
});
