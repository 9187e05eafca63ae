import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { applyChanges, importedConfig, importedManifest, mediaTypes, type RunConfig } from "../../core/manifest/index.ts";
import { addNames, imageRecordOf, normalizeStoreName } from "../../core/store/index.ts";
import { putBlob, putBytes } from "../../adapters/store/blobs.ts";
import { openClaims, type Claims } from "../../adapters/store/claims.ts";
import { transaction, usedBlobs, type Store } from "../../adapters/store/store.ts";
import { decompressed } from "../../adapters/tar/compression.ts";
import { tarCheck } from "../../adapters/tar/validate.ts";
import { sha256Text } from "../../adapters/store/hash.ts";
import { hostArchitecture } from "../../adapters/platform.ts";

/** `berth import` options. */
export interface ImportOptions {
  /** The name to give the image; without one it is stored by ID only. */
  readonly name?: string;
  /** Dockerfile-style `--change` instructions. */
  readonly changes?: ReadonlyArray<string>;
  readonly message?: string;
  readonly os?: string;
  readonly architecture?: string;
  readonly variant?: string;
  /** The clock, as RFC 3339. */
  readonly created: string;
  /** What was imported (a path, or `-`), for the history. */
  readonly source: string;
}

/** What an import made. */
export interface Imported {
  readonly id: string;
  readonly name?: string;
}

const encode = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

/**
 * Turns a root-filesystem tarball (plain or gzip) into a one-layer image,
 * streaming: the uncompressed tar is hashed and stored as it is read, and is
 * checked to be a tar before it is given its name. A failure stores nothing.
 */
export const importTarball = async (store: Store, input: AsyncIterable<Uint8Array>, options: ImportOptions): Promise<E.Either<Failure, Imported>> => {
  const name = options.name === undefined ? E.right(undefined) : normalizeStoreName(options.name);
  if (E.isLeft(name)) return name;
  const runConfig = applyChanges(options.changes ?? [])({});
  if (E.isLeft(runConfig)) return runConfig;

  let stream: AsyncIterable<Uint8Array>;
  try {
    stream = (await decompressed(input)).stream;
  } catch (e) {
    return E.left(failure("INVALID_ARCHIVE", `${options.source}: ${(e as Error).message}`));
  }
  // A failure of the input itself (a corrupt gzip or zstd stream) is the input's, not the store's, whoever noticed it.
  const read: { failed?: Error } = {};
  const source = stream;
  async function* watched(): AsyncIterable<Uint8Array> {
    try {
      yield* source;
    } catch (e) {
      read.failed = e as Error;
      throw e;
    }
  }
  // Every blob is claimed before it is named, so an rmi running meanwhile cannot take one this import is about to use.
  const claims = openClaims(store);
  const r = await importClaimed(store, watched(), options, name.right, runConfig.right, claims);
  await (E.isRight(r) ? claims.drop() : claims.release(() => usedBlobs(store)));
  return E.isLeft(r) && read.failed !== undefined ? E.left(failure("INVALID_ARCHIVE", `${options.source}: ${read.failed.message}`)) : r;
};

const importClaimed = async (
  store: Store,
  stream: AsyncIterable<Uint8Array>,
  options: ImportOptions,
  name: string | undefined,
  runConfig: RunConfig,
  claims: Claims,
): Promise<E.Either<Failure, Imported>> => {
  const check = tarCheck();
  const layer = await (async () => {
    try {
      return await putBlob(store, check.pass(stream), {
        validate: async () => {
          const r = await check.result();
          return "error" in r ? E.left(failure("INVALID_ARCHIVE", `${options.source}: not a tar archive: ${r.error}`)) : E.right(undefined);
        },
        claim: (digest) => claims.add([digest]),
      });
    } catch (e) {
      return E.left(failure("INVALID_ARCHIVE", `${options.source}: ${(e as Error).message}`));
    }
  })();
  if (E.isLeft(layer)) return layer;

  const facts = {
    diffId: layer.right.digest,
    layerDigest: layer.right.digest,
    layerSize: layer.right.size,
    created: options.created,
    os: options.os ?? "linux",
    architecture: options.architecture ?? hostArchitecture(),
    ...(options.variant === undefined ? {} : { variant: options.variant }),
    config: runConfig,
    message: options.message ?? "imported from tarball",
    source: options.source,
  };
  const config = importedConfig(facts);
  const configBytes = encode(config);
  const configBlob = await putBytes(store, configBytes, { claim: (digest) => claims.add([digest]) });
  if (E.isLeft(configBlob)) return configBlob;
  const manifest = importedManifest(facts, configBlob.right);
  const manifestBytes = encode(manifest);
  const manifestBlob = await putBytes(store, manifestBytes, { claim: (digest) => claims.add([digest]) });
  if (E.isLeft(manifestBlob)) return manifestBlob;

  const record = imageRecordOf({
    manifest,
    manifestDigest: manifestBlob.right.digest,
    manifestMediaType: mediaTypes.ociManifest,
    manifestSize: manifestBytes.byteLength,
    config,
    configDigest: configBlob.right.digest,
    names: [],
  }, sha256Text);
  return transaction(store, async (state) => {
    const without = { ...state, images: state.images.filter((i) => i.id !== record.id) };
    const existing = state.images.find((i) => i.id === record.id);
    const merged = { ...without, images: [...without.images, existing === undefined ? record : { ...record, names: existing.names }] };
    const named = name === undefined ? merged : addNames(record.id, [name])(merged);
    return E.right({
      state: named,
      result: { id: record.id, ...(name === undefined ? {} : { name }) },
      requiredBlobs: record.blobs,
    });
  });
};
