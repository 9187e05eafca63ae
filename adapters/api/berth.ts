import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import * as E from "fp-ts/lib/Either.js";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { CompressionOptions, CopyPlan } from "../../core/copy/index.ts";
import { failure, type Failure } from "../../core/failure.ts";
import type { HistoryEntry, ImageConfig, ImageManifest, ManifestFormat, Platform } from "../../core/manifest/index.ts";
import { resolveShortName, type ResolutionPlan } from "../../core/registries/index.ts";
import { addNames, imageTree, layerTree, removeNames, type LayerTree, type ContainerRecord, type ImageRecord, type RemovalStep, type StoreState } from "../../core/store/index.ts";
import { sha256Text } from "../store/hash.ts";
import { signRegistryImage, type SignImageOptions } from "./image-sign.ts";
import { imageMountPath, mountImage, unmountImage } from "../store/image-mounts.ts";
import { importTarball, type ImportOptions } from "../../plugins/tarball/import.ts";
import { dockerArchiveNames } from "../../plugins/docker-archive/archive.ts";
import { manifestFileDigest, standaloneSign, standaloneVerify, type StandaloneVerified } from "./standalone.ts";
import type { Credentials } from "../config/auth.ts";
import { loadAliasCache } from "../config/registries.ts";
import type { CopyEvent, CopyResult } from "../copy/engine.ts";
import { hostPlatform } from "../platform.ts";
import type { Signer } from "../signature/signer.ts";
import { checkStore, type CheckReport } from "../store/check.ts";
import { createContainer, findContainer, removeContainers, rootfsOf } from "../store/containers.ts";
import { readImageDocuments } from "../store/documents.ts";
import { readState } from "../store/store.ts";
import { createContext, type BerthContext, type BerthOptions, type RegistryAccess } from "./context.ts";
import { copyByName, planByName, type CopyRequest } from "./copy.ts";
import { sync, type SyncRequest, type SyncResult } from "./sync.ts";
import { inspectByName, type Inspected } from "./inspect-any.ts";
import { parseImageName } from "../../core/transport/index.ts";
import { addToList, annotateList, createList, findList, planListPush, pushList, removeFromList, removeLists } from "./manifest-lists.ts";
import type { EntryChanges, ListRecord } from "../../core/store/index.ts";
import type { SyncDestinationKind, SyncSourceKind } from "../../core/sync/index.ts";
import { BerthError } from "./errors.ts";
import { imageJson, selectImages, type ImageSummary } from "./images.ts";
import { historyRows, inspectJson, type HistoryRow, type ImageDetails } from "./inspect.ts";
import { loadArchive } from "./load.ts";
import { login, logout } from "./login.ts";
import { renameImage } from "./names.ts";
import { planPull, pullAllTags, pullName, type PullPolicy } from "./pull.ts";
import { planPush, pushImage } from "./push.ts";
import { deleteRemote, remoteConfig, remoteDetails, remoteManifest, withRemote, type RemoteDetails } from "./remote.ts";
import { pruneImages, removeWith, type RemovalReport } from "./remove.ts";
import { saveImages, type SaveRequest } from "./save.ts";
import { signerFor, writeSigstoreKeyPair, type SignRequest } from "./signing.ts";
import { setTrust, showTrust, type TrustRow, type TrustType } from "./trust.ts";

export type { BerthOptions, RegistryAccess } from "./context.ts";
export type { Credentials } from "../config/auth.ts";
export type { CopyEvent, CopyResult } from "../copy/engine.ts";
export type { CheckReport } from "../store/check.ts";
export type { ImageSummary } from "./images.ts";
export type { HistoryRow, ImageDetails } from "./inspect.ts";
export type { PullPolicy } from "./pull.ts";
export type { RemovalReport } from "./remove.ts";
export type { SignRequest } from "./signing.ts";

/** What every registry operation can be given. */
export interface OperationOptions {
  readonly onEvent?: (event: CopyEvent) => void;
  /** Stops the operation; what was written but not committed is removed. */
  readonly signal?: AbortSignal;
}

/** One call's registry settings, over those berth was opened with. */
export interface RegistryOptions {
  /** `false` allows plain HTTP and unverified TLS; unset follows registries.conf. */
  readonly tlsVerify?: boolean;
  /** Extra CA certificates (else certs.d per registry). */
  readonly certDir?: string;
  /** The credentials file. */
  readonly authFile?: string;
  /** Credentials to use instead of the auth files. */
  readonly creds?: Credentials;
  /** Retries after 429, 5xx and dropped connections (default 3). */
  readonly retries?: number;
  /** A bearer token to send as it is, instead of credentials (skopeo's `--registry-token`). */
  readonly registryToken?: string;
}

/** Pulling one name. */
export interface PullRequest extends OperationOptions, RegistryOptions {
  readonly platform?: Platform;
  /** When to pull (default `always`). */
  readonly policy?: PullPolicy;
  /** Asks a person to pick among a short name's candidates (registries.conf `short-name-mode = "prompt"`); without it nobody is asked. */
  readonly choose?: (plan: ResolutionPlan) => Promise<ResolutionPlan | undefined>;
  /** podman's progress lines (`Trying to pull …`). */
  readonly onMessage?: (line: string) => void;
}

/** Copying between two transport-qualified names (see {@link Berth.copy}). */
export interface CopyOptions extends OperationOptions {
  readonly platform?: Platform;
  readonly all?: boolean;
  readonly format?: ManifestFormat;
  /** Layer compression beyond what the destination does by default (registries and OCI layouts gzip uncompressed layers). */
  readonly compression?: CompressionOptions;
  readonly preserveDigests?: boolean;
  readonly removeSignatures?: boolean;
  /** The source side's registry settings. */
  readonly src?: RegistryOptions & { readonly noCreds?: boolean };
  /** The destination side's registry settings. */
  readonly dest?: RegistryOptions & { readonly noCreds?: boolean };
  /** Shorthands for `src.creds` and `dest.creds`. */
  readonly srcCreds?: Credentials;
  readonly destCreds?: Credentials;
  /** Sign what was written (docker:// destinations): a signer, or how to make one. */
  readonly signer?: Signer;
  readonly sign?: SignRequest;
  /** More names for what is written, where the destination records names (a docker archive's RepoTags). */
  readonly additionalTags?: ReadonlyArray<string>;
  /** Also copy what refers to the image (OCI 1.1 referrers: signatures, attestations), registry to registry; digests are kept. */
  readonly referrers?: boolean;
}

/** Syncing many images (see {@link Berth.sync}): skopeo sync's options, from a registry repository to a registry unless the kinds say otherwise. */
export interface SyncOptions extends Omit<SyncRequest, "source" | "destination" | "sourceKind" | "destinationKind" | "src" | "dest"> {
  /** What the source names: a registry repository or image (default), a directory of `dir:` images, or a YAML file. */
  readonly sourceKind?: SyncSourceKind;
  /** What the destination names: a registry and namespace (default), or a directory. */
  readonly destinationKind?: SyncDestinationKind;
  readonly src?: RegistryOptions & { readonly noCreds?: boolean };
  readonly dest?: RegistryOptions & { readonly noCreds?: boolean };
}

/** Adding an image to a manifest list (podman's `manifest add` options). */
export interface ListAddOptions extends EntryChanges, RegistryOptions {
  /** Every image of an index, not only this machine's. */
  readonly all?: boolean;
  /** Which image of an index (default: this machine's). */
  readonly platform?: Platform;
  readonly signal?: AbortSignal;
}

/** Pushing a manifest list (podman's `manifest push` options). */
export interface ListPushRequest extends OperationOptions, RegistryOptions {
  /** Remove the list from the store once pushed. */
  readonly rm?: boolean;
  /** The list's format: an OCI index (default), or a Docker manifest list where every instance is a Docker image. */
  readonly format?: "oci" | "v2s2";
}

/** A manifest list as `manifest inspect` shows it: the store's list, or the index or manifest a registry serves. */
export interface ListDocument {
  readonly bytes: Uint8Array;
  readonly mediaType: string;
  readonly digest: string;
  /** The store's record, when the list is a local one. */
  readonly list?: ListRecord;
}

/** What {@link Berth.inspectImage} shows. */
/** How `inspectRemote` shows an image in a registry (skopeo inspect's flags). */
export interface InspectRemoteOptions extends RegistryOptions {
  /** Which image of an index (default: this machine's). */
  readonly platform?: Platform;
  /** Leave the repository's tags out (`RepoTags` empty), as `--no-tags`. */
  readonly noTags?: boolean;
}

export interface InspectImageOptions extends RegistryOptions {
  /** The manifest as stored (an index as it is). */
  readonly raw?: boolean;
  /** The image's config. */
  readonly config?: boolean;
  /** Which image of an index (default: this machine's). */
  readonly platform?: Platform;
}

/** Pushing an image of the store (see {@link Berth.push}). */
export interface PushOptions extends OperationOptions, RegistryOptions {
  readonly format?: ManifestFormat;
  /** Layer compression (default: uncompressed layers are gzipped, compressed ones kept). */
  readonly compression?: CompressionOptions;
  readonly signer?: Signer;
  readonly sign?: SignRequest;
  /** Called just before signing, so a CLI can say so. */
  readonly onSigning?: () => void;
}

/** A container: a root filesystem made from an image, in the store (berth never runs it). */
export interface ContainerInfo extends ContainerRecord {
  /** Where its root filesystem is. */
  readonly rootfs: string;
}

/** A mounted image: its ID, names, and where its root filesystem is. */
export interface MountedImage {
  readonly id: string;
  readonly names: ReadonlyArray<string>;
  readonly path: string;
}

/** What `removeContainer` did: the IDs removed, each with the name or ID it was asked for by (same order), and what failed. */
export interface ContainerRemoval {
  readonly removed: ReadonlyArray<string>;
  readonly asked: ReadonlyArray<string>;
  readonly errors: ReadonlyArray<Failure>;
}

/** `create`'s options: the container's name (else `berth_` and its ID's start) and the command it would run (else the image's). */
export interface CreateRequest {
  readonly name?: string;
  readonly command?: ReadonlyArray<string>;
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

/** What `prune` removes: dangling images, or with `all` every image no container uses, narrowed by filters. */
export interface PruneOptions {
  readonly all?: boolean;
  readonly filters?: ReadonlyArray<string>;
  /** Each step as it is taken (untag, delete), for a CLI to print. */
  readonly onStep?: (step: RemovalStep) => void;
}

/** The policy in words, with the file it came from. */
export interface TrustReport {
  readonly rows: ReadonlyArray<TrustRow>;
  /** The policy file's text, as read. */
  readonly raw?: string;
  readonly path?: string;
}

/** The operations, each giving a value or a {@link Failure} (fp-ts TaskEither), never throwing for expected failures. */
export interface BerthTaskEithers {
  readonly pull: (name: string, request?: PullRequest) => TE.TaskEither<ReadonlyArray<Failure>, { readonly id: string }>;
  readonly pullAllTags: (repository: string, request?: PullRequest) => TE.TaskEither<ReadonlyArray<Failure>, ReadonlyArray<{ readonly name: string; readonly id: string }>>;
  readonly planPull: (name: string, request?: PullRequest) => TE.TaskEither<ReadonlyArray<Failure>, { readonly name: string; readonly plan: CopyPlan }>;
  readonly copy: (source: string, destination: string, options?: CopyOptions) => TE.TaskEither<Failure, CopyResult>;
  readonly planCopy: (source: string, destination: string, options?: CopyOptions) => TE.TaskEither<Failure, CopyPlan>;
  readonly sync: (source: string, destination: string, options?: SyncOptions) => TE.TaskEither<Failure, SyncResult>;
  readonly manifestCreate: (name: string, images?: ReadonlyArray<string>, options?: ListAddOptions) => TE.TaskEither<Failure, ListRecord>;
  readonly manifestAdd: (list: string, image: string, options?: ListAddOptions) => TE.TaskEither<Failure, ListRecord>;
  readonly manifestAnnotate: (list: string, instance: string, changes: EntryChanges) => TE.TaskEither<Failure, ListRecord>;
  readonly manifestRemove: (list: string, instance: string) => TE.TaskEither<Failure, ListRecord>;
  readonly manifestInspect: (name: string, options?: RegistryOptions) => TE.TaskEither<Failure, ListDocument>;
  readonly manifestPush: (list: string, destination: string, options?: ListPushRequest) => TE.TaskEither<Failure, CopyResult>;
  readonly planManifestPush: (list: string, destination: string, options?: ListPushRequest) => TE.TaskEither<Failure, CopyPlan>;
  readonly manifestRm: (names: ReadonlyArray<string>) => TE.TaskEither<Failure, ReadonlyArray<E.Either<Failure, ListRecord>>>;
  readonly manifestExists: (name: string) => TE.TaskEither<Failure, boolean>;
  readonly inspectImage: (name: string, options?: InspectImageOptions) => TE.TaskEither<Failure, Inspected>;
  readonly digest: (name: string, options?: RegistryOptions) => TE.TaskEither<Failure, string>;
  readonly manifestDigest: (file: string) => TE.TaskEither<Failure, string>;
  readonly standaloneSign: (manifestFile: string, name: string, fingerprint: string, output: string, options?: { readonly passphraseFile?: string }) => TE.TaskEither<Failure, void>;
  readonly standaloneVerify: (manifestFile: string, name: string, fingerprints: ReadonlyArray<string>, signatureFile: string) => TE.TaskEither<Failure, StandaloneVerified>;
  readonly exists: (name: string) => TE.TaskEither<Failure, boolean>;
  readonly images: (options?: { readonly filters?: ReadonlyArray<string>; readonly all?: boolean }) => TE.TaskEither<Failure, ReadonlyArray<ImageSummary>>;
  readonly inspect: (name: string) => TE.TaskEither<Failure, ImageDetails>;
  readonly tag: (name: string, ...names: ReadonlyArray<string>) => TE.TaskEither<Failure, void>;
  readonly untag: (name: string, ...names: ReadonlyArray<string>) => TE.TaskEither<Failure, void>;
  readonly remove: (names: ReadonlyArray<string>, options?: RemoveOptions) => TE.TaskEither<Failure, RemovalReport>;
  readonly prune: (options?: PruneOptions) => TE.TaskEither<Failure, ReadonlyArray<string>>;
  readonly import: (tarball: string | AsyncIterable<Uint8Array>, options?: ImportRequest) => TE.TaskEither<Failure, { readonly id: string }>;
  readonly save: (request: SaveRequest) => TE.TaskEither<Failure, void>;
  readonly load: (archive: string | AsyncIterable<Uint8Array>, onLoaded?: (name: string) => void) => TE.TaskEither<Failure, ReadonlyArray<string>>;
  readonly push: (image: string, destination?: string, options?: PushOptions) => TE.TaskEither<Failure, CopyResult>;
  readonly planPush: (image: string, destination?: string, options?: PushOptions) => TE.TaskEither<Failure, CopyPlan>;
  readonly resolve: (name: string, options?: { readonly tty?: boolean }) => TE.TaskEither<Failure, ResolutionPlan>;
  readonly history: (name: string) => TE.TaskEither<Failure, ReadonlyArray<HistoryEntry>>;
  readonly historyRows: (name: string) => TE.TaskEither<Failure, ReadonlyArray<HistoryRow>>;
  readonly layerTree: (name: string) => TE.TaskEither<Failure, LayerTree>;
  readonly mountImage: (name: string) => TE.TaskEither<Failure, MountedImage>;
  readonly unmountImage: (name: string, options?: { readonly force?: boolean }) => TE.TaskEither<Failure, { readonly id: string; readonly unmounted: boolean }>;
  readonly mountedImages: () => TE.TaskEither<Failure, ReadonlyArray<MountedImage>>;
  readonly signImage: (name: string, options: SignImageOptions & RegistryOptions) => TE.TaskEither<Failure, ReadonlyArray<string>>;
  readonly create: (image: string, options?: CreateRequest) => TE.TaskEither<Failure, ContainerInfo>;
  readonly containers: () => TE.TaskEither<Failure, ReadonlyArray<ContainerInfo>>;
  readonly container: (name: string) => TE.TaskEither<Failure, ContainerInfo>;
  readonly removeContainer: (names: ReadonlyArray<string>, options?: { readonly ignoreMissing?: boolean }) => TE.TaskEither<Failure, ContainerRemoval>;
  readonly check: (options?: { readonly repair?: boolean }) => TE.TaskEither<Failure, CheckReport>;
  readonly tags: (repository: string, options?: RegistryOptions) => TE.TaskEither<Failure, ReadonlyArray<string>>;
  readonly inspectRemote: (name: string, options?: InspectRemoteOptions) => TE.TaskEither<Failure, RemoteDetails>;
  readonly remoteManifest: (name: string, options?: RegistryOptions) => TE.TaskEither<Failure, { readonly bytes: Uint8Array; readonly mediaType: string; readonly digest: string }>;
  readonly remoteConfig: (name: string, options?: RegistryOptions) => TE.TaskEither<Failure, string>;
  readonly deleteRemote: (name: string, options?: RegistryOptions) => TE.TaskEither<Failure, string>;
  readonly login: (registry: string, username: string, password: string, options?: RegistryOptions) => TE.TaskEither<Failure, void>;
  readonly logout: (registry?: string, options?: { readonly authFile?: string }) => TE.TaskEither<Failure, boolean>;
  readonly trust: () => TE.TaskEither<Failure, TrustReport>;
  readonly setTrust: (scope: string, type: TrustType, keys?: ReadonlyArray<string>) => TE.TaskEither<Failure, void>;
  readonly writeSigstoreKeyPair: (prefix: string, passphrase: { readonly text: string } | { readonly file: string }) => TE.TaskEither<Failure, { readonly privateKey: string; readonly publicKey: string }>;
}

/** berth as a library: the same operations as the CLI, as Promises that throw {@link BerthError}, or as TaskEithers in `te`. */
export interface Berth {
  /** Pulls a name (short names resolved as podman does) into the store; gives the image ID. */
  readonly pull: (name: string, request?: PullRequest) => Promise<{ readonly id: string }>;
  /** Pulls every tag of a repository (a name without tag or digest); gives each name and image ID. */
  readonly pullAllTags: (repository: string, request?: PullRequest) => Promise<ReadonlyArray<{ readonly name: string; readonly id: string }>>;
  /** What a pull would do: the candidate it would come from and the copy plan; nothing is written. */
  readonly planPull: (name: string, request?: PullRequest) => Promise<{ readonly name: string; readonly plan: CopyPlan }>;
  /** Copies between any two transports (`docker://`, `store:`, `oci:`, `oci-archive:`, `docker-archive:`, `dir:`, and yours). */
  readonly copy: (source: string, destination: string, options?: CopyOptions) => Promise<CopyResult>;
  /** The plan a copy would carry out; nothing is written on either side. */
  readonly planCopy: (source: string, destination: string, options?: CopyOptions) => Promise<CopyPlan>;
  /** Copies every image of a repository, directory or YAML list to a registry or directory, as `skopeo sync`, skipping what is already there. */
  readonly sync: (source: string, destination: string, options?: SyncOptions) => Promise<SyncResult>;
  /** Makes a manifest list (an OCI index under a name in the store), with `images` in it; gives its record. */
  readonly manifestCreate: (name: string, images?: ReadonlyArray<string>, options?: ListAddOptions) => Promise<ListRecord>;
  /** Adds an image (`docker://` unless another transport is named) to a list, recording its descriptor and platform without pulling its layers. */
  readonly manifestAdd: (list: string, image: string, options?: ListAddOptions) => Promise<ListRecord>;
  /** Changes what a list records about an instance (by digest, or an image of the store). */
  readonly manifestAnnotate: (list: string, instance: string, changes: EntryChanges) => Promise<ListRecord>;
  /** Takes an instance out of a list. */
  readonly manifestRemove: (list: string, instance: string) => Promise<ListRecord>;
  /** A list of the store, or else the index or manifest a registry serves for the name. */
  readonly manifestInspect: (name: string, options?: RegistryOptions) => Promise<ListDocument>;
  /** Pushes a list: every instance (digests kept, blobs read from where each was added from), then the index. */
  readonly manifestPush: (list: string, destination: string, options?: ListPushRequest) => Promise<CopyResult>;
  /** Removes lists; one result per name, in order. */
  /** What pushing a list would do (every instance's copy plan, then the index); nothing is written. */
  readonly planManifestPush: (list: string, destination: string, options?: ListPushRequest) => Promise<CopyPlan>;
  readonly manifestRm: (names: ReadonlyArray<string>) => Promise<ReadonlyArray<E.Either<Failure, ListRecord>>>;
  /** Whether the store has a list of that name. */
  readonly manifestExists: (name: string) => Promise<boolean>;
  /** An image in any transport (`oci:`, `dir:`, `oci-archive:`, `docker-archive:`, `docker://`, yours) as skopeo inspect shows it: details, or with `raw`/`config` the documents. */
  readonly inspectImage: (name: string, options?: InspectImageOptions) => Promise<Inspected>;
  /** The digest of the manifest a name points to (an index's, for a multi-platform image), as crane digest: a transport-qualified name, else an image of the store, else a registry's. */
  readonly digest: (name: string, options?: RegistryOptions) => Promise<string>;
  /** The digest of the manifest in a file, as `skopeo manifest-digest` (a signed schema 1 manifest without its signatures). */
  readonly manifestDigest: (file: string) => Promise<string>;
  /** Signs a manifest file for a name with a GPG key of the user's keyring, into a file (`skopeo standalone-sign`). */
  readonly standaloneSign: (manifestFile: string, name: string, fingerprint: string, output: string, options?: { readonly passphraseFile?: string }) => Promise<void>;
  /** Checks a signature file of a manifest file for a name against the user's keyring and the given fingerprints (`skopeo standalone-verify`). */
  readonly standaloneVerify: (manifestFile: string, name: string, fingerprints: ReadonlyArray<string>, signatureFile: string) => Promise<StandaloneVerified>;
  /** Whether the store has an image by that name or ID (podman's `image exists`). */
  readonly exists: (name: string) => Promise<boolean>;
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
  readonly remove: (names: ReadonlyArray<string>, options?: RemoveOptions) => Promise<RemovalReport>;
  /** Removes dangling images (with `all`, every image no container uses); gives the IDs removed. */
  readonly prune: (options?: PruneOptions) => Promise<ReadonlyArray<string>>;
  /** Makes a one-layer image from a root-filesystem tarball (a path, or bytes as they stream; plain or gzip). */
  readonly import: (tarball: string | AsyncIterable<Uint8Array>, options?: ImportRequest) => Promise<{ readonly id: string }>;
  /** Saves images as `podman save` (docker-archive, oci-archive, oci-dir, docker-dir) to a path or a stream. */
  readonly save: (request: SaveRequest) => Promise<void>;
  /** Loads every image and name of an archive (a path or bytes as they stream; plain or gzip) or OCI layout; gives the names loaded. */
  readonly load: (archive: string | AsyncIterable<Uint8Array>, onLoaded?: (name: string) => void) => Promise<ReadonlyArray<string>>;
  /** Pushes an image of the store to a registry (default: the name it was found by), mounting blobs the registry has under the image's other names. */
  readonly push: (image: string, destination?: string, options?: PushOptions) => Promise<CopyResult>;
  /** What a push would do; nothing is written to the registry. */
  readonly planPush: (image: string, destination?: string, options?: PushOptions) => Promise<CopyPlan>;
  /** Where a name would be pulled from and why: the candidates in order, with their mirrors (as `berth resolve`). */
  readonly resolve: (name: string, options?: { readonly tty?: boolean }) => Promise<ResolutionPlan>;
  /** The history entries of an image's config, oldest first. */
  readonly history: (name: string) => Promise<ReadonlyArray<HistoryEntry>>;
  /** The history as `berth history` shows it: newest first, with the image ID, the size of each entry's layer and the names. */
  readonly historyRows: (name: string) => Promise<ReadonlyArray<HistoryRow>>;
  /** An image's layers by chain ID, with their sizes and the images each is the top layer of (podman's `image tree`). */
  readonly layerTree: (name: string) => Promise<LayerTree>;
  /** Unpacks an image's root filesystem into the store, or counts one more mount of it; gives where it is (podman's `image mount`). */
  readonly mountImage: (name: string) => Promise<MountedImage>;
  /** Takes one mount of an image away (every one with `force`); the tree goes with the last (podman's `image umount`). */
  readonly unmountImage: (name: string, options?: { readonly force?: boolean }) => Promise<{ readonly id: string; readonly unmounted: boolean }>;
  /** The images mounted now. */
  readonly mountedImages: () => Promise<ReadonlyArray<MountedImage>>;
  /** Signs an image in a registry (`docker://NAME`) with a GPG key into a lookaside directory (podman's `image sign`); gives the manifest digests signed. */
  readonly signImage: (name: string, options: SignImageOptions & RegistryOptions) => Promise<ReadonlyArray<string>>;
  /** Unpacks an image into a new root filesystem in the store (`berth create`), layer by layer, safely. */
  readonly create: (image: string, options?: CreateRequest) => Promise<ContainerInfo>;
  readonly containers: () => Promise<ReadonlyArray<ContainerInfo>>;
  /** One container, by name or ID prefix (`berth mount` prints its `rootfs`). */
  readonly container: (name: string) => Promise<ContainerInfo>;
  /** Removes containers by name or ID prefix; gives the IDs removed and the names that matched none. */
  readonly removeContainer: (names: ReadonlyArray<string>, options?: { readonly ignoreMissing?: boolean }) => Promise<ContainerRemoval>;
  /** Checks every image's blobs, index.json and containers (`berth check`); `repair` rolls back what is incomplete. */
  readonly check: (options?: { readonly repair?: boolean }) => Promise<CheckReport>;
  /** Every tag of a repository in a registry (paged as the registry pages them). */
  /** The tags of a repository in a registry; for `docker-archive:FILE`, the names of the archive's images. */
  readonly tags: (repository: string, options?: RegistryOptions) => Promise<ReadonlyArray<string>>;
  /** An image in a registry as `skopeo inspect` shows it, without pulling it. */
  readonly inspectRemote: (name: string, options?: InspectRemoteOptions) => Promise<RemoteDetails>;
  /** The manifest a name points to in a registry, as served (`inspect --raw`). */
  readonly remoteManifest: (name: string, options?: RegistryOptions) => Promise<{ readonly bytes: Uint8Array; readonly mediaType: string; readonly digest: string }>;
  /** The config of an image in a registry, as text (`inspect --config`). */
  readonly remoteConfig: (name: string, options?: RegistryOptions) => Promise<string>;
  /** Deletes the manifest a name points to in a registry; gives its digest. */
  readonly deleteRemote: (name: string, options?: RegistryOptions) => Promise<string>;
  /** Checks credentials against the registry, then saves them (a wrong password saves nothing). */
  readonly login: (registry: string, username: string, password: string, options?: RegistryOptions) => Promise<void>;
  /** Forgets the credentials for a registry (all of them without one); says whether there were any. */
  readonly logout: (registry?: string, options?: { readonly authFile?: string }) => Promise<boolean>;
  /** The signature policy in words, one row per transport, scope and requirement (`trust show`). */
  readonly trust: () => Promise<TrustReport>;
  /** Sets what a scope requires (`default`, or a docker scope), keeping the policy file valid (`trust set`). */
  readonly setTrust: (scope: string, type: TrustType, keys?: ReadonlyArray<string>) => Promise<void>;
  /** Writes a new sigstore key pair, `PREFIX.private` (sealed) and `PREFIX.pub`. */
  readonly writeSigstoreKeyPair: (prefix: string, passphrase: { readonly text: string } | { readonly file: string }) => Promise<{ readonly privateKey: string; readonly publicKey: string }>;
  readonly te: BerthTaskEithers;
  /** Warnings found while reading the configuration (unknown keys). */
  readonly warnings: ReadonlyArray<string>;
}

const run = async <A>(task: TE.TaskEither<Failure | ReadonlyArray<Failure>, A>): Promise<A> => {
  const r = await task();
  if (E.isRight(r)) return r.right;
  throw new BerthError(Array.isArray(r.left) ? r.left : [r.left as Failure]);
};

/** The calls whose failures are a list (a pull tries several candidates). */
const listed: ReadonlySet<string> = new Set(["pull", "pullAllTags", "planPull"]);

/**
 * Every call settles with a value: an exception that escapes one (a bug, or a
 * caller's plugin that throws) becomes a Left naming the call, never a
 * rejected promise.
 */
const settledAll = (calls: BerthTaskEithers): BerthTaskEithers =>
  Object.fromEntries(
    Object.entries(calls).map(([name, call]) => [
      name,
      (...args: unknown[]) =>
        async () => {
          try {
            return await (call as (...a: unknown[]) => TE.TaskEither<unknown, unknown>)(...args)();
          } catch (e) {
            const f = failure("UNKNOWN", `${name}: ${e instanceof Error ? e.message : String(e)}`);
            return E.left(listed.has(name) ? [f] : f);
          }
        },
    ]),
  ) as unknown as BerthTaskEithers;

/** A call's registry options as the context's access. */
const accessOf = (o: RegistryOptions & { readonly noCreds?: boolean } = {}): RegistryAccess => ({
  ...(o.tlsVerify === undefined ? {} : { tlsVerify: o.tlsVerify }),
  ...(o.certDir === undefined ? {} : { certDir: o.certDir }),
  ...(o.authFile === undefined ? {} : { authFile: o.authFile }),
  ...(o.creds === undefined ? {} : { creds: o.creds }),
  ...(o.retries === undefined ? {} : { retries: o.retries }),
  ...(o.registryToken === undefined ? {} : { registryToken: o.registryToken }),
  ...(o.noCreds === true ? { noCreds: true } : {}),
});

/**
 * Opens berth: reads registries.conf and builds the one context every call
 * uses. The store is made on the first write; the signature policy is read
 * when the first image is copied.
 */
export const openBerthTE =
  (options: BerthOptions = {}): TE.TaskEither<Failure, Berth> =>
  async () => {
    const ctx = await createContext(options);
    return E.isLeft(ctx) ? ctx : E.right(berthOver(ctx.right));
  };

/** {@link openBerthTE} as a Promise; a failure throws {@link BerthError}. */
export const openBerth = (options: BerthOptions = {}): Promise<Berth> => run(openBerthTE(options));

/** A signer given, or made from a request (reading its key), or none. */
const signerOf = async (o: { readonly signer?: Signer; readonly sign?: SignRequest }): Promise<E.Either<Failure, Signer | undefined>> =>
  o.signer !== undefined ? E.right(o.signer) : o.sign === undefined ? E.right(undefined) : signerFor(o.sign);

const berthOver = (ctx: BerthContext): Berth => {
  const platformOf = (p: Platform | undefined): Platform => p ?? hostPlatform();

  /** The image a name or ID points to in the store as it is now, with the name it was found by, and the state. */
  const findImage = async (name: string): Promise<E.Either<Failure, { readonly image: ImageRecord; readonly name?: string; readonly state: StoreState }>> => {
    const state = await readState(ctx.store);
    if (E.isLeft(state)) return state;
    const found = ctx.lookup(name, state.right.images);
    return E.isLeft(found) ? found : E.right({ ...found.right, state: state.right });
  };

  /** Looks an image up by name and reads its manifest and config, then gives `f` of them. */
  const withImage =
    <A>(name: string, f: (image: ImageRecord, state: StoreState, docs: { manifest: ImageManifest; config: ImageConfig }) => A): TE.TaskEither<Failure, A> =>
    async () => {
      const found = await findImage(name);
      if (E.isLeft(found)) return found;
      const docs = await readImageDocuments(ctx.store, found.right.image);
      return E.isLeft(docs) ? docs : E.right(f(found.right.image, found.right.state, docs.right));
    };

  const pullOptions = (request: PullRequest) => ({
    platform: platformOf(request.platform),
    access: accessOf(request),
    ...(request.policy === undefined ? {} : { policy: request.policy }),
    ...(request.choose === undefined ? {} : { choose: request.choose }),
    ...(request.onMessage === undefined ? {} : { onMessage: request.onMessage }),
    ...(request.onEvent === undefined ? {} : { onEvent: request.onEvent }),
    ...(request.signal === undefined ? {} : { signal: request.signal }),
  });

  const listAddOptions = (o: ListAddOptions) => ({
    ...o,
    access: accessOf(o),
  });

  const copyRequest = (source: string, destination: string, o: CopyOptions, signer: Signer | undefined): CopyRequest => ({
    source,
    destination,
    src: accessOf({ ...o.src, ...(o.srcCreds === undefined ? {} : { creds: o.srcCreds }) }),
    dest: accessOf({ ...o.dest, ...(o.destCreds === undefined ? {} : { creds: o.destCreds }) }),
    platform: platformOf(o.platform),
    ...(o.all === undefined ? {} : { all: o.all }),
    ...(o.format === undefined ? {} : { format: o.format }),
    ...(o.compression === undefined ? {} : { compression: o.compression }),
    ...(o.preserveDigests === undefined ? {} : { preserveDigests: o.preserveDigests }),
    ...(o.removeSignatures === undefined ? {} : { removeSignatures: o.removeSignatures }),
    ...(o.additionalTags === undefined ? {} : { additionalTags: o.additionalTags }),
    ...(o.referrers === undefined ? {} : { referrers: o.referrers }),
    ...(o.onEvent === undefined ? {} : { onEvent: o.onEvent }),
    ...(o.signal === undefined ? {} : { signal: o.signal }),
    ...(signer === undefined ? {} : { signer }),
  });

  const pushRequest = (image: string, destination: string | undefined, o: PushOptions, signer: Signer | undefined) => ({
    image,
    ...(destination === undefined ? {} : { destination }),
    access: accessOf(o),
    ...(o.format === undefined ? {} : { format: o.format }),
    ...(o.compression === undefined ? {} : { compression: o.compression }),
    ...(o.onEvent === undefined ? {} : { onEvent: o.onEvent }),
    ...(o.onSigning === undefined ? {} : { onSigning: o.onSigning }),
    ...(o.signal === undefined ? {} : { signal: o.signal }),
    ...(signer === undefined ? {} : { signer }),
  });

  const te: BerthTaskEithers = settledAll({
    pull: (name, request = {}) => async () => {
      const r = await pullName(ctx, name, pullOptions(request));
      return E.isLeft(r) ? r : E.right({ id: r.right });
    },
    pullAllTags: (repository, request = {}) => () => pullAllTags(ctx, repository, pullOptions(request)),
    planPull: (name, request = {}) => () => planPull(ctx, name, pullOptions(request)),
    copy: (source, destination, o = {}) => async () => {
      const signer = await signerOf(o);
      return E.isLeft(signer) ? signer : copyByName(ctx, copyRequest(source, destination, o, signer.right));
    },
    planCopy: (source, destination, o = {}) => () => planByName(ctx, copyRequest(source, destination, o, undefined)),
    manifestCreate: (name, images = [], o = {}) => () => createList(ctx, name, images, listAddOptions(o)),
    manifestAdd: (list, image, o = {}) => () => addToList(ctx, list, image, listAddOptions(o)),
    manifestAnnotate: (list, instance, changes) => () => annotateList(ctx, list, instance, changes),
    manifestRemove: (list, instance) => () => removeFromList(ctx, list, instance),
    manifestInspect: (name, o = {}) => async () => {
      if (!name.startsWith("docker://")) {
        const local = await findList(ctx, name);
        if (E.isLeft(local)) return local;
        if (local.right !== undefined) return E.right({ bytes: local.right.bytes, mediaType: local.right.list.mediaType, digest: local.right.list.digest, list: local.right.list });
      }
      return withRemote(ctx, name, accessOf(o), false, remoteManifest);
    },
    manifestPush: (list, destination, o = {}) => () =>
      pushList(ctx, list, destination, {
        access: accessOf(o),
        ...(o.rm === undefined ? {} : { rm: o.rm }),
        ...(o.format === undefined ? {} : { format: o.format }),
        ...(o.signal === undefined ? {} : { signal: o.signal }),
        ...(o.onEvent === undefined ? {} : { onEvent: o.onEvent }),
      }),
    planManifestPush: (list, destination, o = {}) => () => planListPush(ctx, list, destination, { access: accessOf(o), ...(o.format === undefined ? {} : { format: o.format }) }),
    manifestRm: (names) => async () => E.right(await removeLists(ctx, names)),
    inspectImage: (name, o = {}) => () =>
      inspectByName(ctx, name, o.raw === true ? "raw" : o.config === true ? "config" : "details", { access: accessOf(o), ...(o.platform === undefined ? {} : { platform: o.platform }) }),
    manifestDigest: (file) => () => manifestFileDigest(file),
    standaloneSign: (manifestFile, name, fingerprint, output, o = {}) => () => standaloneSign(manifestFile, name, fingerprint, output, o.passphraseFile),
    standaloneVerify: (manifestFile, name, fingerprints, signatureFile) => () => standaloneVerify(manifestFile, name, fingerprints, signatureFile),
    digest: (name, o = {}) => async () => {
      if (E.isRight(parseImageName(name, ctx.plugins))) {
        const r = await inspectByName(ctx, name, "raw", { access: accessOf(o) });
        return E.isLeft(r) ? r : r.right.kind === "raw" ? E.right(r.right.manifest.digest) : E.left(failure("INVALID_MANIFEST", `${name}: no manifest`));
      }
      const state = await readState(ctx.store);
      if (E.isLeft(state)) return state;
      const local = ctx.lookup(name, state.right.images);
      if (E.isRight(local)) return E.right(local.right.image.manifestDigest);
      const remote = await withRemote(ctx, name, accessOf(o), false, remoteManifest);
      return E.isLeft(remote) ? remote : E.right(remote.right.digest);
    },
    exists: (name) => async () => {
      const state = await readState(ctx.store);
      if (E.isLeft(state)) return state;
      return E.right(E.isRight(ctx.lookup(name, state.right.images)));
    },
    manifestExists: (name) => async () => {
      const found = await findList(ctx, name);
      return E.isLeft(found) ? found : E.right(found.right !== undefined);
    },
    sync: (source, destination, o = {}) => () => {
      const { sourceKind = "docker", destinationKind = "docker", src, dest, ...rest } = o;
      return sync(ctx, { ...rest, source, destination, sourceKind, destinationKind, src: accessOf(src), dest: accessOf(dest) });
    },
    images: (o = {}) => async () => {
      const state = await readState(ctx.store);
      if (E.isLeft(state)) return state;
      const selected = selectImages(ctx, state.right, o.filters ?? [], o.all === true);
      if (E.isLeft(selected)) return selected;
      const tree = imageTree(state.right.images);
      const counts = new Map<string, number>();
      for (const c of state.right.containers) counts.set(c.imageId, (counts.get(c.imageId) ?? 0) + 1);
      return E.right(selected.right.map((i) => imageJson(i, state.right, tree, counts)));
    },
    inspect: (name) => withImage(name, (image, state, docs) => inspectJson(image, state, docs.manifest, docs.config)),
    tag: (name, ...names) => () => renameImage(ctx, name, names, (id, ns) => (state) => E.right(addNames(id, ns)(state))),
    untag: (name, ...names) => () => renameImage(ctx, name, names, removeNames),
    remove: (names, o = {}) => () =>
      removeWith(
        ctx,
        (state) => ({
          inputs: names,
          ...(o.all === true ? { imageIds: state.images.map((i) => i.id) } : {}),
          force: o.force === true,
          ignore: o.ignore === true,
          noPrune: o.noPrune === true,
        }),
        o.dryRun === true,
      ),
    prune: (o = {}) => () => pruneImages(ctx, o),
    save: (request) => () => saveImages(ctx, request),
    load: (archive, onLoaded) => () => loadArchive(ctx, archive, onLoaded),
    push: (image, destination, o = {}) => async () => {
      const signer = await signerOf(o);
      return E.isLeft(signer) ? signer : pushImage(ctx, pushRequest(image, destination, o, signer.right));
    },
    planPush: (image, destination, o = {}) => () => planPush(ctx, pushRequest(image, destination, o, undefined)),
    resolve: (name, o = {}) => async () => {
      const cache = await loadAliasCache(ctx.host);
      if (E.isLeft(cache)) return cache;
      return resolveShortName(name, ctx.config, { tty: o.tty === true, aliasCache: cache.right });
    },
    history: (name) => withImage(name, (_image, _state, docs) => docs.config.history ?? []),
    historyRows: (name) => withImage(name, (image, _state, docs) => historyRows(image, docs.manifest, docs.config)),
    signImage: (name, o) => () => signRegistryImage(ctx, name, accessOf(o), o),
    mountImage: (name) => async () => {
      const found = await findImage(name);
      if (E.isLeft(found)) return found;
      const image = found.right.image;
      const path = await mountImage(ctx.store, image, ctx.maxLayerBytes);
      return E.isLeft(path) ? path : E.right({ id: image.id, names: image.names, path: path.right });
    },
    unmountImage: (name, o = {}) => async () => {
      const found = await findImage(name);
      if (E.isLeft(found)) return found;
      const r = await unmountImage(ctx.store, found.right.image.id, o.force === true);
      return E.isLeft(r) ? r : E.right({ id: found.right.image.id, unmounted: r.right });
    },
    mountedImages: () => async () => {
      const state = await readState(ctx.store);
      if (E.isLeft(state)) return state;
      const mounts = state.right.imageMounts ?? {};
      return E.right(state.right.images.filter((i) => (mounts[i.id] ?? 0) > 0).map((i) => ({ id: i.id, names: i.names, path: imageMountPath(ctx.store, i.id) })));
    },
    layerTree: (name) => withImage(name, (image, state, docs) => layerTree(sha256Text)(image, state.images, docs.manifest.layers.map((l) => l.size))),
    create: (image, o = {}) => async () => {
      const found = await findImage(image);
      if (E.isLeft(found)) return found;
      const c = await createContainer(ctx.store, found.right.image, found.right.name ?? image, {
        ...(o.name === undefined ? {} : { name: o.name }),
        ...(o.command === undefined ? {} : { command: o.command }),
        maxLayerBytes: ctx.maxLayerBytes,
        created: new Date().toISOString(),
      });
      return E.isLeft(c) ? c : E.right({ ...c.right, rootfs: rootfsOf(ctx.store, c.right.id) });
    },
    containers: () => async () => {
      const state = await readState(ctx.store);
      return E.isLeft(state) ? state : E.right(state.right.containers.map((c) => ({ ...c, rootfs: rootfsOf(ctx.store, c.id) })));
    },
    container: (name) => async () => {
      const state = await readState(ctx.store);
      if (E.isLeft(state)) return state;
      const c = findContainer(state.right.containers, name);
      return E.isLeft(c) ? c : E.right({ ...c.right, rootfs: rootfsOf(ctx.store, c.right.id) });
    },
    removeContainer: (names, o = {}) => async () => {
      const r = await removeContainers(ctx.store, names, o.ignoreMissing === true);
      return E.isLeft(r) ? r : E.right({ removed: r.right.removed.map((c) => c.id), asked: r.right.asked, errors: r.right.errors });
    },
    check: (o = {}) => () => checkStore(ctx.store, o.repair === true),
    tags: (repository, o = {}) => () =>
      repository.startsWith("docker-archive:") ? dockerArchiveNames(repository.slice("docker-archive:".length)) : withRemote(ctx, repository, accessOf(o), false, (r) => r.client.listTags()),
    inspectRemote: (name, o = {}) => () =>
      withRemote(ctx, name, accessOf(o), false, (r) => remoteDetails(r, name, { ...(o.platform === undefined ? {} : { platform: o.platform }), ...(o.noTags === true ? { noTags: true } : {}) })),
    remoteManifest: (name, o = {}) => () => withRemote(ctx, name, accessOf(o), false, remoteManifest),
    remoteConfig: (name, o = {}) => async () => {
      const r = await withRemote(ctx, name, accessOf(o), false, (remote) => remoteConfig(remote, name));
      return E.isLeft(r) ? r : E.right(r.right.text);
    },
    deleteRemote: (name, o = {}) => () => withRemote(ctx, name, accessOf(o), true, deleteRemote),
    login: (registry, username, password, o = {}) => () => login(ctx, { registry, username, password, access: accessOf(o) }),
    logout: (registry, o = {}) => () => logout(ctx, registry, o.authFile),
    trust: () => () => showTrust(ctx.host, ctx.scopeRules, ctx.options.signaturePolicy),
    setTrust: (scope, type, keys = []) => () => setTrust(ctx.host, ctx.scopeRules, scope, type, keys, ctx.options.signaturePolicy),
    writeSigstoreKeyPair: (prefix, passphrase) => () => writeSigstoreKeyPair(prefix, passphrase),
    import: (tarball, o = {}) => async () => {
      if (typeof tarball === "string") {
        const s = await stat(tarball).catch(() => undefined);
        if (s === undefined) return E.left(failure("INVALID_ARCHIVE", `${tarball}: no such file`));
        if (!s.isFile()) return E.left(failure("INVALID_ARCHIVE", `${tarball}: ${s.isDirectory() ? "is a directory" : "not a regular file"}`));
      }
      const r = await importTarball(ctx.store, typeof tarball === "string" ? createReadStream(tarball) : tarball, {
        ...o,
        created: new Date().toISOString(),
        source: typeof tarball === "string" ? tarball : "-",
      });
      return E.isLeft(r) ? r : E.right({ id: r.right.id });
    },
  });
  return {
    pull: (name, request) => run(te.pull(name, request)),
    pullAllTags: (repository, request) => run(te.pullAllTags(repository, request)),
    planPull: (name, request) => run(te.planPull(name, request)),
    copy: (source, destination, o) => run(te.copy(source, destination, o)),
    planCopy: (source, destination, o) => run(te.planCopy(source, destination, o)),
    sync: (source, destination, o) => run(te.sync(source, destination, o)),
    manifestCreate: (name, images, o) => run(te.manifestCreate(name, images, o)),
    manifestAdd: (list, image, o) => run(te.manifestAdd(list, image, o)),
    manifestAnnotate: (list, instance, changes) => run(te.manifestAnnotate(list, instance, changes)),
    manifestRemove: (list, instance) => run(te.manifestRemove(list, instance)),
    manifestInspect: (name, o) => run(te.manifestInspect(name, o)),
    manifestPush: (list, destination, o) => run(te.manifestPush(list, destination, o)),
    planManifestPush: (list, destination, o) => run(te.planManifestPush(list, destination, o)),
    manifestRm: (names) => run(te.manifestRm(names)),
    manifestExists: (name) => run(te.manifestExists(name)),
    inspectImage: (name, o) => run(te.inspectImage(name, o)),
    digest: (name, o) => run(te.digest(name, o)),
    manifestDigest: (file) => run(te.manifestDigest(file)),
    standaloneSign: (manifestFile, name, fingerprint, output, o) => run(te.standaloneSign(manifestFile, name, fingerprint, output, o)),
    standaloneVerify: (manifestFile, name, fingerprints, signatureFile) => run(te.standaloneVerify(manifestFile, name, fingerprints, signatureFile)),
    exists: (name) => run(te.exists(name)),
    images: (o) => run(te.images(o)),
    inspect: (name) => run(te.inspect(name)),
    tag: (name, ...names) => run(te.tag(name, ...names)),
    untag: (name, ...names) => run(te.untag(name, ...names)),
    remove: (names, o) => run(te.remove(names, o)),
    prune: (o) => run(te.prune(o)),
    import: (tarball, o) => run(te.import(tarball, o)),
    save: (request) => run(te.save(request)),
    load: (archive, onLoaded) => run(te.load(archive, onLoaded)),
    push: (image, destination, o) => run(te.push(image, destination, o)),
    planPush: (image, destination, o) => run(te.planPush(image, destination, o)),
    resolve: (name, o) => run(te.resolve(name, o)),
    history: (name) => run(te.history(name)),
    historyRows: (name) => run(te.historyRows(name)),
    layerTree: (name) => run(te.layerTree(name)),
    signImage: (name, o) => run(te.signImage(name, o)),
    mountImage: (name) => run(te.mountImage(name)),
    unmountImage: (name, o) => run(te.unmountImage(name, o)),
    mountedImages: () => run(te.mountedImages()),
    create: (image, o) => run(te.create(image, o)),
    containers: () => run(te.containers()),
    container: (name) => run(te.container(name)),
    removeContainer: (names, o) => run(te.removeContainer(names, o)),
    check: (o) => run(te.check(o)),
    tags: (repository, o) => run(te.tags(repository, o)),
    inspectRemote: (name, o) => run(te.inspectRemote(name, o)),
    remoteManifest: (name, o) => run(te.remoteManifest(name, o)),
    remoteConfig: (name, o) => run(te.remoteConfig(name, o)),
    deleteRemote: (name, o) => run(te.deleteRemote(name, o)),
    login: (registry, username, password, o) => run(te.login(registry, username, password, o)),
    logout: (registry, o) => run(te.logout(registry, o)),
    trust: () => run(te.trust()),
    setTrust: (scope, type, keys) => run(te.setTrust(scope, type, keys)),
    writeSigstoreKeyPair: (prefix, passphrase) => run(te.writeSigstoreKeyPair(prefix, passphrase)),
    te,
    warnings: ctx.warnings,
  };
};

/** The architecture this machine runs, as image platforms name it (`amd64`, `arm64`, …). */
export { hostArchitecture } from "../platform.ts";
