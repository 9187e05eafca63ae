import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { HostEnvironment } from "../config/environment.ts";

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

/**
 * Where containers-certs.d(5) keeps a registry's certificates, most specific
 * first: the user's `~/.config/containers/certs.d/HOST[:PORT]`, the system's
 * (`BERTH_SYSTEM_CONFIG_DIR` or `/etc/containers`), then Docker's `/etc/docker/certs.d`.
 */
export const certsDirs = (host: HostEnvironment, registry: string): ReadonlyArray<string> => {
  const system = host.env["BERTH_SYSTEM_CONFIG_DIR"];
  return [
    join(host.home, ".config/containers/certs.d", registry),
    join(system === undefined || system === "" ? "/etc/containers" : system, "certs.d", registry),
    ...(system === undefined || system === "" ? [join("/etc/docker/certs.d", registry)] : []),
  ];
};

/**
 * The extra CAs for one registry: `--cert-dir` when given (for every
 * registry, as podman applies it), else the first certs.d directory that
 * exists for that host, as containers/image picks it.
 */
export const registryCas =
  (host: HostEnvironment, certDir: string | undefined) =>
  async (registry: string): Promise<ReadonlyArray<string>> => {
    if (certDir !== undefined) return readCertDir(certDir);
    // Registry names are validated host[:port]; a name with a path separator never reaches here, but never join one.
    if (registry.includes("/") || registry.includes("..")) return [];
    for (const dir of certsDirs(host, registry)) {
      if (await stat(dir).then((s) => s.isDirectory(), () => false)) return readCertDir(dir);
    }
    return [];
  };
