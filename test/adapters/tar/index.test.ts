import { readFileSync, statSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import * as E from "fp-ts/lib/Either.js";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plainTar } from "../../../adapters/tar/archive-file.ts";
import { cleanEntryName, indexTar } from "../../../adapters/tar/index.ts";
import { makeTar } from "../../tarballs.ts";
import { tempDir } from "../../tmp.ts";

const dir = tempDir();
let n = 0;
const file = (bytes: Uint8Array): string => {
  const p = join(dir, `t${n++}.tar`);
  writeFileSync(p, bytes);
  return p;
};

describe("indexing a tar in place", () => {
  it("finds regular files by clean name, with offsets that read back their bytes", async () => {
    const tar = await makeTar([{ name: "./a/b.txt", content: "hello" }, { name: "dir/", type: "directory" }, { name: "x".repeat(150), content: "long" }]);
    const entries = await indexTar(file(tar));
    expect([...entries.keys()]).toEqual(["a/b.txt", "x".repeat(150)]);
    const at = entries.get("a/b.txt");
    expect(at !== undefined && tar.subarray(at.offset, at.offset + at.size).toString()).toBe("hello");
  });

  it("leaves out names that leave the archive", () => {
    expect(cleanEntryName("../x")).toBeUndefined();
    expect(cleanEntryName("/etc/passwd")).toBeUndefined();
    expect(cleanEntryName("a/../../b")).toBeUndefined();
    expect(cleanEntryName("./a//b/")).toBe("a/b");
  });

  it("never fails other than with a one-line error on arbitrary bytes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        try {
          const entries = await indexTar(file(bytes));
          expect(entries instanceof Map).toBe(true);
        } catch (e) {
          expect(e instanceof Error && !e.message.includes("\n")).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("decompressing an archive", () => {
  it("stops a gzip bomb at the cap, leaving no copy behind", async () => {
    const bomb = file(gzipSync(Buffer.alloc(64 * 1024 * 1024)));
    const r = await plainTar(bomb, "test", 1024 * 1024);
    expect(E.isLeft(r) && r.left.message).toBe(`${bomb}: decompressing: expands to more than ${Math.max(1024 * 1024, statSync(bomb).size * 200)} bytes (a decompression bomb?)`);
  });

  it("gives a plain archive back as it is, and a gzip one as a readable copy", async () => {
    const tar = await makeTar([{ name: "a", content: "x" }]);
    const plain = file(tar);
    const same = await plainTar(plain, "test");
    expect(E.isRight(same) && same.right.path).toBe(plain);
    const zipped = await plainTar(file(gzipSync(tar)), "test");
    expect(E.isRight(zipped) && readFileSync(zipped.right.path).equals(tar)).toBe(true);
    if (E.isRight(zipped)) await zipped.right.release();
  });
});
