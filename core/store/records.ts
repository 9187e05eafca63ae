import * as t from "io-ts";
import { listBlobs, listRecord, type ListRecord } from "./lists.ts";

/**
 * What the store keeps about one image: everything listing needs, computed
 * once when the image is written, so listing never reads manifests, configs
 * or layers.
 */
export interface ImageRecord {
  /** Hex of the config digest. */
  id: string;
  /** Fully-qualified names, `host/repo:tag`; empty for a dangling image. */
  names: Array<string>;
  /** Digest of the manifest stored for the image. */
  manifestDigest: string;
  manifestMediaType: string;
  manifestSize: number;
  /** Every manifest digest the image is known by (its repo digests). */
  digests: Array<string>;
  /** RFC 3339, from the config (`""` when it has none). */
  created: string;
  /** Bytes of the image's blobs in the store (manifest, config, layers). */
  size: number;
  labels: Record<string, string>;
  os: string;
  architecture: string;
  /** The config's `rootfs.diff_ids`, for the parent/child relation. */
  diffIds: Array<string>;
  /** A digest of each of the config's history entries, for the parent/child relation. */
  history: Array<string>;
  /** Blob digests the image owns: config and layers. */
  blobs: Array<string>;
  variant?: string;
}

/** The codec of {@link ImageRecord}. */
export const imageRecord: t.Type<ImageRecord> = t.intersection(
  [
    t.type({
      /** Hex of the config digest. */
      id: t.string,
      /** Fully-qualified names, `host/repo:tag`; empty for a dangling image. */
      names: t.array(t.string),
      /** Digest of the manifest stored for the image. */
      manifestDigest: t.string,
      manifestMediaType: t.string,
      manifestSize: t.number,
      /** Every manifest digest the image is known by (its repo digests). */
      digests: t.array(t.string),
      /** RFC 3339, from the config (`""` when it has none). */
      created: t.string,
      /** Bytes of the image's blobs in the store (manifest, config, layers). */
      size: t.number,
      labels: t.record(t.string, t.string),
      os: t.string,
      architecture: t.string,
      /** The config's `rootfs.diff_ids`, for the parent/child relation. */
      diffIds: t.array(t.string),
      /** A digest of each of the config's history entries, for the parent/child relation. */
      history: t.array(t.string),
      /** Blob digests the image owns: config and layers. */
      blobs: t.array(t.string),
    }),
    t.partial({ variant: t.string }),
  ],
  "an image record",
);

/** What the store keeps about one container: a root filesystem made from an image. */
export interface ContainerRecord {
  id: string;
  name: string;
  imageId: string;
  /** The name the container was created from, as given. */
  imageName: string;
  created: string;
  /** What it would run: the command given to `create`, else the image's entrypoint and command (absent in older stores). */
  command?: Array<string>;
  /** The image's labels, which podman gives its containers (absent in older stores). */
  labels?: Record<string, string>;
}

/** The codec of {@link ContainerRecord}. */
export const containerRecord: t.Type<ContainerRecord> = t.intersection(
  [
    t.type({
      id: t.string,
      name: t.string,
      imageId: t.string,
      imageName: t.string,
      created: t.string,
    }),
    t.partial({ command: t.array(t.string), labels: t.record(t.string, t.string) }),
  ],
  "a container record",
);

/** Everything the store knows, kept in one file so a change is one atomic rename. */
export interface StoreState {
  version: 1;
  images: Array<ImageRecord>;
  containers: Array<ContainerRecord>;
  /** Manifest lists (absent in stores written before lists existed). */
  lists?: Array<ListRecord>;
  /** How many times each image (by ID) is mounted (`image mount`); absent when none is. */
  imageMounts?: Record<string, number>;
}

/** The codec of {@link StoreState}. */
export const storeState: t.Type<StoreState> = t.intersection(
  [
    t.type({
      version: t.literal(1),
      images: t.array(imageRecord),
      containers: t.array(containerRecord),
    }),
    t.partial({ lists: t.array(listRecord), imageMounts: t.record(t.string, t.number) }),
  ],
  "a berth store state",
);

/** Every blob the records keep alive: the images' and the lists'. */
export const blobsInUse = (state: StoreState): ReadonlySet<string> => new Set([...state.images.flatMap((i) => i.blobs), ...(state.lists ?? []).flatMap(listBlobs)]);


/** A store with nothing in it. */
export const emptyStoreState: StoreState = { version: 1, images: [], containers: [] };
