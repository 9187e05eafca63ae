/**
 * berth: a daemonless container-image toolkit for Node and Deno.
 *
 * @packageDocumentation
 */
export type { Failure } from "./core/failure.ts";
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
export { openBerth, openBerthTE, type Berth, type BerthOptions, type BerthTaskEithers, type CopyOptions, type ImageDetails, type ImageSummary, type OperationOptions, type ImportRequest, type PullRequest, type PushOptions, type RemoveOptions } from "./adapters/api/berth.ts";
export { BerthError, exitCodeFor } from "./adapters/api/errors.ts";
export { exitCodes, type ExitCode } from "./adapters/api/exit-codes.ts";
export type { CopyEvent, CopyResult } from "./adapters/copy/engine.ts";
export type { TransportPlugin, ImageSource, ImageDestination, RawManifest, StoredSignature } from "./plugins/contract.ts";
export type { SaveFormat, SaveRequest } from "./adapters/api/save.ts";
