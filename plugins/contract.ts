import type * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../core/failure.ts";
import type { DestinationCompression, Location } from "../core/copy/index.ts";
import type { Descriptor } from "../core/manifest/index.ts";
import type { ScopeRule } from "../core/policy/index.ts";
import type { Reference } from "../core/reference/index.ts";
import type { TransportSyntax } from "../core/transport/index.ts";

/** A manifest as it was read: its exact bytes (digests are of bytes), its media type and digest. */
export interface RawManifest {
  readonly bytes: Uint8Array;
  readonly mediaType: string;
  readonly digest: string;
}

export type { StoredSignature } from "../core/signature/index.ts";
import type { StoredSignature } from "../core/signature/index.ts";

/**
 * Where an image is read from. Blobs stream; nothing here buffers a layer.
 * A blob stream the copy stops reading (or never starts, when the
 * destination fails or mounts the blob) is ended through its iterator's
 * `return()`, or `destroy()` for a Node stream: a source that holds a
 * connection or a file before the first read releases it there.
 */
export interface ImageSource {
  /** The manifest, or with `digest` one instance of an index. */
  readonly manifest: (digest?: string) => Promise<E.Either<Failure, RawManifest>>;
  /** A blob's bytes as they come; the caller verifies size and digest while they stream. */
  readonly blob: (descriptor: Descriptor) => Promise<E.Either<Failure, AsyncIterable<Uint8Array>>>;
  /** The signatures stored for a manifest, where the transport keeps any (absent: it keeps none). */
  readonly signatures?: (manifestDigest: string) => Promise<E.Either<Failure, ReadonlyArray<StoredSignature>>>;
  /** Registry repositories where this image is known to be (its own, or the names a stored image has), for cross-repository mounts. */
  readonly locations?: ReadonlyArray<Location>;
  readonly close: () => Promise<void>;
}

/** Where an image is written to. */
export interface ImageDestination {
  /** Manifest media types it can store, preferred first. */
  readonly acceptedManifestTypes: ReadonlyArray<string>;
  /**
   * Claims the blobs an image needs before the copy asks which it has, so
   * that a concurrent removal in the destination keeps them until this copy
   * commits or closes (absent: nothing else removes blobs there). The claim
   * may go on after this settles, as long as `hasBlob` says a blob is there
   * only once it is claimed, and every blob written is claimed before it is
   * visible.
   */
  readonly reserve?: (descriptors: ReadonlyArray<Descriptor>) => Promise<E.Either<Failure, void>>;
  /** Whether it has the blob already (then the copy skips it). */
  readonly hasBlob: (descriptor: Descriptor) => Promise<boolean>;
  /** The registry repository it writes to, where it can mount blobs from other repositories of that registry (with `mountBlob`). */
  readonly mountsInto?: Location;
  /** Mounts a blob from another repository of the same registry: true if the registry did, false if it must be uploaded after all. */
  readonly mountBlob?: (descriptor: Descriptor, from: Location) => Promise<E.Either<Failure, boolean>>;
  /** Takes a blob stream that must turn out to be exactly `descriptor`. */
  readonly putBlob: (descriptor: Descriptor, stream: AsyncIterable<Uint8Array>) => Promise<E.Either<Failure, void>>;
  /**
   * Takes a blob whose digest and size are known only at its end (a layer
   * compressed on the way) and says what they were; nothing of it is visible
   * if the stream fails. Absent: layers are copied only as they are.
   */
  readonly putNewBlob?: (stream: AsyncIterable<Uint8Array>) => Promise<E.Either<Failure, { readonly digest: Descriptor["digest"]; readonly size: number }>>;
  /** What it does with layers by default (absent: keeps them as they are): registries and OCI layouts compress uncompressed ones. */
  readonly layerCompression?: DestinationCompression;
  /**
   * Takes one image manifest of an index, unnamed, after its blobs (`copy --all`);
   * the index itself then goes to `putManifest`. Absent where the destination
   * cannot hold an index (the store, `dir:`).
   */
  readonly putInstance?: (manifest: RawManifest) => Promise<E.Either<Failure, void>>;
  /** Takes the manifest (after every blob it names); `fromIndex` is the digest of the index it was chosen from. */
  readonly putManifest: (manifest: RawManifest, fromIndex?: string) => Promise<E.Either<Failure, void>>;
  /** Stores signatures of the manifest just written, before commit (absent: the transport keeps none). */
  readonly putSignatures?: (manifestDigest: string, signatures: ReadonlyArray<StoredSignature>) => Promise<E.Either<Failure, void>>;
  /** Makes the image visible (names, records); nothing is visible before. */
  readonly commit: () => Promise<E.Either<Failure, CommitResult>>;
  readonly close: () => Promise<void>;
}

/** What a destination says it made. */
export interface CommitResult {
  /** The image ID where the destination has one (the store), else the manifest digest. */
  readonly id: string;
}

/**
 * How the signature policy knows a transport's images, as containers/image's
 * ImageTransport and ImageReference say it: the transport's name in
 * policy.json, which scopes it takes, and an image's scopes.
 */
export interface PolicyIdentity<R> {
  /** The transport's name in policy.json. */
  readonly transport: string;
  /** Why a (non-empty) scope is not one of this transport's, or `undefined` when it is. */
  readonly validateScope: ScopeRule;
  /** The image's scopes, most specific first (its identity, then its namespaces), and its registry name where it has one. */
  readonly identity: (reference: R) => Promise<{ readonly scopes: ReadonlyArray<string>; readonly reference?: Reference }>;
}

/** A transport: how its names read, how to open images by name, and what the signature policy knows them by. */
export interface TransportPlugin<R, C> extends TransportSyntax<R> {
  readonly openSource?: (reference: R, context: C) => Promise<E.Either<Failure, ImageSource>>;
  readonly openDestination?: (reference: R, context: C) => Promise<E.Either<Failure, ImageDestination>>;
  /** Absent: the policy knows the transport by its name, and only its default scope `""` applies. */
  readonly policy?: PolicyIdentity<R>;
}
