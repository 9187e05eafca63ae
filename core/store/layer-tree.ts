/**
 * podman's `image tree`: an image's layers as the store knows them (each by
 * its chain ID, the name containers/storage gives a layer), and which images'
 * top layer each one is.
 */
import type { ImageRecord } from "./records.ts";

/** One layer of the tree. */
export interface TreeLayer {
  /** The layer's chain ID (`sha256:…`): its diff_id for the first layer, else sha256 of the parent's chain ID, a space, and its diff_id. */
  readonly id: string;
  readonly size: number;
  /** The names of the images whose top layer this is (this image's own among them). */
  readonly topOf: ReadonlyArray<string>;
}

/** What `image tree` shows of one image. */
export interface LayerTree {
  readonly image: ImageRecord;
  readonly layers: ReadonlyArray<TreeLayer>;
}

/** The chain IDs of a list of diff_ids, OCI's ChainID; `sha256` gives the `sha256:…` digest of a text. */
export const chainIds =
  (sha256: (text: string) => string) =>
  (diffIds: ReadonlyArray<string>): string[] =>
    diffIds.reduce<string[]>((chain, diffId) => [...chain, chain.length === 0 ? diffId : sha256(`${chain[chain.length - 1] ?? ""} ${diffId}`)], []);

/** The tree of `image` among `images`, its layers sized by `sizes` (one per diff_id; 0 where unknown). */
export const layerTree =
  (sha256: (text: string) => string) =>
  (image: ImageRecord, images: ReadonlyArray<ImageRecord>, sizes: ReadonlyArray<number>): LayerTree => {
    const chain = chainIds(sha256);
    const tops = new Map<string, string[]>();
    for (const other of images) {
      const top = chain(other.diffIds).at(-1);
      if (top !== undefined) tops.set(top, [...(tops.get(top) ?? []), ...other.names]);
    }
    return { image, layers: chain(image.diffIds).map((id, i) => ({ id, size: sizes[i] ?? 0, topOf: tops.get(id) ?? [] })) };
  };
