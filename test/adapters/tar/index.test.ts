import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
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
