import type { Digest } from "../../core/reference/index.ts";
import * as E from "fp-ts/lib/Either.js";
import { planCopy } from "../../core/copy/index.ts";
import { failure, type Failure } from "../../core/failure.ts";
import {
  choosePlatform,
  convertManifest,
  formatOf,
  manifestTypeOf,
  parseManifest,
  type ImageIndex,
  type ImageManifest,
  type IndexEntry,
  type ManifestFormat,
  type Platform,
} from "../../core/manifest/index.ts";
import type { CommitResult, ImageDestination, ImageSource, RawManifest, StoredSignature } from "../../plugins/contract.ts";
import { sha256Digest } from "../store/hash.ts";

/** Progress of a copy, for bars and logs. */
export type CopyEvent =
  | { readonly kind: "blob-skipped"; readonly digest: string; readonly size: number; readonly role: BlobRole }
  | { readonly kind: "blob-started"; readonly digest: string; readonly size: number; readonly role: BlobRole }
  | { readonly kind: "blob-progress"; readonly digest: string; readonly bytes: number; readonly size: number }
  | { readonly kind: "blob-done"; readonly digest: string; readonly size: number; readonly role: BlobRole }
  | { readonly kind: "manifest-written"; readonly digest: string };

/** Whether a blob is the image's config or one of its layers. */
export type BlobRole = "config" | "layer";

/** How to copy. */
export interface CopyOptions {
  /** Which instance of an index to copy (default: the host's). */
  readonly platform: Platform;
  /** Blobs copied at once (default 6). */
  readonly parallel?: number;
  /** Stops the copy (Ctrl-C); what was written but not committed is removed. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: CopyEvent) => void;
  /** Copy every image of an index and the index itself, keeping its digest (`--all`). */
  readonly all?: boolean;
  /** The manifest format to write; by default the source's, converted only if the destination cannot take it. */
  readonly format?: ManifestFormat;
  /** Fail rather than write a manifest whose digest differs from the source's. */
  readonly preserveDigests?: boolean;
  /**
   * The signature policy's say on the source, given the digest of its manifest
   * as read (an index's, for a multi-platform image); asked before anything is
   * written, so a rejection leaves nothing behind.
   */
  readonly allow?: (manifestDigest: string) => Promise<E.Either<Failure, void>>;
  /** Leave the source's signatures behind (they are copied where both sides keep signatures). */
  readonly removeSignatures?: boolean;
}

/** What a copy did. */
export interface CopyResult extends CommitResult {
  /** The digest of the manifest that was copied (the instance, when the source was an index). */
  readonly manifestDigest: string;
  /** The index digest, when the source was one. */
  readonly indexDigest?: string;
}

/**
 * Which side of a copy failed: opening the source (its manifest could not be
 * read), reading from it (a blob, an instance, bytes that are not what the
 * source promised), or writing to the destination. Callers word messages by it:
 * a pull says "initializing source" only when the source could not be opened.
 */
export type CopyStage = "open-source" | "source" | "destination";

/** A failed copy, with the side that failed. */
export interface CopyFailure extends Failure {
  readonly stage?: CopyStage;
}

const at =
  (stage: CopyStage) =>
  (f: Failure): CopyFailure => ({ ...f, stage });

/** A plugin that throws instead of returning a failure still ends in one line, not a crash. */
const settled = async <A>(run: () => Promise<E.Either<Failure, A>>, stage: CopyStage): Promise<E.Either<CopyFailure, A>> => {
  try {
    const r = await run();
    if (E.isRight(r)) return r;
    const staged: CopyFailure = r.left;
    return E.left(staged.stage !== undefined ? staged : at(stage)(staged));
  } catch (e) {
    return E.left({ code: stage === "destination" ? "DESTINATION_ERROR" : "SOURCE_ERROR", message: (e as Error).message ?? String(e), stage });
  }
};

/**
 * Ends a blob stream the copy is done with, read or not: a Node stream is
 * destroyed (a fresh iterator of one that was never read would release
 * nothing), anything else is ended through its iterator's `return()`.
 */
const release = async (stream: AsyncIterable<Uint8Array>): Promise<void> => {
  try {
    const destroy = (stream as { destroy?: unknown }).destroy;
    if (typeof destroy === "function") destroy.call(stream);
    else await stream[Symbol.asyncIterator]().return?.();
  } catch {
    // Nothing left to release.
  }
};

/** Runs `tasks` with at most `n` at once; the first failure stops new ones and is returned. */
const bounded = async (n: number, tasks: ReadonlyArray<() => Promise<E.Either<CopyFailure, void>>>): Promise<E.Either<CopyFailure, void>> => {
  let next = 0;
  let failed: CopyFailure | undefined;
  const worker = async (): Promise<void> => {
    while (failed === undefined && next < tasks.length) {
      const task = tasks[next++];
      const r = task === undefined ? E.right(undefined) : await settled(task, "destination");
      if (E.isLeft(r)) failed ??= r.left;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, tasks.length)) }, worker));
  return failed === undefined ? E.right(undefined) : E.left(failed);
};

/** A blob stream with progress events; an error of the source itself is kept in `failed`, so it is not blamed on the destination. */
const tracked = (stream: AsyncIterable<Uint8Array>, digest: string, size: number, onEvent: ((e: CopyEvent) => void) | undefined) => {
  const state: { failed?: Error } = {};
  async function* read(): AsyncIterable<Uint8Array> {
    let bytes = 0;
    const it = stream[Symbol.asyncIterator]();
    try {
      for (;;) {
        let r: IteratorResult<Uint8Array>;
        try {
          r = await it.next();
        } catch (e) {
          state.failed = e as Error;
          throw e;
        }
        if (r.done === true) return;
        bytes += r.value.byteLength;
        onEvent?.({ kind: "blob-progress", digest, bytes, size });
        yield r.value;
      }
    } finally {
      await it.return?.();
    }
  }
  return { stream: read(), state };
};

/** Mismatched bytes are the source's fault, though the destination is where they are found. */
const sourceCodes: ReadonlySet<string> = new Set(["DIGEST_MISMATCH", "SIZE_MISMATCH"]);

/**
 * Copies one image from a source to a destination: reads the manifest
 * (choosing the platform's instance of an index), plans which blobs the
 * destination lacks, streams those with bounded parallelism (the destination
 * verifies each), writes the manifest, commits.
 */
export const copyImage = async (src: ImageSource, dst: ImageDestination, options: CopyOptions): Promise<E.Either<CopyFailure, CopyResult>> => {
  try {
    const r = await settled(() => copyOnce(src, dst, options), "destination");
    return E.isLeft(r) && options.signal?.aborted === true ? E.left({ code: "INTERRUPTED", message: "interrupted", stage: r.left.stage ?? "destination" }) : r;
  } finally {
    // A destination that was not committed cleans up after itself here.
    await dst.close().catch(() => undefined);
    await src.close().catch(() => undefined);
  }
};

const copyOnce = async (src: ImageSource, dst: ImageDestination, options: CopyOptions): Promise<E.Either<CopyFailure, CopyResult>> => {
  const aborted = (): boolean => options.signal?.aborted === true;
  const top = await settled(() => src.manifest(), "open-source");
  if (E.isLeft(top)) return top;
  const parsedTop = parseManifest(top.right.bytes, top.right.mediaType, top.right.digest);
  if (E.isLeft(parsedTop)) return E.left(at("open-source")(parsedTop.left));
  const parsed = parsedTop.right;
  if (options.allow !== undefined) {
    // A rejection is about the source image, as podman words it: a pull may still find an acceptable one elsewhere.
    const allowed = await options.allow(top.right.digest);
    if (E.isLeft(allowed)) return E.left(at("open-source")(allowed.left));
  }
  if (parsed.kind === "index" && options.all === true) return copyIndex(src, dst, { ...top.right, mediaType: parsed.mediaType }, parsed.index, options);
  let chosen: { raw: RawManifest; manifest: ImageManifest; indexDigest?: string };
  if (parsed.kind === "index") {
    const entry = choosePlatform(parsed.index, options.platform);
    const want = `${options.platform.os}/${options.platform.architecture}${options.platform.variant === undefined ? "" : `/${options.platform.variant}`}`;
    if (entry === undefined) return E.left(at("source")(failure("NO_MATCHING_PLATFORM", `${top.right.digest}: no image for ${want} in the index`)));
    const instance = await readInstance(src, entry);
    if (E.isLeft(instance)) return E.left(at("source")(instance.left));
    chosen = { ...instance.right, indexDigest: top.right.digest };
  } else {
    chosen = { raw: { ...top.right, mediaType: parsed.mediaType }, manifest: parsed.manifest };
  }
  // Signatures sign the manifest digest as read: that of the index, for an image chosen from one.
  const signed = await settled(() => sourceSignatures(src, dst, top.right.digest, options), "source");
  if (E.isLeft(signed)) return signed;
  const written = await copyImageBlobs(src, dst, chosen.raw, chosen.manifest, options);
  if (E.isLeft(written)) return written;
  if (aborted()) return E.left(failure("INTERRUPTED", "interrupted"));
  if (signed.right.length > 0 && (written.right.digest !== chosen.raw.digest || chosen.indexDigest !== undefined)) {
    return E.left(failure("SIGNATURES_INVALIDATED", `${top.right.digest}: the copy changes the signed manifest, which would invalidate its signatures; use --remove-signatures`));
  }
  // A converted manifest is no longer the one the index names.
  const fromIndex = written.right.digest === chosen.raw.digest ? chosen.indexDigest : undefined;
  const put = await dst.putManifest(written.right, fromIndex);
  if (E.isLeft(put)) return put;
  options.onEvent?.({ kind: "manifest-written", digest: written.right.digest });
  if (signed.right.length > 0 && dst.putSignatures !== undefined) {
    const stored = await dst.putSignatures(written.right.digest, signed.right);
    if (E.isLeft(stored)) return stored;
  }
  const committed = await dst.commit();
  if (E.isLeft(committed)) return committed;
  return E.right({ id: committed.right.id, manifestDigest: written.right.digest, ...(fromIndex === undefined ? {} : { indexDigest: fromIndex }) });
};

/** The source's signatures for a manifest, where both sides keep signatures, unless asked to leave them. */
const sourceSignatures = async (src: ImageSource, dst: ImageDestination, digest: string, options: CopyOptions): Promise<E.Either<Failure, ReadonlyArray<StoredSignature>>> =>
  options.removeSignatures === true || src.signatures === undefined || dst.putSignatures === undefined ? E.right([]) : src.signatures(digest);

/** Reads the instance an index entry names, checking it is what the entry promises. */
const readInstance = async (src: ImageSource, entry: IndexEntry): Promise<E.Either<Failure, { raw: RawManifest; manifest: ImageManifest }>> => {
  const instance = await src.manifest(entry.digest);
  if (E.isLeft(instance)) return instance;
  if (instance.right.digest !== entry.digest) return E.left(failure("DIGEST_MISMATCH", `instance ${entry.digest} has content with digest ${instance.right.digest}`));
  const p = parseManifest(instance.right.bytes, instance.right.mediaType || entry.mediaType, entry.digest);
  if (E.isLeft(p)) return p;
  if (p.right.kind !== "image") return E.left(failure("UNSUPPORTED_MANIFEST", `${entry.digest}: an index inside an index is not supported`));
  return E.right({ raw: { ...instance.right, mediaType: p.right.mediaType }, manifest: p.right.manifest });
};

/**
 * Every instance of an index, then the index itself (`--all`). The index's
 * bytes are kept, so its digest is the source's; converting an index's
 * instances would change it, and is refused.
 */
const copyIndex = async (src: ImageSource, dst: ImageDestination, raw: RawManifest, index: ImageIndex, options: CopyOptions): Promise<E.Either<Failure, CopyResult>> => {
  const putInstance = dst.putInstance;
  if (putInstance === undefined || !dst.acceptedManifestTypes.includes(raw.mediaType)) {
    return E.left(failure("UNSUPPORTED_MANIFEST", `the destination cannot store an image index (${raw.mediaType}); copy one platform with --platform instead of --all`));
  }
  for (const entry of index.manifests) {
    if (options.signal?.aborted === true) return E.left(failure("INTERRUPTED", "interrupted"));
    const instance = await readInstance(src, entry);
    if (E.isLeft(instance)) return instance;
    const written = await copyImageBlobs(src, dst, instance.right.raw, instance.right.manifest, options);
    if (E.isLeft(written)) return written;
    if (written.right.digest !== entry.digest) {
      return E.left(failure("UNSUPPORTED_MANIFEST", `${raw.digest}: converting the images of an index is not supported yet; copy without --format, or one platform`));
    }
    const put = await putInstance(written.right);
    if (E.isLeft(put)) return put;
    options.onEvent?.({ kind: "manifest-written", digest: entry.digest });
  }
  const put = await dst.putManifest(raw);
  if (E.isLeft(put)) return put;
  options.onEvent?.({ kind: "manifest-written", digest: raw.digest });
  const committed = await dst.commit();
  if (E.isLeft(committed)) return committed;
  return E.right({ id: committed.right.id, manifestDigest: raw.digest });
};

/** The manifest type to write: the one asked for, else the source's if the destination takes it, else the destination's first image type. */
const targetType = (sourceType: string, dst: ImageDestination, options: CopyOptions): string | undefined => {
  if (options.format !== undefined) return manifestTypeOf(options.format);
  if (dst.acceptedManifestTypes.includes(sourceType)) return sourceType;
  return dst.acceptedManifestTypes.find((t) => formatOf(t) !== undefined);
};

/**
 * Copies the blobs one image manifest names that the destination lacks, then
 * returns the manifest to write: the source's bytes, or a conversion of them
 * when the destination or `--format` asks for the other format.
 */
const copyImageBlobs = async (src: ImageSource, dst: ImageDestination, raw: RawManifest, manifest: ImageManifest, options: CopyOptions): Promise<E.Either<Failure, RawManifest>> => {
  const aborted = (): boolean => options.signal?.aborted === true;
  const target = targetType(raw.mediaType, dst, options);
  const format = target === undefined ? undefined : formatOf(target);
  if (target === undefined || format === undefined || !dst.acceptedManifestTypes.includes(target)) {
    return E.left(failure("UNSUPPORTED_MANIFEST", `the destination does not take ${target ?? raw.mediaType} manifests`));
  }
  let out: RawManifest = raw;
  if (target !== raw.mediaType) {
    if (options.preserveDigests === true) {
      return E.left(failure("UNSUPPORTED_MANIFEST", `${raw.digest}: writing it as ${target} would change its digest, and --preserve-digests forbids that`));
    }
    const converted = convertManifest(format, raw.digest)(manifest);
    if (E.isLeft(converted)) return converted;
    out = { ...converted.right, digest: sha256Digest(converted.right.bytes) };
  }
  const blobs = [manifest.config, ...manifest.layers];
  const reserve = dst.reserve;
  if (reserve !== undefined) {
    // The manifest to be written is claimed with the blobs: one claim, before anything is looked at.
    const reserved = await settled(() => reserve([...blobs, { mediaType: out.mediaType, digest: out.digest as Digest, size: out.bytes.byteLength }]), "destination");
    if (E.isLeft(reserved)) return reserved;
  }
  const has = await Promise.all(blobs.map((d) => dst.hasBlob(d)));
  const present = new Set(blobs.filter((_, i) => has[i] === true).map((d) => d.digest));
  const plan = planCopy(manifest, present);
  const copied = await bounded(
    options.parallel ?? 6,
    plan.blobs.map((step) => async (): Promise<E.Either<CopyFailure, void>> => {
      const d = step.descriptor;
      const role: BlobRole = d.digest === manifest.config.digest ? "config" : "layer";
      if (aborted()) return E.left(failure("INTERRUPTED", "interrupted"));
      if (step.action === "skip") {
        options.onEvent?.({ kind: "blob-skipped", digest: d.digest, size: d.size, role });
        return E.right(undefined);
      }
      options.onEvent?.({ kind: "blob-started", digest: d.digest, size: d.size, role });
      const stream = await settled(() => src.blob(d), "source");
      if (E.isLeft(stream)) return stream;
      const read = tracked(stream.right, d.digest, d.size, options.onEvent);
      // Released whatever the destination did: it may have failed before reading, or mounted the blob instead.
      const r = await settled(() => dst.putBlob(d, read.stream), "destination").finally(() => release(stream.right));
      if (E.isRight(r)) {
        options.onEvent?.({ kind: "blob-done", digest: d.digest, size: d.size, role });
        return r;
      }
      if (aborted()) return E.left(failure("INTERRUPTED", "interrupted"));
      if (read.state.failed !== undefined) return E.left(at("source")(failure("BLOB_READ", `reading blob ${d.digest}: ${read.state.failed.message}`)));
      return E.left(at(sourceCodes.has(r.left.code) ? "source" : "destination")(r.left));
    }),
  );
  return E.isLeft(copied) ? copied : E.right(out);
};
