import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tarFileWriter } from "../../../adapters/tar/file-writer.ts";
import { indexTar } from "../../../adapters/tar/index.ts";
import { tempDir } from "../../tmp.ts";

const dir = tempDir();

async function* chunks(text: string, size: number): AsyncIterable<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) {
    await new Promise((r) => setTimeout(r, 1));
    yield bytes.subarray(i, i + size);
  }
}

describe("writing a tar in one pass", () => {
  it("names streamed entries at their end and keeps concurrent writers apart", async () => {
    const path = join(dir, "one.tar");
    const tar = await tarFileWriter(path);
    const a = "a".repeat(700_000);
    const b = "b".repeat(1000);
    const sizes = await Promise.all([tar.addStream(chunks(a, 70_000), () => "named-late-a"), tar.addStream(chunks(b, 7), () => "named-late-b")]);
    await tar.addBytes("small.json", new TextEncoder().encode("{}"));
    await tar.finish();
    expect(sizes).toEqual([a.length, b.length]);
    const listed = spawnSync("tar", ["tf", path], { encoding: "utf8" });
    expect([listed.status, listed.stdout]).toEqual([0, "named-late-a\nnamed-late-b\nsmall.json\n"]);
    const entries = await indexTar(path);
    const bytes = readFileSync(path);
    const at = entries.get("named-late-b");
    expect(at !== undefined && bytes.subarray(at.offset, at.offset + at.size).toString()).toBe(b);
    expect(spawnSync("tar", ["xOf", path, "named-late-a"], { encoding: "utf8", maxBuffer: 1 << 22 }).stdout).toBe(a);
  });

  it("refuses a name the format cannot hold", async () => {
    const tar = await tarFileWriter(join(dir, "long.tar"));
    await expect(tar.addBytes("x".repeat(101), new Uint8Array(1))).rejects.toThrow("tar entry name longer than 100 bytes");
    await tar.abort();
  });
});
