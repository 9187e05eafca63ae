/** The distribution registry on a free loopback port, for the benchmarks. */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

/** Starts `docker-registry` storing under `dir`; `stop` ends it. */
export const startBenchRegistry = async (dir: string): Promise<{ host: string; stop: () => void }> => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a !== null ? a.port : 0));
    });
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "registry.yml"),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "registry")}\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  const registry = spawn("docker-registry", ["serve", join(dir, "registry.yml")], { stdio: "ignore" });
  const host = `127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await fetch(`http://${host}/v2/`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { host, stop: () => void registry.kill() };
};
