/**
 * Manifest lists kept in the store (podman's `manifest` commands): an OCI
 * image index under a name, edited by pure functions that return the new
 * index or why the edit cannot be made. The store keeps each list's index as
 * a blob, the manifests of its instances as blobs too (not their layers), and
 * where each instance can be read from when the list is pushed.
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { failure, type Failure } from "../failure.ts";
import { mediaTypes, type ImageIndex, type IndexEntry } from "../manifest/index.ts";

/** One instance of a list: its manifest digest and the transport-qualified name its blobs are read from. */
export interface ListInstance {
  digest: string;
  /** e.g. `docker://quay.io/team/app@sha256:…`, `store:ID`, `oci:DIR:NAME`. */
  source: string;
}

/** What the store keeps about one manifest list. */
export interface ListRecord {
  /** 64 hex digits, made when the list is created; stays as the list changes (podman's list image ID). */
  id: string;
  /** The list's fully-qualified name, `host/repo:tag`. */
  name: string;
  /** The digest, media type and size of the list's index as stored now. */
  digest: string;
  mediaType: string;
  size: number;
  instances: Array<ListInstance>;
}

/** The codec of {@link ListRecord}. */
export const listRecord: t.Type<ListRecord> = t.type(
  {
    id: t.string,
    name: t.string,
    digest: t.string,
    mediaType: t.string,
    size: t.number,
    instances: t.array(t.type({ digest: t.string, source: t.string })),
  },
  "a manifest list record",
);

/** The blobs a list keeps alive: its index and its instances' manifests. */
export const listBlobs = (l: ListRecord): ReadonlyArray<string> => [l.digest, ...l.instances.map((i) => i.digest)];

/** An index with no instances yet. */
export const emptyIndex = (): ImageIndex => ({ schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests: [] });

/** What `add` and `annotate` may set on an entry's platform and annotations; unset fields are left as they are. */
export interface EntryChanges {
  readonly os?: string;
  readonly architecture?: string;
  readonly variant?: string;
  readonly osVersion?: string;
  readonly osFeatures?: ReadonlyArray<string>;
  readonly features?: ReadonlyArray<string>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** An index entry's platform as the OCI spec spells it, with Docker's `features` too (podman writes both). */
type EntryPlatform = NonNullable<IndexEntry["platform"]> & { "os.features"?: string[]; features?: string[] };

const changed = (entry: IndexEntry, c: EntryChanges): IndexEntry => {
  const before: EntryPlatform = (entry.platform as EntryPlatform | undefined) ?? { architecture: "", os: "" };
  const platform: EntryPlatform = {
    ...before,
    ...(c.architecture === undefined ? {} : { architecture: c.architecture }),
    ...(c.os === undefined ? {} : { os: c.os }),
    ...(c.variant === undefined ? {} : { variant: c.variant }),
    ...(c.osVersion === undefined ? {} : { "os.version": c.osVersion }),
    ...(c.osFeatures === undefined ? {} : { "os.features": [...c.osFeatures] }),
    ...(c.features === undefined ? {} : { features: [...c.features] }),
  };
  const annotations = c.annotations === undefined ? entry.annotations : { ...entry.annotations, ...c.annotations };
  const hasPlatform = platform.os !== "" || platform.architecture !== "";
  const { platform: _dropped, annotations: _old, ...rest } = entry;
  return {
    ...rest,
    ...(hasPlatform ? { platform } : {}),
    ...(annotations === undefined || Object.keys(annotations).length === 0 ? {} : { annotations }),
  };
};

/**
 * The index with `entry` as an instance, changed as asked. An instance of
 * the same digest is replaced where it stood (podman replaces it too), so
 * adding twice is adding once.
 */
export const withInstance =
  (entry: IndexEntry, changes: EntryChanges = {}) =>
  (index: ImageIndex): ImageIndex => {
    const made = changed(entry, changes);
    const at = index.manifests.findIndex((m) => m.digest === entry.digest);
    const manifests = at < 0 ? [...index.manifests, made] : index.manifests.map((m, i) => (i === at ? made : m));
    return { ...index, manifests };
  };

/** The index without the instance `digest`, or why not. */
export const withoutInstance =
  (digest: string) =>
  (index: ImageIndex): E.Either<Failure, ImageIndex> =>
    index.manifests.some((m) => m.digest === digest)
      ? E.right({ ...index, manifests: index.manifests.filter((m) => m.digest !== digest) })
      : E.left(failure("IMAGE_NOT_FOUND", `no instance ${digest} in the list`));

/** The index with the instance `digest` changed, or why not. */
export const annotatedInstance =
  (digest: string, changes: EntryChanges) =>
  (index: ImageIndex): E.Either<Failure, ImageIndex> => {
    const entry = index.manifests.find((m) => m.digest === digest);
    return entry === undefined ? E.left(failure("IMAGE_NOT_FOUND", `no instance ${digest} in the list`)) : E.right(withInstance(entry, changes)(index));
  };

/** `key=value` pairs (podman's `--annotation`) as a record, or the first that is not one. */
export const parseAnnotations = (pairs: ReadonlyArray<string>): E.Either<Failure, Readonly<Record<string, string>>> => {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf("=");
    if (eq <= 0) return E.left(failure("INVALID_ARGUMENT", `annotation "${p}": expected KEY=VALUE`));
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return E.right(out);
};

/** The index as stored and pushed: compact JSON, entries in the order they were added. */
export const indexBytes = (index: ImageIndex): string => JSON.stringify(index);
