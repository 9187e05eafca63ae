/**
 * Manifest lists in the store, as podman's `manifest` commands keep them:
 * an OCI image index under a name, its instances' manifests beside it, and
 * where each instance's blobs are read from when the list is pushed. Adding
 * a remote image records its descriptor and platform (from the index it came
 * from, or its config) without pulling its layers; pushing copies every
 * instance through the copy engine, digests kept, and then the index.
 */
import { randomBytes } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { choosePlatform, mediaTypes, parseManifest, type Descriptor, type ImageIndex, type IndexEntry, type Platform } from "../../core/manifest/index.ts";
import { parseDigest, parseNormalizedNamed, repositoryName, type Digest } from "../../core/reference/index.ts";
import {
  annotatedInstance,
  blobsInUse,
  emptyIndex,
  indexBytes,
  listBlobs,
  normalizeStoreName,
  withInstance,
  withoutInstance,
  type EntryChanges,
  type ListInstance,
  type ListRecord,
  type StoreState,
} from "../../core/store/index.ts";
import { parseImageName } from "../../core/transport/index.ts";
import type { ImageDestination, ImageSource, RawManifest } from "../../plugins/contract.ts";
import { copyImage, dryRunCopy, type CopyEvent, type CopyOptions, type CopyResult } from "../copy/engine.ts";
import type { CopyPlan } from "../../core/copy/index.ts";
import { blobPath, blobStream, hasBlob, putBytes, readSmallBlob } from "../store/blobs.ts";
import { deleteUnclaimed } from "../store/claims.ts";
import { inspection, transaction } from "../store/store.ts";
import { hostPlatform } from "../platform.ts";
import type { BerthContext, RegistryAccess } from "./context.ts";
import { sha256Digest } from "../store/hash.ts";
import { openByName, type OpenedSide } from "./copy.ts";
import { imageConfigOf, instanceManifest } from "./source-documents.ts";

/** How an instance is added: which of an index's images, and what to record about it. */
export interface AddOptions extends EntryChanges {
  /** Every image of an index, not only this machine's (or `platform`'s). */
  readonly all?: boolean;
  /** Which image of an index to add (default: this machine's). */
  readonly platform?: Platform;
  readonly access?: RegistryAccess;
  readonly signal?: AbortSignal;
}

/** How a list is pushed. */
export interface ListPushOptions {
  readonly access?: RegistryAccess;
  /** The list's own format: an OCI index (default) or, where every instance is a Docker image, a Docker manifest list. */
  readonly format?: "oci" | "v2s2";
  /** Remove the list from the store once it is pushed. */
  readonly rm?: boolean;
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: CopyEvent) => void;
}


/** The list a name names, from the state: by its name as the store writes it (`localhost/`, `:latest` added), as given, or by its ID or an ID prefix of 12 or more. */
const listIn = (state: StoreState, name: string): ListRecord | undefined => {
  const qualified = normalizeStoreName(name);
  const q = E.isRight(qualified) ? qualified.right : undefined;
  return (state.lists ?? []).find((l) => l.name === q || l.name === name || l.id === name || (name.length >= 12 && l.id.startsWith(name)));
};

/** The stored index of a list. */
const readIndex = async (ctx: BerthContext, list: ListRecord): Promise<E.Either<Failure, ImageIndex>> => {
  const bytes = await readSmallBlob(ctx.store, list.digest);
  if (E.isLeft(bytes)) return bytes;
  const parsed = parseManifest(bytes.right, list.mediaType, list.name);
  if (E.isLeft(parsed)) return parsed;
  return parsed.right.kind === "index" ? E.right(parsed.right.index) : E.left(failure("INVALID_MANIFEST", `${list.name}: its stored document is not an index`));
};

/** Stores a new version of a list's index; the record that points at it is the caller's to commit. */
const storeIndex = async (ctx: BerthContext, index: ImageIndex): Promise<E.Either<Failure, { digest: string; size: number }>> => {
  const bytes = new TextEncoder().encode(indexBytes(index));
  const r = await putBytes(ctx.store, bytes, { digest: sha256Digest(bytes), size: bytes.byteLength });
  return E.isLeft(r) ? r : E.right({ digest: r.right.digest, size: r.right.size });
};

/** Changes a list under the store's lock: `edit` gets its index and instances and gives the new ones; blobs it no longer uses go. */
const changeList = async (
  ctx: BerthContext,
  name: string,
  edit: (index: ImageIndex, instances: ReadonlyArray<ListInstance>) => E.Either<Failure, { readonly index: ImageIndex; readonly instances: ReadonlyArray<ListInstance> }>,
): Promise<E.Either<Failure, ListRecord>> => {
  const qualified = normalizeStoreName(name);
  if (E.isLeft(qualified)) return qualified;
  return transaction(ctx.store, async (state) => {
    const list = listIn(state, name);
    if (list === undefined) return E.left(failure("IMAGE_NOT_FOUND", `${name}: no such manifest list`));
    const index = await readIndex(ctx, list);
    if (E.isLeft(index)) return index;
    const edited = edit(index.right, list.instances);
    if (E.isLeft(edited)) return edited;
    const stored = await storeIndex(ctx, edited.right.index);
    if (E.isLeft(stored)) return stored;
    const next: ListRecord = { ...list, digest: stored.right.digest, size: stored.right.size, mediaType: mediaTypes.ociIndex, instances: [...edited.right.instances] };
    const lists = (state.lists ?? []).map((l) => (l.id === list.id ? next : l));
    const nextState = { ...state, lists };
    const inUse = blobsInUse(nextState);
    const dropped = listBlobs(list).filter((b) => !inUse.has(b));
    return E.right({ state: nextState, result: next, requiredBlobs: listBlobs(next), afterCommit: () => deleteUnclaimed(ctx.store, dropped) });
  });
};

/** The instances an image source adds: their index entries (platform filled in) and manifest bytes, each verified against its digest. */
const instancesOf = async (
  src: ImageSource,
  text: string,
  options: AddOptions,
): Promise<E.Either<Failure, ReadonlyArray<{ readonly entry: IndexEntry; readonly bytes: Uint8Array }>>> => {
  const top = await src.manifest();
  if (E.isLeft(top)) return top;
  const parsed = parseManifest(top.right.bytes, top.right.mediaType, text);
  if (E.isLeft(parsed)) return parsed;
  const instance = async (entry: IndexEntry): Promise<E.Either<Failure, { entry: IndexEntry; bytes: Uint8Array }>> => {
    const m = await instanceManifest(src, entry, text);
    if (E.isLeft(m)) return m;
    return E.right({ entry: { mediaType: m.right.mediaType || entry.mediaType, digest: entry.digest, size: m.right.bytes.byteLength, ...(entry.platform === undefined ? {} : { platform: entry.platform }) }, bytes: m.right.bytes });
  };
  if (parsed.right.kind === "index") {
    const index = parsed.right.index;
    if (options.all === true) {
      const out: Array<{ entry: IndexEntry; bytes: Uint8Array }> = [];
      for (const e of index.manifests) {
        const one = await instance(e);
        if (E.isLeft(one)) return one;
        out.push(one.right);
      }
      return E.right(out);
    }
    const want = options.platform ?? hostPlatform();
    const chosen = choosePlatform(index, want);
    if (chosen === undefined) return E.left(failure("IMAGE_NOT_FOUND", `${text}: no image in the index for ${want.os}/${want.architecture}${want.variant === undefined ? "" : `/${want.variant}`}`));
    const one = await instance(chosen);
    return E.isLeft(one) ? one : E.right([one.right]);
  }
  // One image: its platform is its config's.
  const read = await imageConfigOf(src, parsed.right.manifest, text);
  if (E.isLeft(read)) return read;
  const { doc, config } = read.right;
  const osVersion = (doc as { "os.version"?: unknown })["os.version"];
  const platform = {
    architecture: config.architecture,
    os: config.os,
    ...(config.variant === undefined ? {} : { variant: config.variant }),
    ...(typeof osVersion === "string" ? { "os.version": osVersion } : {}),
  };
  return E.right([{ entry: { mediaType: top.right.mediaType, digest: top.right.digest as Digest, size: top.right.bytes.byteLength, platform }, bytes: top.right.bytes }]);
};

/** The transport-qualified name an instance's blobs are read from later: a registry image by its digest (a tag may move), anything else as given. */
const sourceFor = (text: string, digest: string): string => {
  if (!text.startsWith("docker://")) return text;
  const ref = parseNormalizedNamed(text.slice("docker://".length));
  return E.isLeft(ref) ? text : `docker://${repositoryName(ref.right)}@${digest}`;
};

/** The name as a transport-qualified one: podman's default transport for `manifest add` is docker://. */
const qualifiedSource = (ctx: BerthContext, text: string): string => (E.isRight(parseImageName(text, ctx.plugins)) ? text : `docker://${text}`);

/** Adds an image (or with `all` every image of an index) to a list; gives the list. */
export const addToList = async (ctx: BerthContext, list: string, image: string, options: AddOptions = {}): Promise<E.Either<Failure, ListRecord>> => {
  const text = qualifiedSource(ctx, image);
  const opened = await openByName(ctx, "openSource", text, options.access, options.signal);
  if (E.isLeft(opened)) return opened;
  let found: E.Either<Failure, ReadonlyArray<{ readonly entry: IndexEntry; readonly bytes: Uint8Array }>>;
  try {
    found = await instancesOf(opened.right.side, text, options);
  } finally {
    await opened.right.close();
  }
  if (E.isLeft(found)) return found;
  for (const f of found.right) {
    const put = await putBytes(ctx.store, f.bytes, { digest: f.entry.digest as Digest, size: f.bytes.byteLength });
    if (E.isLeft(put)) return put;
  }
  return changeList(ctx, list, (index, instances) => {
    let next = index;
    let kept = [...instances];
    for (const f of found.right) {
      next = withInstance(f.entry, options)(next);
      kept = [...kept.filter((i) => i.digest !== f.entry.digest), { digest: f.entry.digest, source: sourceFor(text, f.entry.digest) }];
    }
    return E.right({ index: next, instances: kept });
  });
};

/** Creates an empty list named `name` (refused if a list or image has the name), then adds `images`; gives the list. */
export const createList = async (ctx: BerthContext, name: string, images: ReadonlyArray<string>, options: AddOptions = {}): Promise<E.Either<Failure, ListRecord>> => {
  const qualified = normalizeStoreName(name);
  if (E.isLeft(qualified)) return qualified;
  const made = await transaction(ctx.store, async (state) => {
    const taken = (state.lists ?? []).some((l) => l.name === qualified.right) || state.images.some((i) => i.names.includes(qualified.right));
    if (taken) return E.left(failure("NAME_IN_USE", `${qualified.right}: a manifest list or image already has this name`));
    const stored = await storeIndex(ctx, emptyIndex());
    if (E.isLeft(stored)) return stored;
    const list: ListRecord = { id: randomBytes(32).toString("hex"), name: qualified.right, digest: stored.right.digest, size: stored.right.size, mediaType: mediaTypes.ociIndex, instances: [] };
    return E.right({ state: { ...state, lists: [...(state.lists ?? []), list] }, result: list, requiredBlobs: listBlobs(list) });
  });
  if (E.isLeft(made)) return made;
  let list = made.right;
  for (const image of images) {
    const added = await addToList(ctx, list.id, image, options);
    if (E.isLeft(added)) return added;
    list = added.right;
  }
  return E.right(list);
};

/** The digest an `annotate` or `remove` names: a digest, or an image of the store (its manifest's digest). */
const instanceDigest = async (ctx: BerthContext, target: string): Promise<E.Either<Failure, string>> => {
  if (E.isRight(parseDigest(target))) return E.right(target);
  const state = await inspection(ctx.store, async (s) => s);
  if (E.isLeft(state)) return state;
  const found = ctx.lookup(target, state.right.images);
  return E.isLeft(found) ? E.left(failure("IMAGE_NOT_FOUND", `${target}: neither a digest nor an image of the store`)) : E.right(found.right.image.manifestDigest);
};

/** Changes what the list records about one instance (platform, annotations). */
export const annotateList = async (ctx: BerthContext, list: string, target: string, changes: EntryChanges): Promise<E.Either<Failure, ListRecord>> => {
  const digest = await instanceDigest(ctx, target);
  if (E.isLeft(digest)) return digest;
  return changeList(ctx, list, (index, instances) => {
    const next = annotatedInstance(digest.right, changes)(index);
    return E.isLeft(next) ? E.left(failure("IMAGE_NOT_FOUND", `${list}: ${next.left.message}`)) : E.right({ index: next.right, instances });
  });
};

/** Takes an instance out of a list. */
export const removeFromList = async (ctx: BerthContext, list: string, target: string): Promise<E.Either<Failure, ListRecord>> => {
  const digest = await instanceDigest(ctx, target);
  if (E.isLeft(digest)) return digest;
  return changeList(ctx, list, (index, instances) => {
    const next = withoutInstance(digest.right)(index);
    return E.isLeft(next) ? E.left(failure("IMAGE_NOT_FOUND", `${list}: ${next.left.message}`)) : E.right({ index: next.right, instances: instances.filter((i) => i.digest !== digest.right) });
  });
};

/** A list of the store by name or ID, with its index's bytes; `undefined` when there is none. */
export const findList = async (ctx: BerthContext, name: string): Promise<E.Either<Failure, { readonly list: ListRecord; readonly bytes: Uint8Array } | undefined>> => {
  const state = await inspection(ctx.store, async (s) => s);
  if (E.isLeft(state)) return state;
  const list = listIn(state.right, name);
  if (list === undefined) return E.right(undefined);
  const bytes = await readSmallBlob(ctx.store, list.digest);
  return E.isLeft(bytes) ? bytes : E.right({ list, bytes: bytes.right });
};

/** Removes lists (not their instances' images); gives what each removal did, in order. */
export const removeLists = async (ctx: BerthContext, names: ReadonlyArray<string>): Promise<ReadonlyArray<E.Either<Failure, ListRecord>>> => {
  const out: Array<E.Either<Failure, ListRecord>> = [];
  for (const name of names) {
    const r = await transaction(ctx.store, async (state) => {
      const list = listIn(state, name);
      if (list === undefined) return E.left(failure("IMAGE_NOT_FOUND", `${name}: image not known`));
      const nextState = { ...state, lists: (state.lists ?? []).filter((l) => l.id !== list.id) };
      const inUse = blobsInUse(nextState);
      const dropped = listBlobs(list).filter((b) => !inUse.has(b));
      return E.right({ state: nextState, result: list, afterCommit: () => deleteUnclaimed(ctx.store, dropped) });
    });
    out.push(r);
  }
  return out;
};

/**
 * A list as an image source: the index, the instances' manifests from the
 * store, and each blob from the store if it is there, else from the source
 * of the instance that names it (opened on first need, closed with the list).
 */
/**
 * The list as a Docker manifest list (`push --format v2s2`): the same entries
 * (their platforms; Docker lists have no annotations), refused if an instance
 * is an OCI image, which a Docker list cannot name and which cannot be
 * converted without changing the digest the list names it by.
 */
const asDockerList = (list: ListRecord, bytes: Uint8Array): E.Either<Failure, RawManifest> => {
  const parsed = parseManifest(bytes, list.mediaType, list.name);
  if (E.isLeft(parsed)) return parsed;
  if (parsed.right.kind !== "index") return E.left(failure("INVALID_MANIFEST", `${list.name}: its stored document is not an index`));
  const oci = parsed.right.index.manifests.find((m) => m.mediaType !== mediaTypes.dockerManifest);
  if (oci !== undefined) return E.left(failure("UNSUPPORTED_MANIFEST", `${list.name}: instance ${oci.digest} is ${oci.mediaType}, which a Docker manifest list cannot name; push it as an OCI index`));
  const manifests = parsed.right.index.manifests.map(({ annotations: _dropped, ...entry }) => entry);
  const text = new TextEncoder().encode(JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.dockerManifestList, manifests }));
  return E.right({ bytes: text, mediaType: mediaTypes.dockerManifestList, digest: sha256Digest(text) });
};

const listSource = (ctx: BerthContext, list: ListRecord, top: RawManifest, access: RegistryAccess | undefined, signal: AbortSignal | undefined): ImageSource => {
  const owner = new Map<string, ListInstance>();
  const opened = new Map<string, Promise<E.Either<Failure, OpenedSide<ImageSource>>>>();
  const open = (source: string) => {
    let o = opened.get(source);
    if (o === undefined) {
      o = openByName(ctx, "openSource", source, access, signal);
      opened.set(source, o);
    }
    return o;
  };
  return {
    manifest: async (digest) => {
      if (digest === undefined) return E.right(top);
      const instance = list.instances.find((i) => i.digest === digest);
      const bytes = await readSmallBlob(ctx.store, digest);
      if (E.isLeft(bytes)) return bytes;
      const parsed = parseManifest(bytes.right, "", digest);
      if (E.isLeft(parsed)) return parsed;
      if (instance !== undefined && parsed.right.kind === "image") {
        for (const d of [parsed.right.manifest.config, ...parsed.right.manifest.layers]) if (!owner.has(d.digest)) owner.set(d.digest, instance);
      }
      return E.right({ bytes: bytes.right, mediaType: parsed.right.mediaType, digest });
    },
    blob: async (d: Descriptor) => {
      const digest = parseDigest(d.digest);
      if (E.isLeft(digest)) return E.left(failure("INVALID_REFERENCE", `blob "${d.digest}": ${digest.left.message}`));
      if (await hasBlob(ctx.store, digest.right)) return E.right(blobStream(ctx.store, digest.right));
      const instance = owner.get(d.digest);
      if (instance === undefined) return E.left(failure("BLOB_NOT_FOUND", `${list.name}: blob ${d.digest} is in no instance's source (${blobPath(ctx.store, digest.right)} is missing)`));
      const src = await open(instance.source);
      if (E.isLeft(src)) return E.left(failure(src.left.code, `${list.name}: instance ${instance.digest} from ${instance.source}: ${src.left.message}`));
      // The instance's own manifest tells its source which image the blob belongs to (a registry reads blobs by repository).
      return src.right.side.blob(d);
    },
    close: async () => {
      const all = [...opened.values()];
      opened.clear();
      for (const o of all) {
        const r = await o;
        if (E.isRight(r)) await r.right.close();
      }
    },
  };
};

/** Runs `body` (the engine) on a list as the source and `destination` opened for writing; both closed after. */
const withListPush = async <A>(
  ctx: BerthContext,
  name: string,
  destination: string,
  options: ListPushOptions,
  body: (src: ImageSource, dst: ImageDestination, engine: CopyOptions) => Promise<E.Either<Failure, A>>,
): Promise<E.Either<Failure, { readonly result: A; readonly list: ListRecord }>> => {
  const found = await findList(ctx, name);
  if (E.isLeft(found)) return found;
  if (found.right === undefined) return E.left(failure("IMAGE_NOT_FOUND", `${name}: image not known`));
  const { list, bytes } = found.right;
  const top = options.format === "v2s2" ? asDockerList(list, bytes) : E.right({ bytes, mediaType: list.mediaType, digest: list.digest });
  if (E.isLeft(top)) return top;
  const dest = destination.startsWith("docker://") ? destination : `docker://${destination}`;
  const dst = await openByName(ctx, "openDestination", dest, options.access, options.signal);
  if (E.isLeft(dst)) return dst;
  const src = listSource(ctx, list, top.right, options.access, options.signal);
  try {
    // Every instance, digests kept: a list names its instances by digest. A list has no signatures of its own.
    const r = await body(src, dst.right.side, {
      platform: hostPlatform(),
      all: true,
      preserveDigests: true,
      removeSignatures: true,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
    });
    return E.isLeft(r) ? r : E.right({ result: r.right, list });
  } finally {
    await src.close();
    await dst.right.close();
  }
};

/** What pushing a list would do: the copy plan of every instance and the index; nothing is written. */
export const planListPush = async (ctx: BerthContext, name: string, destination: string, options: ListPushOptions = {}): Promise<E.Either<Failure, CopyPlan>> => {
  const r = await withListPush(ctx, name, destination, options, (src, dst, engine) => dryRunCopy(src, dst, engine));
  return E.isLeft(r) ? r : E.right(r.right.result);
};

/** Pushes a list to `destination` (a `docker://` name or a registry name): every instance, digests kept, then the index. */
export const pushList = async (ctx: BerthContext, name: string, destination: string, options: ListPushOptions = {}): Promise<E.Either<Failure, CopyResult>> => {
  const pushed = await withListPush(ctx, name, destination, options, (src, dst, engine) => copyImage(src, dst, engine));
  if (E.isLeft(pushed)) return pushed;
  const { result: r, list } = pushed.right;
  if (options.rm !== true) return E.right(r);
  const removed = await removeLists(ctx, [list.id]);
  const first = removed[0];
  return first !== undefined && E.isLeft(first) ? first : E.right(r);
};
