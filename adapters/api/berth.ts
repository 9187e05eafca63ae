import { createReadStream } from "node:fs";
import * as E from "fp-ts/lib/Either.js";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { Failure } from "../../core/failure.ts";
import type { HistoryEntry, ImageConfig, ImageManifest, ManifestFormat, Platform } from "../../core/manifest/index.ts";
import { resolveShortName, type ResolutionPlan } from "../../core/registries/index.ts";
import { addNames, imageTree, removeNames, type ContainerRecord, type ImageRecord, type RemovalPlan, type StoreState } from "../../core/store/index.ts";
import type { BuiltinContext } from "../../plugins/builtin-context.ts";
import type { BuiltinReference } from "../../plugins/builtin.ts";
import type { TransportPlugin } from "../../plugins/contract.ts";
import { builtinPlugins } from "../../plugins/plugins.ts";
import { importTarball, type ImportOptions } from "../../plugins/tarball/import.ts";
import { forgetAllCredentials, forgetCredentials, type Credentials } from "../config/auth.ts";
import { loadPolicy, type LoadedPolicy } from "../config/policy.ts";
import { loadAliasCache } from "../config/registries.ts";
import type { CopyEvent, CopyResult } from "../copy/engine.ts";
import { registryCas } from "../http/certs.ts";
import { hostArchitecture } from "../platform.ts";
import type { Signer } from "../signature/signer.ts";
import { checkStore, type CheckReport } from "../store/check.ts";
import { createContainer, removeContainers, rootfsOf } from "../store/containers.ts";
import { readImageDocuments } from "../store/documents.ts";
import { readState } from "../store/store.ts";
import { copyByName } from "./copy.ts";
import { BerthError } from "./errors.ts";
import { imageJson, selectImages, type ImageSummary } from "./images.ts";
import { inspectJson, type ImageDetails } from "./inspect.ts";
import { renameImage } from "./names.ts";
import { loadArchive } from "./load.ts";
import { pruneImages, removeWith } from "./remove.ts";
import { pushImage } from "./push.ts";
import { login, registryKey } from "./login.ts";
import { setTrust, showTrust, type TrustRow, type TrustType } from "./trust.ts";
import { deleteRemote, remoteDetails, withRemote, type RemoteDetails, type RemoteOptions } from "./remote.ts";
import { saveImages, type SaveRequest } from "./save.ts";
import { pullName } from "./pull.ts";
import { createSession, type Session } from "./session.ts";

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
  /**
   * Milliseconds a registry may stay silent (no connection, no response, no
   * bytes) before a request fails and is retried. Unset: connecting may take
   * 10 s, everything else 30 s.
   */
  readonly networkTimeoutMs?: number;
  /** More transports, used beside the built-in ones by `copy` (the plugin contract); each parses its own reference type. */
  // deno-lint-ignore no-explicit-any -- a plugin's reference type is its own: invariant, so only `any` admits every plugin.
  readonly transports?: ReadonlyArray<TransportPlugin<any, BuiltinContext>>;
}

/** What every registry operation can be given. */
export interface OperationOptions {
  readonly onEvent?: (event: CopyEvent) => void;
  /** Stops the operation; what was written but not committed is removed. */
  readonly signal?: AbortSignal;
}

/** Pulling one name. */
export interface PullRequest extends OperationOptions {
  readonly platform?: Platform;
  readonly creds?: Credentials;
  readonly retries?: number;
  /** podman's progress lines (`Trying to pull …`). */
  readonly onMessage?: (line: string) => void;
}

/** Copying between two transport-qualified names (see {@link Berth.copy}). */
export interface CopyOptions extends OperationOptions {
  readonly platform?: Platform;
  readonly all?: boolean;
  readonly format?: ManifestFormat;
  readonly preserveDigests?: boolean;
  readonly removeSignatures?: boolean;
  readonly srcCreds?: Credentials;
  readonly destCreds?: Credentials;
  readonly signer?: Signer;
}

export type { ImageSummary } from "./images.ts";
export type { ImageDetails } from "./inspect.ts";

/** The operations, each giving a value or a {@link Failure} (fp-ts TaskEither), never throwing for expected failures. */
export interface BerthTaskEithers {
  readonly pull: (name: string, request?: PullRequest) => TE.TaskEither<ReadonlyArray<Failure>, { readonly id: string }>;
  readonly copy: (source: string, destination: string, options?: CopyOptions) => TE.TaskEither<Failure, CopyResult>;
  readonly images: (options?: { readonly filters?: ReadonlyArray<string>; readonly all?: boolean }) => TE.TaskEither<Failure, ReadonlyArray<ImageSummary>>;
  readonly inspect: (name: string) => TE.TaskEither<Failure, ImageDetails>;
  readonly tag: (name: string, ...names: ReadonlyArray<string>) => TE.TaskEither<Failure, void>;
  readonly untag: (name: string, ...names: ReadonlyArray<string>) => TE.TaskEither<Failure, void>;
  readonly remove: (names: ReadonlyArray<string>, options?: RemoveOptions) => TE.TaskEither<Failure, RemovalPlan>;
  readonly prune: (options?: { readonly all?: boolean; readonly filters?: ReadonlyArray<string> }) => TE.TaskEither<Failure, ReadonlyArray<string>>;
  readonly import: (tarball: string | AsyncIterable<Uint8Array>, options?: ImportRequest) => TE.TaskEither<Failure, { readonly id: string }>;
  readonly save: (request: SaveRequest) => TE.TaskEither<Failure, void>;
  readonly load: (path: string, onLoaded?: (name: string) => void) => TE.TaskEither<Failure, ReadonlyArray<string>>;
  readonly push: (image: string, destination?: string, options?: PushOptions) => TE.TaskEither<Failure, CopyResult>;
  readonly resolve: (name: string) => TE.TaskEither<Failure, ResolutionPlan>;
  readonly history: (name: string) => TE.TaskEither<Failure, ReadonlyArray<HistoryEntry>>;
  readonly create: (image: string, options?: { readonly name?: string }) => TE.TaskEither<Failure, ContainerInfo>;
  readonly containers: () => TE.TaskEither<Failure, ReadonlyArray<ContainerInfo>>;
  readonly removeContainer: (names: ReadonlyArray<string>, options?: { readonly ignoreMissing?: boolean }) => TE.TaskEither<Failure, { readonly removed: ReadonlyArray<string>; readonly errors: ReadonlyArray<Failure> }>;
  readonly check: (options?: { readonly repair?: boolean }) => TE.TaskEither<Failure, CheckReport>;
  readonly tags: (repository: string, options?: RemoteOptions) => TE.TaskEither<Failure, ReadonlyArray<string>>;
  readonly inspectRemote: (name: string, options?: RemoteOptions) => TE.TaskEither<Failure, RemoteDetails>;
  readonly deleteRemote: (name: string, options?: RemoteOptions) => TE.TaskEither<Failure, string>;
  readonly login: (registry: string, username: string, password: string) => TE.TaskEither<Failure, void>;
  readonly logout: (registry?: string) => TE.TaskEither<Failure, boolean>;
  readonly trust: () => TE.TaskEither<Failure, ReadonlyArray<TrustRow>>;
  readonly setTrust: (scope: string, type: TrustType, keys?: ReadonlyArray<string>) => TE.TaskEither<Failure, void>;
}

/** A container: a root filesystem made from an image, in the store (berth never runs it). */
export interface ContainerInfo extends ContainerRecord {
  /** Where its root filesystem is. */
  readonly rootfs: string;
}

/** Pushing an image of the store (see {@link Berth.push}). */
export interface PushOptions extends OperationOptions {
  readonly creds?: Credentials;
  readonly format?: ManifestFormat;
  readonly signer?: Signer;
}

/** An image made from a root-filesystem tarball (`berth import`): the import options without the clock and source, which berth fills in. */
export type ImportRequest = Omit<ImportOptions, "created" | "source">;

/** How `remove` treats what it is given (podman's `rmi` flags). */
export interface RemoveOptions {
  /** Every image in the store. */
  readonly all?: boolean;
  /** Remove images with several names by ID, and the containers using them. */
  readonly force?: boolean;
  /** Names that match no image are not errors. */
  readonly ignore?: boolean;
  /** Keep dangling parents. */
  readonly noPrune?: boolean;
  /** Plan only: nothing changes. */
  readonly dryRun?: boolean;
}

/** berth as a library: the same operations as the CLI, as Promises that throw {@link BerthError}, or as TaskEithers in `te`. */
export interface Berth {
  /** Pulls a name (short names resolved as podman does) into the store; gives the image ID. */
  readonly pull: (name: string, request?: PullRequest) => Promise<{ readonly id: string }>;
  /** Copies between any two transports (`docker://`, `store:`, `oci:`, `oci-archive:`, `docker-archive:`, `dir:`, and yours). */
  readonly copy: (source: string, destination: string, options?: CopyOptions) => Promise<CopyResult>;
  /** The store's images, newest first, filtered as `berth images --filter` filters them. */
  readonly images: (options?: { readonly filters?: ReadonlyArray<string>; readonly all?: boolean }) => Promise<ReadonlyArray<ImageSummary>>;
  readonly inspect: (name: string) => Promise<ImageDetails>;
  /** Adds names (short names go under localhost/, `:latest` is added). */
  readonly tag: (name: string, ...names: ReadonlyArray<string>) => Promise<void>;
  /** Removes names; without names, all of them. */
  readonly untag: (name: string, ...names: ReadonlyArray<string>) => Promise<void>;
  /**
   * Removes images as `berth rmi` does and gives the report: the steps taken,
   * the errors (names not found, images in use) and podman's exit code for
   * them. It throws only when the store itself fails.
   */
  readonly remove: (names: ReadonlyArray<string>, options?: RemoveOptions) => Promise<RemovalPlan>;
  /** Removes dangling images (with `all`, every image no container uses); gives the IDs removed. */
  readonly prune: (options?: { readonly all?: boolean; readonly filters?: ReadonlyArray<string> }) => Promise<ReadonlyArray<string>>;
  /** Makes a one-layer image from a root-filesystem tarball (a path, or bytes as they stream; plain or gzip). */
  readonly import: (tarball: string | AsyncIterable<Uint8Array>, options?: ImportRequest) => Promise<{ readonly id: string }>;
  /** Saves images as `podman save` (docker-archive, oci-archive, oci-dir, docker-dir) to a path or a stream. */
  readonly save: (request: SaveRequest) => Promise<void>;
  /** Loads every image and name of an archive (plain or gzip) or OCI layout; gives the names loaded. */
  readonly load: (path: string, onLoaded?: (name: string) => void) => Promise<ReadonlyArray<string>>;
  /** Pushes an image of the store to a registry (default: the name it was found by), mounting blobs the registry has under the image's other names. */
  readonly push: (image: string, destination?: string, options?: PushOptions) => Promise<CopyResult>;
  /** Where a name would be pulled from and why: the candidates in order, with their mirrors (as `berth resolve`). */
  readonly resolve: (name: string) => Promise<ResolutionPlan>;
  /** The history entries of an image's config, oldest first. */
  readonly history: (name: string) => Promise<ReadonlyArray<HistoryEntry>>;
  /** Unpacks an image into a new root filesystem in the store (`berth create`), layer by layer, safely. */
  readonly create: (image: string, options?: { readonly name?: string }) => Promise<ContainerInfo>;
  readonly containers: () => Promise<ReadonlyArray<ContainerInfo>>;
  /** Removes containers by name or ID prefix; gives the IDs removed and the names that matched none. */
  readonly removeContainer: (names: ReadonlyArray<string>, options?: { readonly ignoreMissing?: boolean }) => Promise<{ readonly removed: ReadonlyArray<string>; readonly errors: ReadonlyArray<Failure> }>;
  /** Checks every image's blobs, index.json and containers (`berth check`); `repair` rolls back what is incomplete. */
  readonly check: (options?: { readonly repair?: boolean }) => Promise<CheckReport>;
  /** Every tag of a repository in a registry (paged as the registry pages them). */
  readonly tags: (repository: string, options?: RemoteOptions) => Promise<ReadonlyArray<string>>;
  /** An image in a registry as `skopeo inspect` shows it, without pulling it. */
  readonly inspectRemote: (name: string, options?: RemoteOptions) => Promise<RemoteDetails>;
  /** Deletes the manifest a name points to in a registry; gives its digest. */
  readonly deleteRemote: (name: string, options?: RemoteOptions) => Promise<string>;
  /** Checks credentials against the registry, then saves them (a wrong password saves nothing). */
  readonly login: (registry: string, username: string, password: string) => Promise<void>;
  /** Forgets the credentials for a registry (all of them without one); says whether there were any. */
  readonly logout: (registry?: string) => Promise<boolean>;
  /** The signature policy in words, one row per transport, scope and requirement (`trust show`). */
  readonly trust: () => Promise<ReadonlyArray<TrustRow>>;
  /** Sets what a scope requires (`default`, or a docker scope), keeping the policy file valid (`trust set`). */
  readonly setTrust: (scope: string, type: TrustType, keys?: ReadonlyArray<string>) => Promise<void>;
  readonly te: BerthTaskEithers;
  /** Warnings found while reading the configuration (unknown keys). */
  readonly warnings: ReadonlyArray<string>;
}

const run = async <A>(task: TE.TaskEither<Failure | ReadonlyArray<Failure>, A>): Promise<A> => {
  const r = await task();
  if (E.isRight(r)) return r.right;
  throw new BerthError(Array.isArray(r.left) ? r.left : [r.left as Failure]);
};

/**
 * Opens berth: reads registries.conf and opens (or makes) the store. The
 * signature policy is read when the first image is copied.
 */
export const openBerthTE =
  (options: BerthOptions = {}): TE.TaskEither<Failure, Berth> =>
  async () => {
    const opened = await createSession({
      ...(options.root === undefined ? {} : { root: options.root }),
      ...(options.registriesConf === undefined ? {} : { registriesConf: options.registriesConf }),
      ...(options.networkTimeoutMs === undefined ? {} : { networkTimeoutMs: options.networkTimeoutMs }),
    });
    if (E.isLeft(opened)) return opened;
    return E.right(berthOver(opened.right.session, opened.right.warnings, options));
  };

/** {@link openBerthTE} as a Promise; a failure throws {@link BerthError}. */
export const openBerth = (options: BerthOptions = {}): Promise<Berth> => run(openBerthTE(options));

const berthOver = (session: Session, warnings: ReadonlyArray<string>, options: BerthOptions): Berth => {
  let policy: Promise<E.Either<Failure, LoadedPolicy>> | undefined;
  const policyOnce = () =>
    (policy ??= loadPolicy(session.host, { ...(options.signaturePolicy === undefined ? {} : { signaturePolicy: options.signaturePolicy }), insecurePolicy: options.insecurePolicy === true }));
  const plugins: ReadonlyArray<TransportPlugin<BuiltinReference, BuiltinContext>> = [...builtinPlugins, ...(options.transports ?? [])];
  const platformOf = (p: Platform | undefined): Platform => p ?? { os: "linux", architecture: hostArchitecture() };
  /** The berth-wide TLS, CA and auth-file settings, under what a call gives. */
  const remoteDefaults = (o: RemoteOptions): RemoteOptions => ({
    timeouts: session.timeouts,
    ...(options.tlsVerify === undefined ? {} : { tlsVerify: options.tlsVerify }),
    ...(options.certDir === undefined ? {} : { certDir: options.certDir }),
    ...(options.authFile === undefined ? {} : { authFile: options.authFile }),
    ...o,
  });

  /** Looks an image up by name and reads its manifest and config, then gives `f` of them. */
  const withImage =
    <A>(name: string, f: (image: ImageRecord, state: StoreState, docs: { manifest: ImageManifest; config: ImageConfig }) => A): TE.TaskEither<Failure, A> =>
    async () => {
      const state = await readState(session.store);
      if (E.isLeft(state)) return state;
      const found = session.lookup(name, state.right.images);
      if (E.isLeft(found)) return found;
      const docs = await readImageDocuments(session.store, found.right.image);
      return E.isLeft(docs) ? docs : E.right(f(found.right.image, state.right, docs.right));
    };

  const te: BerthTaskEithers = {
    pull: (name, request = {}) => async () => {
      const loaded = await policyOnce();
      if (E.isLeft(loaded)) return E.left([loaded.left]);
      const r = await pullName(session, name, {
        platform: platformOf(request.platform),
        tlsVerify: options.tlsVerify,
        creds: request.creds,
        authFile: options.authFile,
        caFor: registryCas(session.host, options.certDir),
        policy: loaded.right,
        registriesD: options.registriesD,
        ...(request.retries === undefined ? {} : { retries: request.retries }),
        ...(request.onMessage === undefined ? {} : { onMessage: request.onMessage }),
        ...(request.onEvent === undefined ? {} : { onEvent: request.onEvent }),
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
      return E.isLeft(r) ? r : E.right({ id: r.right });
    },
    copy: (source, destination, o = {}) => async () => {
      const loaded = await policyOnce();
      if (E.isLeft(loaded)) return loaded;
      const tls = options.tlsVerify === undefined ? {} : { srcTlsVerify: options.tlsVerify, destTlsVerify: options.tlsVerify };
      const dirs = options.certDir === undefined ? {} : { srcCertDir: options.certDir, destCertDir: options.certDir };
      return copyByName(session, loaded.right, plugins, {
        source,
        destination,
        ...tls,
        ...dirs,
        ...o,
        platform: platformOf(o.platform),
        ...(options.registriesD === undefined ? {} : { registriesD: options.registriesD }),
      });
    },
    images: (o = {}) => async () => {
      const state = await readState(session.store);
      if (E.isLeft(state)) return state;
      const selected = selectImages(session, state.right, o.filters ?? [], o.all === true);
      if (E.isLeft(selected)) return selected;
      const tree = imageTree(state.right.images);
      const counts = new Map<string, number>();
      for (const c of state.right.containers) counts.set(c.imageId, (counts.get(c.imageId) ?? 0) + 1);
      return E.right(selected.right.map((i) => imageJson(i, state.right, tree, counts)));
    },
    inspect: (name) => withImage(name, (image, state, docs) => inspectJson(image, state, docs.manifest, docs.config)),
    tag: (name, ...names) => () => renameImage(session, name, names, (id, ns) => (state) => E.right(addNames(id, ns)(state))),
    untag: (name, ...names) => () => renameImage(session, name, names, removeNames),
    remove: (names, o = {}) => () =>
      removeWith(
        session,
        (state) => ({
          inputs: names,
          ...(o.all === true ? { imageIds: state.images.map((i) => i.id) } : {}),
          force: o.force === true,
          ignore: o.ignore === true,
          noPrune: o.noPrune === true,
        }),
        o.dryRun === true,
      ),
    prune: (o = {}) => () => pruneImages(session, o),
    save: (request) => async () => {
      const loaded = await policyOnce();
      return E.isLeft(loaded) ? loaded : saveImages(session, loaded.right, request);
    },
    load: (path, onLoaded) => async () => {
      const loaded = await policyOnce();
      return E.isLeft(loaded) ? loaded : loadArchive(session, loaded.right, path, onLoaded);
    },
    push: (image, destination, o = {}) => async () => {
      const loaded = await policyOnce();
      if (E.isLeft(loaded)) return loaded;
      return pushImage(session, loaded.right, {
        image,
        ...(destination === undefined ? {} : { destination }),
        ...(options.tlsVerify === undefined ? {} : { tlsVerify: options.tlsVerify }),
        ...(options.authFile === undefined ? {} : { authFile: options.authFile }),
        ...(options.registriesD === undefined ? {} : { registriesD: options.registriesD }),
        caFor: registryCas(session.host, options.certDir),
        ...o,
      });
    },
    resolve: (name) => async () => {
      const cache = await loadAliasCache(session.host);
      return resolveShortName(name, session.config, { tty: false, ...(E.isRight(cache) ? { aliasCache: cache.right } : {}) });
    },
    history: (name) => withImage(name, (_image, _state, docs) => docs.config.history ?? []),
    create: (image, o = {}) => async () => {
      const state = await readState(session.store);
      if (E.isLeft(state)) return state;
      const found = session.lookup(image, state.right.images);
      if (E.isLeft(found)) return found;
      const c = await createContainer(session.store, found.right.image, found.right.name ?? image, { ...(o.name === undefined ? {} : { name: o.name }), created: new Date().toISOString() });
      return E.isLeft(c) ? c : E.right({ ...c.right, rootfs: rootfsOf(session.store, c.right.id) });
    },
    containers: () => async () => {
      const state = await readState(session.store);
      return E.isLeft(state) ? state : E.right(state.right.containers.map((c) => ({ ...c, rootfs: rootfsOf(session.store, c.id) })));
    },
    removeContainer: (names, o = {}) => async () => {
      const r = await removeContainers(session.store, names, o.ignoreMissing === true);
      return E.isLeft(r) ? r : E.right({ removed: r.right.removed.map((c) => c.id), errors: r.right.errors });
    },
    check: (o = {}) => () => checkStore(session.store, o.repair === true),
    tags: (repository, o = {}) => () =>
      withRemote(session.host, session.config, repository, remoteDefaults(o), false, (r) => r.client.listTags()),
    inspectRemote: (name, o = {}) => () => withRemote(session.host, session.config, name, remoteDefaults(o), false, (r) => remoteDetails(r, name)),
    deleteRemote: (name, o = {}) => () => withRemote(session.host, session.config, name, remoteDefaults(o), true, deleteRemote),
    login: (registry, username, password) => () =>
      login(session.host, {
        registry: registryKey(registry),
        username,
        password,
        timeouts: session.timeouts,
        ...(options.tlsVerify === undefined ? {} : { tlsVerify: options.tlsVerify }),
        ...(options.certDir === undefined ? {} : { certDir: options.certDir }),
        ...(options.authFile === undefined ? {} : { authFile: options.authFile }),
      }),
    trust: () => async () => {
      const shown = await showTrust(session.host, options.signaturePolicy);
      return E.isLeft(shown) ? shown : E.right(shown.right.rows);
    },
    setTrust: (scope, type, keys = []) => () => setTrust(session.host, scope, type, keys, options.signaturePolicy),
    logout: (registry) => async () => {
      const files = options.authFile === undefined ? {} : { authFile: options.authFile };
      if (registry === undefined) {
        const r = await forgetAllCredentials(session.host, files);
        return E.isLeft(r) ? r : E.right(true);
      }
      return forgetCredentials(session.host, registryKey(registry), files);
    },
    import: (tarball, o = {}) => async () => {
      const r = await importTarball(session.store, typeof tarball === "string" ? createReadStream(tarball) : tarball, {
        ...o,
        created: new Date().toISOString(),
        source: typeof tarball === "string" ? tarball : "-",
      });
      return E.isLeft(r) ? r : E.right({ id: r.right.id });
    },
  };
  return {
    pull: (name, request) => run(te.pull(name, request)),
    copy: (source, destination, o) => run(te.copy(source, destination, o)),
    images: (o) => run(te.images(o)),
    inspect: (name) => run(te.inspect(name)),
    tag: (name, ...names) => run(te.tag(name, ...names)),
    untag: (name, ...names) => run(te.untag(name, ...names)),
    remove: (names, o) => run(te.remove(names, o)),
    prune: (o) => run(te.prune(o)),
    import: (tarball, o) => run(te.import(tarball, o)),
    save: (request) => run(te.save(request)),
    load: (path, onLoaded) => run(te.load(path, onLoaded)),
    push: (image, destination, o) => run(te.push(image, destination, o)),
    resolve: (name) => run(te.resolve(name)),
    history: (name) => run(te.history(name)),
    create: (image, o) => run(te.create(image, o)),
    containers: () => run(te.containers()),
    removeContainer: (names, o) => run(te.removeContainer(names, o)),
    check: (o) => run(te.check(o)),
    tags: (repository, o) => run(te.tags(repository, o)),
    inspectRemote: (name, o) => run(te.inspectRemote(name, o)),
    deleteRemote: (name, o) => run(te.deleteRemote(name, o)),
    login: (registry, username, password) => run(te.login(registry, username, password)),
    logout: (registry) => run(te.logout(registry)),
    trust: () => run(te.trust()),
    setTrust: (scope, type, keys) => run(te.setTrust(scope, type, keys)),
    te,
    warnings,
  };
};
