/** Temporary directories for tests, removed when the test file is done. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/** A fresh directory under the system temp dir, removed after the test file's tests. */
export const tempDir = (label = "berth-test-"): string => {
  const dir = mkdtempSync(join(tmpdir(), label));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};
