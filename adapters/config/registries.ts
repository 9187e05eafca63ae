import { readdir } from "node:fs/promises";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import {
  decodeAliasCache,
  emptyRegistriesConfig,
  loadRegistriesConfig,
  type AliasCache,
  type LoadedRegistries,
  type SourceDocument,
} from "../../core/registries/index.ts";
import type { HostEnvironment } from "./environment.ts";
import { stringify } from "smol-toml";
import { writeFileAtomic } from "../fs/atomic.ts";
import { isReadError, parseTomlText, readConfigText } from "./read.ts";

/** Where to look for registries.conf, beyond the environment. */
export interface RegistriesConfOptions {
  /** `--registries-conf FILE`: must exist. */
  readonly file?: string;
  /** The system directory: else `BERTH_SYSTEM_CONFIG_DIR`, else `/etc/containers` (like containers/image's root for implicit paths). */
  readonly systemDir?: string;
  /** The alias cache file, instead of the default for the user. */
  readonly aliasCacheFile?: string;
}

/** Which files make up the configuration, in reading order. */
export interface RegistriesFiles {
  readonly primary: string;
  /** An explicitly named file must exist; a default one may be missing. */
  readonly primaryRequired: boolean;
  readonly dropInDirs: ReadonlyArray<string>;
}

const nonEmpty = (s: string | undefined): string | undefined => (s === undefined || s === "" ? undefined : s);

/**
 * podman's choice of files: an explicit file (`--registries-conf`,
 * `CONTAINERS_REGISTRIES_CONF`, the seed's `REGISTRIES_CONFIG_PATH`) with the
 * system and user drop-in directories; else the user's own registries.conf
 * with only the user drop-ins; else the system file and both drop-in directories.
 */
export const registriesFiles = async (host: HostEnvironment, options: RegistriesConfOptions = {}): Promise<RegistriesFiles> => {
  const systemDir = options.systemDir ?? nonEmpty(host.env["BERTH_SYSTEM_CONFIG_DIR"]) ?? "/etc/containers";
  const userFile = join(host.home, ".config/containers/registries.conf");
  const userDropIns = join(host.home, ".config/containers/registries.conf.d");
  const systemDropIns = join(systemDir, "registries.conf.d");
  const explicit = nonEmpty(options.file) ?? nonEmpty(host.env["CONTAINERS_REGISTRIES_CONF"]) ?? nonEmpty(host.env["REGISTRIES_CONFIG_PATH"]);
  if (explicit !== undefined) return { primary: explicit, primaryRequired: true, dropInDirs: [systemDropIns, userDropIns] };
  if ((await readConfigText(userFile)) !== undefined) return { primary: userFile, primaryRequired: false, dropInDirs: [userDropIns] };
  return { primary: join(systemDir, "registries.conf"), primaryRequired: false, dropInDirs: [systemDropIns, userDropIns] };
};

const dropInFiles = async (dir: string): Promise<string[]> => {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith(".conf"))
      .map((e) => e.name)
      .sort()
      .map((n) => join(dir, n));
  } catch {
    return [];
  }
};

const readToml = async (path: string, required: boolean): Promise<E.Either<Failure, SourceDocument | undefined>> => {
  const text = await readConfigText(path);
  if (text === undefined) {
    return required ? E.left(failure("CONFIG_NOT_FOUND", `${path}: registries configuration file not found`)) : E.right(undefined);
  }
  if (isReadError(text)) return E.left(text);
  const value = parseTomlText(path, text);
  return isReadError(value) ? E.left(value) : E.right({ file: path, value });
};

/** Reads, validates and merges every registries.conf file that applies. Nothing of a bad set is used. */
export const loadRegistries = async (host: HostEnvironment, options: RegistriesConfOptions = {}): Promise<E.Either<Failure, LoadedRegistries>> => {
  const files = await registriesFiles(host, options);
  const paths = [files.primary, ...(await Promise.all(files.dropInDirs.map(dropInFiles))).flat()];
  // Read at once, judged in order: the first problem is the one reported.
  const read = await Promise.all(paths.map((path, i) => readToml(path, i === 0 && files.primaryRequired)));
  const docs: SourceDocument[] = [];
  for (const doc of read) {
    if (E.isLeft(doc)) return doc;
    if (doc.right !== undefined) docs.push(doc.right);
  }
  return docs.length === 0
    ? E.right({ config: emptyRegistriesConfig(files.primary), warnings: [] })
    : loadRegistriesConfig(files.primary)(docs);
};

/** The machine-written alias cache's path: `/var/cache/containers/…` for root, the user's cache directory otherwise. */
export const aliasCachePath = (host: HostEnvironment, options: RegistriesConfOptions = {}): string =>
  options.aliasCacheFile ??
  (host.uid === 0
    ? "/var/cache/containers/short-name-aliases.conf"
    : join(nonEmpty(host.env["XDG_CACHE_HOME"]) ?? join(host.home, ".cache"), "containers/short-name-aliases.conf"));

/** Reads the alias cache; a missing file is an empty cache. */
export const loadAliasCache = async (host: HostEnvironment, options: RegistriesConfOptions = {}): Promise<E.Either<Failure, AliasCache>> => {
  const path = aliasCachePath(host, options);
  const doc = await readToml(path, false);
  if (E.isLeft(doc)) return doc;
  return doc.right === undefined ? E.right({ file: path, aliases: {} }) : decodeAliasCache(path)(doc.right.value);
};

/**
 * Records `shortName` → `repository` in the alias cache, as podman does after
 * a pull whose candidate a person chose. Other aliases are kept.
 */
export const recordAlias = async (
  host: HostEnvironment,
  shortName: string,
  repository: string,
  options: RegistriesConfOptions = {},
): Promise<E.Either<Failure, AliasCache>> => {
  const current = await loadAliasCache(host, options);
  if (E.isLeft(current)) return current;
  const aliases = { ...current.right.aliases, [shortName]: repository };
  try {
    await writeFileAtomic(current.right.file, stringify({ aliases }) + "\n");
    return E.right({ file: current.right.file, aliases });
  } catch (e) {
    return E.left(failure("CONFIG_WRITE", `${current.right.file}: ${(e as Error).message}`));
  }
};
