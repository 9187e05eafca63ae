/**
 * The composition root: one context, built once by `openBerth` from its
 * options and the environment (as containers/image's SystemContext is), that
 * every library call uses: where the store is, registries.conf, credentials,
 * certificates, registries.d, the signature policy, limits and timeouts, and
 * the one factory for registry clients. Nothing here is decided twice.
 */
import * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../../core/failure.ts";
import { referenceString, repositoryName, type Reference } from "../../core/reference/index.ts";
import { findRegistry, type RegistriesConfig } from "../../core/registries/index.ts";
import type { ScopeRules } from "../../core/policy/index.ts";
import { imageLookup, type ImageLookup } from "../../core/store/index.ts";
import type { BuiltinContext, RegistryConversation } from "../../plugins/builtin-context.ts";
import type { BuiltinReference } from "../../plugins/builtin.ts";
import type { TransportPlugin } from "../../plugins/contract.ts";
import { registryClient, type RegistryContext } from "../../plugins/docker/registry.ts";
import { builtinPlugins } from "../../plugins/plugins.ts";
import { credentialsFor, type Credentials } from "../config/auth.ts";
import { hostEnvironment, type HostEnvironment } from "../config/environment.ts";
import { loadPolicy, type LoadedPolicy } from "../config/policy.ts";
import { loadAliasCache, loadRegistries } from "../config/registries.ts";
import { registryCas } from "../http/certs.ts";
import { httpClient, type HttpClient } from "../http/client.ts";
import { defaultTimeouts, timeoutsOf, type NetworkTimeouts } from "../http/timeouts.ts";
import { storeRoot } from "../store/root.ts";
import { storeAt, type Store } from "../store/store.ts";
import { scopeRulesOf } from "./policy-identity.ts";

/** How to open berth; everything unset is found as podman finds it. */
export interface BerthOptions {
  /** The image store (default `$BERTH_ROOT`, else `~/.local/share/berth`). */
  readonly root?: string;
  /** One registries.conf instead of the usual search. */
  readonly registriesConf?: string;
  /** The credentials file (default as podman). */
  readonly authFile?: string;
  /** policy.json (default `~/.config/containers/policy.json`, else the system's). */
  readonly signaturePolicy?: string;
  /** Accept any image, whatever the policy says. */
  readonly insecurePolicy?: boolean;
  /** `false` allows plain HTTP and unverified TLS for every registry (as `--tls-verify=false`). */
  readonly tlsVerify?: boolean;
  /** Extra CA certificates for every registry (else certs.d per registry). */
  readonly certDir?: string;
  /** Where signatures are stored per registry (containers-registries.d). */
  readonly registriesD?: string;
  /** Retries of a registry request after 429, 5xx or a dropped connection (default 3). */
  readonly retries?: number;
  /**
   * Milliseconds a registry may stay silent (no connection, no response, no
   * bytes) before a request fails and is retried. Unset: connecting may take
   * 10 s, everything else 30 s.
   */
  readonly networkTimeoutMs?: number;
  /** The most bytes a layer may decompress to where berth decompresses one (`create`, `save`, a copy that changes its compression): more is a bomb. Default `$BERTH_MAX_LAYER_BYTES`, else 64 GiB. */
  readonly maxLayerBytes?: number;
  /** More transports, used beside the built-in ones by `copy` (the plugin contract); each parses its own reference type. */
  // deno-lint-ignore no-explicit-any -- a plugin's reference type is its own: invariant, so only `any` admits every plugin.
  readonly transports?: ReadonlyArray<TransportPlugin<any, BuiltinContext>>;
  /** The environment to read instead of the process's (tests, chroots). */
  readonly host?: HostEnvironment;
}

/** How one side of an operation reaches registries: the call's settings over berth's. */
export interface RegistryAccess {
  /** `false` allows plain HTTP and unverified TLS; unset follows registries.conf. */
  readonly tlsVerify?: boolean;
  readonly certDir?: string;
  readonly authFile?: string;
  /** Credentials to use instead of the auth files. */
  readonly creds?: Credentials;
  /** Use no credentials at all. */
  readonly noCreds?: boolean;
  readonly retries?: number;
  /** A bearer token sent as it is. */
  readonly registryToken?: string;
}

/** Everything every library call works with. */
export interface BerthContext {
  readonly host: HostEnvironment;
  /** The store's paths; it is made on the first write, so that commands that only read or only talk to registries create nothing. */
  readonly store: Store;
  readonly config: RegistriesConfig;
  readonly lookup: ImageLookup;
  readonly timeouts: NetworkTimeouts;
  readonly options: BerthOptions;
  /** Warnings found while reading the configuration (unknown keys). */
  readonly warnings: ReadonlyArray<string>;
  readonly maxLayerBytes: number;
  /** The transports `copy` knows: the built-in ones and the caller's. */
  readonly plugins: ReadonlyArray<TransportPlugin<BuiltinReference, BuiltinContext>>;
  /** The transports a policy.json may name, with the scopes each takes, as the plugins say. */
  readonly scopeRules: ScopeRules;
  /** The signature policy, read once, when first asked for. */
  readonly policy: () => Promise<E.Either<Failure, LoadedPolicy>>;
  /** One side's settings: the call's, else berth's. */
  readonly access: (call?: RegistryAccess) => RegistryAccess;
  /** An HTTP client for one side (its TLS and CA settings); close it when done. */
  readonly http: (access: RegistryAccess, signal?: AbortSignal) => HttpClient;
  /** Whether a registry may be reached over plain HTTP or unverified TLS: asked for, or `insecure` in registries.conf. */
  readonly insecure: (ref: Reference, access: RegistryAccess) => boolean;
  /** The one factory for registry conversations: credentials, TLS, retries and registries.conf applied. */
  readonly registry: (ref: Reference, access: RegistryAccess, http: HttpClient, push?: boolean) => Promise<E.Either<Failure, RegistryConversation>>;
  /** What the built-in transports get for one side of a copy. */
  readonly transportContext: (access: RegistryAccess, http: HttpClient) => BuiltinContext;
}

const defaultMaxLayerBytes = 64 * 1024 ** 3;

/** `BERTH_MAX_LAYER_BYTES`, when it is a positive whole number. */
const maxLayerBytesOf = (host: HostEnvironment, given: number | undefined): number => {
  if (given !== undefined) return given;
  const text = host.env["BERTH_MAX_LAYER_BYTES"];
  const n = text === undefined ? Number.NaN : Number(text);
  return Number.isSafeInteger(n) && n > 0 ? n : defaultMaxLayerBytes;
};

/** Reads registries.conf and the alias cache and builds the context; the store is not touched. */
export const createContext = async (options: BerthOptions = {}): Promise<E.Either<Failure, BerthContext>> => {
  const host = options.host ?? hostEnvironment();
  const files = options.registriesConf === undefined ? {} : { file: options.registriesConf };
  const [loaded, cache] = await Promise.all([loadRegistries(host, files), loadAliasCache(host, files)]);
  if (E.isLeft(loaded)) return loaded;
  if (E.isLeft(cache)) return cache;
  const config = loaded.right.config;
  let policy: Promise<E.Either<Failure, LoadedPolicy>> | undefined;
  const access = (call: RegistryAccess = {}): RegistryAccess => ({
    ...(options.tlsVerify === undefined ? {} : { tlsVerify: options.tlsVerify }),
    ...(options.certDir === undefined ? {} : { certDir: options.certDir }),
    ...(options.authFile === undefined ? {} : { authFile: options.authFile }),
    ...(options.retries === undefined ? {} : { retries: options.retries }),
    ...call,
  });
  const timeouts = options.networkTimeoutMs === undefined ? defaultTimeouts : timeoutsOf(options.networkTimeoutMs);
  const http = (a: RegistryAccess, signal?: AbortSignal): HttpClient => httpClient({ insecureSkipVerify: a.tlsVerify === false, caFor: registryCas(host, a.certDir) }, signal, timeouts, host.env);
  const insecure = (ref: Reference, a: RegistryAccess): boolean => a.tlsVerify === false || (a.tlsVerify === undefined && (findRegistry(referenceString(ref), config)?.insecure ?? false));
  const registryContext = async (ref: Reference, a: RegistryAccess, client: HttpClient): Promise<E.Either<Failure, RegistryContext>> => {
    const creds = a.noCreds === true ? E.right(undefined) : a.creds !== undefined ? E.right(a.creds) : await credentialsFor(host, repositoryName(ref), a.authFile === undefined ? {} : { authFile: a.authFile });
    if (E.isLeft(creds)) return creds;
    return E.right({
      http: client,
      ...(creds.right === undefined ? {} : { credentials: creds.right }),
      ...(a.retries === undefined ? {} : { retries: a.retries }),
      ...(a.registryToken === undefined ? {} : { registryToken: a.registryToken }),
    });
  };
  const registry = async (ref: Reference, a: RegistryAccess, client: HttpClient, push = false): Promise<E.Either<Failure, RegistryConversation>> => {
    const context = await registryContext(ref, a, client);
    if (E.isLeft(context)) return context;
    const plain = insecure(ref, a);
    return E.right({ client: registryClient({ registry: ref.domain, repository: ref.path, insecure: plain }, context.right, push), context: context.right, insecure: plain });
  };
  const store = storeAt(storeRoot(host, options.root));
  const plugins = [...builtinPlugins, ...(options.transports ?? [])];
  const scopeRules = scopeRulesOf(plugins);
  const lookup = imageLookup(config, cache.right);
  return E.right({
    host,
    store,
    config,
    lookup,
    timeouts,
    options,
    warnings: loaded.right.warnings,
    maxLayerBytes: maxLayerBytesOf(host, options.maxLayerBytes),
    plugins,
    scopeRules,
    policy: () =>
      (policy ??= loadPolicy(host, { ...(options.signaturePolicy === undefined ? {} : { signaturePolicy: options.signaturePolicy }), insecurePolicy: options.insecurePolicy === true, rules: scopeRules })),
    access,
    http,
    insecure,
    registry,
    transportContext: (a, client) => ({
      host,
      store,
      lookup,
      http: client,
      maxLayerBytes: maxLayerBytesOf(host, options.maxLayerBytes),
      ...(options.registriesD === undefined ? {} : { registriesD: options.registriesD }),
      registry: (ref, push) => registry(ref, a, client, push),
    }),
  });
};
