import * as E from "fp-ts/lib/Either.js";
import { compileFilters, imageTree, repoDigests, type ImageRecord, type ImageTree, type StoreState } from "../../core/store/index.ts";
import type { BerthContext } from "./context.ts";

/** An image as `images` lists it: the fields of podman's `images --format json`. */
export interface ImageSummary {
  readonly Id: string;
  readonly ParentId: string;
  readonly RepoTags: ReadonlyArray<string>;
  readonly RepoDigests: ReadonlyArray<string>;
  readonly Size: number;
  readonly SharedSize: number;
  readonly VirtualSize: number;
  readonly Labels: Readonly<Record<string, string>>;
  readonly Containers: number;
  readonly Names: ReadonlyArray<string>;
  readonly Digest: string;
  readonly Digests: ReadonlyArray<string>;
  readonly History: ReadonlyArray<string>;
  /** Seconds since the epoch. */
  readonly Created: number;
  readonly CreatedAt: string;
  readonly Dangling: boolean;
}

/** The JSON podman's `images --format json` prints for one image. */
export const imageJson = (i: ImageRecord, state: StoreState, tree: ImageTree, containersByImage: ReadonlyMap<string, number>): ImageSummary => ({
  Id: i.id,
  ParentId: tree.parentOf(i)?.id ?? "",
  RepoTags: i.names,
  RepoDigests: repoDigests(i.names, i.digests),
  Size: i.size,
  SharedSize: 0,
  VirtualSize: i.size,
  Labels: i.labels,
  Containers: containersByImage.get(i.id) ?? 0,
  Names: i.names,
  Digest: i.manifestDigest,
  Digests: i.digests,
  History: i.names,
  Created: Math.floor(Date.parse(i.created || "1970-01-01T00:00:00Z") / 1000),
  CreatedAt: i.created,
  Dangling: i.names.length === 0,
});

/** Images the store's state shows for these filters (and, without `all`, no intermediate ones). */
export const selectImages = (ctx: BerthContext, state: StoreState, filters: ReadonlyArray<string>, all: boolean) => {
  const compiled = compileFilters(filters);
  if (E.isLeft(compiled)) return compiled;
  const predicate = compiled.right.bind({
    images: state.images,
    containers: state.containers,
    now: Date.now(),
    lookup: (name) => {
      const r = ctx.lookup(name, state.images);
      return E.isRight(r) ? r.right.image.id : undefined;
    },
  });
  if (E.isLeft(predicate)) return predicate;
  const tree = imageTree(state.images);
  return E.right(
    state.images
      .filter((i) => predicate.right(i) && (all || !tree.isIntermediate(i)))
      .sort((a, b) => (a.created === b.created ? (a.id < b.id ? -1 : 1) : a.created < b.created ? 1 : -1)),
  );
};

