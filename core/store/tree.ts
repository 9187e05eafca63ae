import type { ImageRecord } from "./records.ts";

const isPrefix = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean => a.length <= b.length && a.every((x, i) => b[i] === x);

/**
 * Whether `parent` is the image `child` was built on: its layers are the
 * child's minus the top one, or the same layers (a child that only changed
 * config) and older.
 */
export const isParentOf = (parent: ImageRecord, child: ImageRecord): boolean =>
  parent.id !== child.id &&
  parent.diffIds.length > 0 &&
  ((parent.diffIds.length === child.diffIds.length - 1 && isPrefix(parent.diffIds, child.diffIds)) ||
    (parent.diffIds.length === child.diffIds.length && isPrefix(parent.diffIds, child.diffIds) && parent.created < child.created));

/** The images built directly on `image`. */
export const childrenOf = (image: ImageRecord, images: ReadonlyArray<ImageRecord>): ReadonlyArray<ImageRecord> =>
  images.filter((c) => isParentOf(image, c));

/** The image `image` was built on, if it is in the store (the most recent when several qualify). */
export const parentOf = (image: ImageRecord, images: ReadonlyArray<ImageRecord>): ImageRecord | undefined =>
  images
    .filter((p) => isParentOf(p, image))
    .reduce<ImageRecord | undefined>((best, p) => (best === undefined || p.created > best.created ? p : best), undefined);

/** No names and no children: left over, safe to prune. */
export const isDangling = (image: ImageRecord, images: ReadonlyArray<ImageRecord>): boolean =>
  image.names.length === 0 && childrenOf(image, images).length === 0;

/** No names but children: a layer of something else. */
export const isIntermediate = (image: ImageRecord, images: ReadonlyArray<ImageRecord>): boolean =>
  image.names.length === 0 && childrenOf(image, images).length > 0;
