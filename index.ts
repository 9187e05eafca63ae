/**
 * berth: a daemonless container-image toolkit for Node and Deno.
 *
 * @packageDocumentation
 */
export { categoryOf, failureCategories, type Failure, type FailureCategory, type FailureCode } from "./core/failure.ts";
export * from "./core/reference/index.ts";
export * from "./core/transport/index.ts";
export * from "./core/registries/index.ts";
export * from "./core/auth/index.ts";
export { builtinTransports, type BuiltinImageName, type BuiltinReference } from "./plugins/builtin.ts";
export type { DirReference } from "./plugins/dir/reference.ts";
export type { DockerArchiveReference } from "./plugins/docker-archive/reference.ts";
export type { DockerReference } from "./plugins/docker/reference.ts";
export type { OciLayoutReference } from "./plugins/oci/reference.ts";
export type { StoreReference } from "./plugins/store/reference.ts";
export type { TarballReference } from "./plugins/tarball/reference.ts";
export type { StandaloneVerified } from "./adapters/api/standalone.ts";
export type { SignImageOptions } from "./adapters/api/image-sign.ts";
export type { LayerTree, TreeLayer } from "./core/store/index.ts";
export {
  openBerth,
  openBerthTE,
  type Berth,
  type BerthOptions,
  type BerthTaskEithers,
  type ContainerInfo,
  type ContainerRemoval,
  type MountedImage,
  type CreateRequest,
  type CopyOptions,
  type ImageDetails,
  type ImageSummary,
  type ImportRequest,
  type OperationOptions,
  type PullPolicy,
  type PullRequest,
  type PushOptions,
  type RegistryAccess,
  type RegistryOptions,
  type RemoveOptions,
  type SignRequest,
  type SyncOptions,
  type ListAddOptions,
  type ListDocument,
  type ListPushRequest,
  type InspectImageOptions,
  type InspectRemoteOptions,
  type TrustReport,
} from "./adapters/api/berth.ts";
export type { BlobStep, CopyPlan, InstanceStep, Location, ManifestStep, SignatureStep } from "./core/copy/index.ts";
export { describePlan } from "./core/copy/index.ts";
export { BerthError, exitCodeFor } from "./adapters/api/errors.ts";
export { exitCodes, type ExitCode } from "./adapters/api/exit-codes.ts";
export type { CopyEvent, CopyResult } from "./adapters/copy/engine.ts";
export type { TransportPlugin, ImageSource, ImageDestination, RawManifest, StoredSignature } from "./plugins/contract.ts";
export type { SaveFormat, SaveRequest } from "./adapters/api/save.ts";
export type { SyncEvent, SyncResult, SyncedImage } from "./adapters/api/sync.ts";
export type { SyncDestinationKind, SyncSourceKind, SyncStep } from "./core/sync/index.ts";
export type { EntryChanges, ListInstance, ListRecord } from "./core/store/index.ts";
export type { Inspected } from "./adapters/api/inspect-any.ts";
export type { Descriptor, HistoryEntry, ImageConfig, ImageManifest, ManifestFormat, Platform, RunConfig } from "./core/manifest/index.ts";
export type { RemovalPlan, RemovalStep, ImageRecord } from "./core/store/index.ts";
export type { Signer } from "./adapters/signature/signer.ts";
export type { BlobRole } from "./adapters/copy/engine.ts";
export type { CommitResult } from "./plugins/contract.ts";
export type { InvalidDocument } from "./core/codec.ts";
export { saveFormats } from "./adapters/api/save.ts";
export type { RemovalError } from "./core/store/index.ts";
export type { Result as FragmentResult } from "./core/registries/fragment.ts";
export type { ImportOptions } from "./plugins/tarball/import.ts";
export type { BuiltinContext, RegistryConversation } from "./plugins/builtin-context.ts";
export type { RegistryClient, RegistryContext, RepositoryEndpoint, RegistryCredentials } from "./plugins/docker/registry.ts";
export type { Credentials } from "./adapters/config/auth.ts";
export type { HostEnvironment } from "./adapters/config/environment.ts";
export type { HttpClient, HttpRequest, HttpResponse, NetworkTimeouts, TlsOptions } from "./adapters/http/client.ts";
export type { CopyFailure, CopyStage } from "./adapters/copy/engine.ts";
export type { ImageLookup, LookupResult } from "./core/store/index.ts";
export type { Store } from "./adapters/store/store.ts";
export type { CheckReport, Finding } from "./adapters/store/check.ts";
export type { ContainerRecord } from "./core/store/index.ts";
export type { RemoteDetails } from "./adapters/api/remote.ts";
export type { TrustRow, TrustType } from "./adapters/api/trust.ts";
export { generateSigstoreKey } from "./adapters/signature/sigstore-keys.ts";
