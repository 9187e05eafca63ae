import * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../../core/failure.ts";
import type { RegistriesConfig } from "../../core/registries/index.ts";
import { imageLookup, type ImageLookup } from "../../core/store/index.ts";
import { hostEnvironment, type HostEnvironment } from "../config/environment.ts";
import { loadAliasCache, loadRegistries } from "../config/registries.ts";
import { storeRoot } from "../store/root.ts";
import { openStore, type Store } from "../store/store.ts";
import type { GlobalOptions } from "./command.ts";
import { exitCodes, type ExitCode } from "./exit-codes.ts";
import type { CliIO } from "./io.ts";

/** What a store command works with. */
export interface Session {
  readonly host: HostEnvironment;
  readonly store: Store;
  readonly config: RegistriesConfig;
  readonly lookup: ImageLookup;
}

/** Prints a failure as podman does (`Error: …`) and returns its exit code. */
export const report = (io: CliIO, f: Failure, code: ExitCode = exitCodes.failure): ExitCode => {
  io.stderr(`Error: ${f.message}\n`);
  return code;
};

/** Opens the store and reads registries.conf for name lookup; prints the problem when it cannot. */
export const openSession = async (io: CliIO, globals: GlobalOptions): Promise<Session | ExitCode> => {
  const host = hostEnvironment();
  const options = globals.registriesConf === undefined ? {} : { file: globals.registriesConf };
  const loaded = await loadRegistries(host, options);
  if (E.isLeft(loaded)) return report(io, loaded.left);
  for (const w of loaded.right.warnings) io.stderr(`Warning: ${w}\n`);
  const cache = await loadAliasCache(host, options);
  if (E.isLeft(cache)) return report(io, cache.left);
  const store = await openStore(storeRoot(host, globals.root));
  if (E.isLeft(store)) return report(io, store.left);
  return { host, store: store.right, config: loaded.right.config, lookup: imageLookup(loaded.right.config, cache.right) };
};

/** Whether `openSession` gave an exit code instead of a session. */
export const failed = (s: Session | ExitCode): s is ExitCode => typeof s === "number";
