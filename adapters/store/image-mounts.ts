/**
 * podman's `image mount`: an image's root filesystem unpacked once into the
 * store (berth has no overlay to mount, so the tree is the image's, and
 * writing into it is the user's business), counted per mount under the lock,
 * and removed when the last mount goes.
 */
import { randomBytes } from "node:crypto";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import type { ImageRecord, StoreState } from "../../core/store/index.ts";
import { exists } from "../fs/exists.ts";
import { unpackImage } from "./containers.ts";
import { transaction, type Store } from "./store.ts";

/** Where mounted images' root filesystems are. */
export const imageMountsDir = (store: Store): string => join(store.root, "berth", "image-mounts");

/** Where an image's root filesystem is while mounted. */
export const imageMountPath = (store: Store, imageId: string): string => join(imageMountsDir(store), imageId);

const withCount = (state: StoreState, id: string, count: number): StoreState => {
  const { [id]: _gone, ...others } = state.imageMounts ?? {};
  const mounts = count > 0 ? { ...others, [id]: count } : others;
  const { imageMounts: _old, ...rest } = state;
  return Object.keys(mounts).length === 0 ? rest : { ...rest, imageMounts: mounts };
};

/** Mounts an image: unpacks it if no mount has yet, and counts one more mount; gives the path. */
export const mountImage = async (store: Store, image: ImageRecord, maxLayerBytes?: number): Promise<E.Either<Failure, string>> => {
  const path = imageMountPath(store, image.id);
  if (!(await exists(path))) {
    const staging = join(imageMountsDir(store), `.${image.id}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
    const unpacked = await unpackImage(store, image, staging, maxLayerBytes);
    if (E.isLeft(unpacked)) {
      await rm(staging, { recursive: true, force: true });
      return E.left(failure(unpacked.left.code, `mounting image ${unpacked.left.message}`));
    }
    // Another process may have unpacked it meanwhile: then its tree is used and this one goes.
    await rename(staging, path).catch(() => rm(staging, { recursive: true, force: true }));
  }
  return transaction(store, async (state) => {
    if (!state.images.some((i) => i.id === image.id)) return E.left(failure("IMAGE_NOT_FOUND", `image ${image.id.slice(0, 12)} was removed while it was being mounted`));
    return E.right({ state: withCount(state, image.id, (state.imageMounts?.[image.id] ?? 0) + 1), result: path });
  });
};

/** Unmounts an image once (every mount with `force`); says whether it was mounted. The tree goes with the last mount. */
export const unmountImage = (store: Store, imageId: string, force: boolean): Promise<E.Either<Failure, boolean>> =>
  transaction(store, async (state) => {
    const count = state.imageMounts?.[imageId] ?? 0;
    if (count === 0) return E.right({ state, result: false });
    const left = force ? 0 : count - 1;
    return E.right({
      state: withCount(state, imageId, left),
      result: true,
      ...(left === 0 ? { afterCommit: async () => void (await rm(imageMountPath(store, imageId), { recursive: true, force: true })) } : {}),
    });
  });
