/**
 * Starts the real distribution registry (Debian's `docker-registry`) on a
 * free loopback port with a temp config and data directory, for one test
 * file, and stops it afterwards.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** A running registry. */
export interface Registry {
  /** `127.0.0.1:PORT` */
  readonly host: string;
  readonly stop: () => Promise<void>;
}

/** A port nothing listens on right now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      s.close(() => resolve(port));
    });
  });

/** Starts a registry under `dir`; extra YAML (auth, TLS) is appended to its config. */
export const startRegistry = async (dir: string, extraConfig = ""): Promise<Registry> => {
  mkdirSync(join(dir, "data"), { recursive: true });
  const port = await freePort();
  const config = join(dir, "config.yml");
  writeFileSync(
    config,
    [
      "version: 0.1",
      "log:",
      "  level: error",
      "  accesslog:",
      "    disabled: true",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${join(dir, "data")}`,
      "  delete:",
      "    enabled: true",
      "http:",
      `  addr: 127.0.0.1:${port}`,
      extraConfig,
    ].join("\n"),
  );
  const child: ChildProcess = spawn("docker-registry", ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const host = `127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr}`);
    // A TLS registry answers plain HTTP with 400; any answer means it is up.
    const up = await fetch(`http://${host}/v2/`).then(
      (r) => r.status === 200 || r.status === 401 || r.status === 400,
      () => false,
    );
    if (up) break;
    await sleep(100);
  }
  return {
    host,
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.on("close", r)));
    },
  };
};
