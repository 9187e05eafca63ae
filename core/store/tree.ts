import type { ImageRecord } from "./records.ts";

const isPrefix = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean => a.length <= b.length && a.every((x, i) => b[i] === x);

/**
 * Whether `parent` is the image `child` was built on, as podman decides it:
 * the child uses all the parent's layers, and its history is the parent's
 * plus one more entry.
 */
export const isParentOf = (parent: ImageRecord, child: ImageRecord): boolean =>
  parent.id !== child.id &&
  isPrefix(parent.diffIds, child.diffIds) &&
  parent.history.length + 1 === child.history.length &&
  isPrefix(parent.history, child.history);

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
