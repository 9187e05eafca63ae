/** Temporary directories for tests, removed when the test file is done. */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/** A fresh directory under the system temp dir, removed after the test file's tests. */
export const tempDir = (label = "berth-test-"): string => {
  const dir = mkdtempSync(join(tmpdir(), label));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** The names in a directory, or none when it does not exist (a store never written to has no blobs directory). */
export const listing = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);
