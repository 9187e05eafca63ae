import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * CA certificates from a directory, as `--cert-dir` and containers-certs.d(5)
 * give them: every `*.crt` file is a CA bundle (client `*.cert`/`*.key` pairs
 * are not used yet).
 */
export const readCertDir = async (dir: string): Promise<ReadonlyArray<string>> => {
  const names = await readdir(dir).catch(() => [] as string[]);
  return Promise.all(
    names
      .filter((n) => n.endsWith(".crt"))
      .sort()
      .map((n) => readFile(join(dir, n), "utf8")),
  );
};
