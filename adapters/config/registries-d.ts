import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { mergeRegistriesD, type RegistriesD } from "../../core/registries-d/index.ts";
import type { HostEnvironment } from "./environment.ts";
import { isReadError, readConfigText } from "./read.ts";

/**
 * The registries.d directory as containers/image picks it: `--registries.d
 * DIR`, else `~/.config/containers/registries.d` if it exists, else the
 * system's (`BERTH_SYSTEM_CONFIG_DIR` or `/etc/containers`).
 */
export const registriesDDir = async (host: HostEnvironment, given?: string): Promise<string> => {
  if (given !== undefined) return given;
  const user = join(host.home, ".config/containers/registries.d");
  if (await stat(user).then((s) => s.isDirectory(), () => false)) return user;
  const system = host.env["BERTH_SYSTEM_CONFIG_DIR"];
  return join(system === undefined || system === "" ? "/etc/containers" : system, "registries.d");
};

/** Reads and merges every `*.yaml` file of the directory (none, or no directory, is an empty configuration). */
export const loadRegistriesD = async (host: HostEnvironment, given?: string): Promise<E.Either<Failure, RegistriesD>> => {
  const dir = await registriesDDir(host, given);
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith(".yaml")).sort();
  const files: { path: string; document: unknown }[] = [];
  // Loaded only when there is a file to read: most commands find none, and the parser is large.
  const parseYaml = names.length === 0 ? undefined : (await import("./yaml.ts")).parseYaml;
  for (const name of names) {
    const path = join(dir, name);
    const text = await readConfigText(path);
    if (isReadError(text)) return E.left(text);
    if (text === undefined) continue;
    try {
      // Unique keys, and no alias expansion beyond a handful: these are small hand-written files.
      if (parseYaml === undefined) break;
      files.push({ path, document: parseYaml(text, { uniqueKeys: true, maxAliasCount: 10 }) as unknown });
    } catch (e) {
      return E.left(failure("INVALID_CONFIG", `${path}: ${(e as Error).message.split("\n")[0] ?? "invalid YAML"}`));
    }
  }
  return mergeRegistriesD(files);
};
