import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { removeFile } from "../../../adapters/fs/remove-file.ts";
import { tempDir } from "../../tmp.ts";

describe("removeFile", () => {
  it("removes a file, is content when there is none, and refuses a directory", async () => {
    const dir = tempDir();
    const file = join(dir, "f");
    writeFileSync(file, "x");
    await removeFile(file);
    expect(existsSync(file)).toBe(false);
    await expect(removeFile(file)).resolves.toBeUndefined();
    const sub = join(dir, "d");
    mkdirSync(sub);
    await expect(removeFile(sub)).rejects.toMatchObject({ code: expect.stringMatching(/^(EISDIR|EPERM)$/) });
    expect(existsSync(sub)).toBe(true);
  });
});
