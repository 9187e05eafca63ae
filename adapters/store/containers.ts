import { randomBytes } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { parseDigest } from "../../core/reference/index.ts";
import type { ImageConfig } from "../../core/manifest/index.ts";
import type { ContainerRecord, ImageRecord } from "../../core/store/index.ts";
import { decompressed } from "../tar/compression.ts";
import { blobStream } from "./blobs.ts";
import { readImageDocuments } from "./documents.ts";
import { transaction, type Store } from "./store.ts";
import { applyLayer, UnpackError } from "./unpack.ts";

/** Options for {@link createContainer}. */
export interface CreateOptions {
  readonly name?: string;
  /** What it would run; without one, the image's entrypoint and command. */
  readonly command?: ReadonlyArray<string>;
  /** Largest uncompressed size of one layer (default 16 GiB). */
  readonly maxLayerBytes?: number;
  /** The clock, as RFC 3339. */
  readonly created: string;
}

/**
 * Unpacks an image's layers in order into `root` (made here), each checked
 * against its diff_id and applied safely against hostile entries; gives the
 * image's config. On failure `root` may hold a part: the caller removes it.
 */
export const unpackImage = async (store: Store, image: ImageRecord, root: string, maxLayerBytes = 16 * 1024 ** 3): Promise<E.Either<Failure, ImageConfig>> => {
  const docs = await readImageDocuments(store, image);
  if (E.isLeft(docs)) return docs;
  const { manifest, config } = docs.right;
  if (manifest.layers.length !== config.rootfs.diff_ids.length) {
    return E.left(failure("INVALID_IMAGE", `image ${image.id.slice(0, 12)}: ${manifest.layers.length} layers but ${config.rootfs.diff_ids.length} diff_ids`));
  }
  try {
    await mkdir(root, { recursive: true, mode: 0o755 });
    for (const [i, layer] of manifest.layers.entries()) {
      const digest = parseDigest(layer.digest);
      if (E.isLeft(digest)) throw new UnpackError(`layer ${layer.digest}: ${digest.left.message}`);
      const { stream } = await decompressed(blobStream(store, digest.right));
      await applyLayer(root, stream, { diffId: config.rootfs.diff_ids[i] ?? "", maxBytes: maxLayerBytes, chown: process.getuid?.() === 0 });
    }
    return E.right(config);
  } catch (e) {
    return E.left(failure("UNPACK_FAILED", `${image.id.slice(0, 12)}: ${(e as Error).message}`));
  }
};

/** Where a container's root filesystem is. */
export const rootfsOf = (store: Store, id: string): string => join(store.containersDir, id, "rootfs");

const validName = (name: string): boolean => /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name) && name.length <= 253;

/**
 * Makes a container: unpacks the image's layers in order into a fresh root
 * (each checked against its diff_id, safely against hostile entries), then
 * records it under the lock if the image is still there and the name free.
 * On any failure nothing is left.
 */
export const createContainer = async (
  store: Store,
  image: ImageRecord,
  imageName: string,
  options: CreateOptions,
): Promise<E.Either<Failure, ContainerRecord>> => {
  const id = randomBytes(32).toString("hex");
  const name = options.name ?? `berth_${id.slice(0, 12)}`;
  if (!validName(name)) return E.left(failure("INVALID_NAME", `container name "${name}" must be letters, digits, _ . - and start with a letter or digit`));
  const staging = join(store.containersDir, `${id}.tmp`);
  const unpacked = await unpackImage(store, image, join(staging, "rootfs"), options.maxLayerBytes);
  if (E.isLeft(unpacked)) {
    await rm(staging, { recursive: true, force: true });
    return E.left(failure(unpacked.left.code, `creating a container from ${unpacked.left.message}`));
  }
  try {
    await rename(staging, join(store.containersDir, id));
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    return E.left(failure("UNPACK_FAILED", `creating a container from ${image.id.slice(0, 12)}: ${(e as Error).message}`));
  }
  const config = unpacked.right;
  const run = config.config ?? {};
  const command = options.command !== undefined && options.command.length > 0 ? [...options.command] : [...(run.Entrypoint ?? []), ...(run.Cmd ?? [])];
  const record: ContainerRecord = { id, name, imageId: image.id, imageName, created: options.created, command, labels: { ...(run.Labels ?? {}) } };
  const r = await transaction(store, async (state) => {
    if (!state.images.some((i) => i.id === image.id)) return E.left(failure("IMAGE_NOT_FOUND", `image ${image.id.slice(0, 12)} was removed while the container was being made`));
    if (state.containers.some((c) => c.name === name)) return E.left(failure("NAME_IN_USE", `the container name "${name}" is already in use`));
    return E.right({ state: { ...state, containers: [...state.containers, record] }, result: record });
  });
  if (E.isLeft(r)) await rm(join(store.containersDir, id), { recursive: true, force: true });
  return r;
};

/** Finds a container by name, full ID or ID prefix. */
export const findContainer = (containers: ReadonlyArray<ContainerRecord>, input: string): E.Either<Failure, ContainerRecord> => {
  const byName = containers.find((c) => c.name === input);
  if (byName !== undefined) return E.right(byName);
  const byId = /^[a-f0-9]+$/.test(input) ? containers.filter((c) => c.id.startsWith(input)) : [];
  if (byId.length === 1 && byId[0] !== undefined) return E.right(byId[0]);
  if (byId.length > 1) return E.left(failure("AMBIGUOUS_CONTAINER", `"${input}" matches several containers`));
  return E.left(failure("CONTAINER_NOT_FOUND", `no container with name or ID "${input}" found`));
};

/** Removes containers by name or ID, under the lock; their root filesystems go after the records. */
export const removeContainers = (store: Store, inputs: ReadonlyArray<string>, ignoreMissing: boolean) =>
  transaction(store, async (state) => {
    const gone: ContainerRecord[] = [];
    const asked: string[] = [];
    const errors: Failure[] = [];
    for (const input of inputs) {
      const c = findContainer(state.containers.filter((x) => !gone.includes(x)), input);
      if (E.isRight(c)) {
        gone.push(c.right);
        asked.push(input);
      }
      else if (!(ignoreMissing && c.left.code === "CONTAINER_NOT_FOUND")) errors.push(c.left);
    }
    return E.right({
      state: gone.length === 0 ? state : { ...state, containers: state.containers.filter((c) => !gone.includes(c)) },
      result: { removed: gone, asked, errors },
      afterCommit: async () => {
        for (const c of gone) await rm(join(store.containersDir, c.id), { recursive: true, force: true });
      },
    });
  });
