import * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../../core/failure.ts";
import type { RegistriesConfig } from "../../core/registries/index.ts";
import { imageLookup, type ImageLookup } from "../../core/store/index.ts";
import { hostEnvironment, type HostEnvironment } from "../config/environment.ts";
import { loadAliasCache, loadRegistries } from "../config/registries.ts";
import { defaultTimeouts, timeoutsOf, type NetworkTimeouts } from "../http/timeouts.ts";
import { storeRoot } from "../store/root.ts";
import { openStore, type Store } from "../store/store.ts";

/** What every operation works with: the process's situation, the store, registries.conf, and name lookup. */
export interface Session {
  readonly host: HostEnvironment;
  readonly store: Store;
  readonly config: RegistriesConfig;
  readonly lookup: ImageLookup;
  /** How long registry conversations wait without progress. */
  readonly timeouts: NetworkTimeouts;
}

/** Where the store and registries.conf are; unset means as podman finds them. */
export interface SessionOptions {
  /** The store (default `$BERTH_ROOT`, else `~/.local/share/berth`). */
  readonly root?: string;
  /** One registries.conf instead of the usual search. */
  readonly registriesConf?: string;
  /** The environment to read (default the process's). */
  readonly host?: HostEnvironment;
  /** Milliseconds a registry may stay silent (no connection, no answer, no bytes) before a request fails and is retried (unset: 10 s to connect, 30 s for the rest). */
  readonly networkTimeoutMs?: number;
}

/** The timeouts a session's network timeout means. */
export const sessionTimeouts = (networkTimeoutMs: number | undefined): NetworkTimeouts => (networkTimeoutMs === undefined ? defaultTimeouts : timeoutsOf(networkTimeoutMs));

/** Opens the store and reads registries.conf; warnings (unknown keys) are returned, not printed. */
export const createSession = async (options: SessionOptions = {}): Promise<E.Either<Failure, { session: Session; warnings: ReadonlyArray<string> }>> => {
  const host = options.host ?? hostEnvironment();
  const files = options.registriesConf === undefined ? {} : { file: options.registriesConf };
  const loaded = await loadRegistries(host, files);
  if (E.isLeft(loaded)) return loaded;
  const cache = await loadAliasCache(host, files);
  if (E.isLeft(cache)) return cache;
  const store = await openStore(storeRoot(host, options.root));
  if (E.isLeft(store)) return store;
  return E.right({
    session: { host, store: store.right, config: loaded.right.config, lookup: imageLookup(loaded.right.config, cache.right), timeouts: sessionTimeouts(options.networkTimeoutMs) },
    warnings: loaded.right.warnings,
  });
};
