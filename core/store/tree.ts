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

/** Parent and child look-ups over a set of images in O(1) each, after O(n) indexing. */
export interface ImageTree {
  readonly parentOf: (image: ImageRecord) => ImageRecord | undefined;
  readonly childrenOf: (image: ImageRecord) => ReadonlyArray<ImageRecord>;
  readonly isDangling: (image: ImageRecord) => boolean;
  readonly isIntermediate: (image: ImageRecord) => boolean;
}

const historyKey = (h: ReadonlyArray<string>): string => h.join("\n");

/** Indexes images by history, so that listing 10,000 images does not compare every pair. */
export const imageTree = (images: ReadonlyArray<ImageRecord>): ImageTree => {
  const byHistory = new Map<string, ImageRecord[]>();
  const byParentHistory = new Map<string, ImageRecord[]>();
  const add = (m: Map<string, ImageRecord[]>, key: string, i: ImageRecord): void => {
    const list = m.get(key);
    if (list === undefined) m.set(key, [i]);
    else list.push(i);
  };
  for (const i of images) {
    add(byHistory, historyKey(i.history), i);
    if (i.history.length > 0) add(byParentHistory, historyKey(i.history.slice(0, -1)), i);
  }
  const childrenOfImage = (image: ImageRecord): ReadonlyArray<ImageRecord> =>
    (byParentHistory.get(historyKey(image.history)) ?? []).filter((c) => isParentOf(image, c));
  return {
    parentOf: (image) =>
      image.history.length === 0
        ? undefined
        : (byHistory.get(historyKey(image.history.slice(0, -1))) ?? [])
            .filter((p) => isParentOf(p, image))
            .reduce<ImageRecord | undefined>((best, p) => (best === undefined || p.created > best.created ? p : best), undefined),
    childrenOf: childrenOfImage,
    isDangling: (image) => image.names.length === 0 && childrenOfImage(image).length === 0,
    isIntermediate: (image) => image.names.length === 0 && childrenOfImage(image).length > 0,
  };
};
