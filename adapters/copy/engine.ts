import * as E from "fp-ts/lib/Either.js";
import { planCopy } from "../../core/copy/index.ts";
import { failure, type Failure } from "../../core/failure.ts";
import { choosePlatform, parseManifest, type Platform } from "../../core/manifest/index.ts";
import type { CommitResult, ImageDestination, ImageSource, RawManifest } from "../../plugins/contract.ts";

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
}

/** What a copy did. */
export interface CopyResult extends CommitResult {
  /** The digest of the manifest that was copied (the instance, when the source was an index). */
  readonly manifestDigest: string;
  /** The index digest, when the source was one. */
  readonly indexDigest?: string;
}

/** Runs `tasks` with at most `n` at once; the first failure stops new ones and is returned. */
const bounded = async (n: number, tasks: ReadonlyArray<() => Promise<E.Either<Failure, void>>>): Promise<E.Either<Failure, void>> => {
  let next = 0;
  let failed: Failure | undefined;
  const worker = async (): Promise<void> => {
    while (failed === undefined && next < tasks.length) {
      const task = tasks[next++];
      const r = task === undefined ? E.right(undefined) : await task();
      if (E.isLeft(r)) failed ??= r.left;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, tasks.length)) }, worker));
  return failed === undefined ? E.right(undefined) : E.left(failed);
};

async function* tracked(stream: AsyncIterable<Uint8Array>, digest: string, size: number, onEvent: ((e: CopyEvent) => void) | undefined): AsyncIterable<Uint8Array> {
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += chunk.byteLength;
    onEvent?.({ kind: "blob-progress", digest, bytes, size });
    yield chunk;
  }
}

/**
 * Copies one image from a source to a destination: reads the manifest
 * (choosing the platform's instance of an index), plans which blobs the
 * destination lacks, streams those with bounded parallelism (the destination
 * verifies each), writes the manifest, commits.
 */
export const copyImage = async (src: ImageSource, dst: ImageDestination, options: CopyOptions): Promise<E.Either<Failure, CopyResult>> => {
  try {
    return await copyOnce(src, dst, options);
  } finally {
    // A destination that was not committed cleans up after itself here.
    await dst.close();
    await src.close();
  }
};

const copyOnce = async (src: ImageSource, dst: ImageDestination, options: CopyOptions): Promise<E.Either<Failure, CopyResult>> => {
  // A function, so that each check reads the signal afresh after an await.
  const aborted = (): boolean => options.signal?.aborted === true;
  const top = await src.manifest();
  if (E.isLeft(top)) return top;
  const parsedTop = parseManifest(top.right.bytes, top.right.mediaType, top.right.digest);
  if (E.isLeft(parsedTop)) return parsedTop;
  let raw: RawManifest = top.right;
  let parsed = parsedTop.right;
  let indexDigest: string | undefined;
  if (parsed.kind === "index") {
    const entry = choosePlatform(parsed.index, options.platform);
    const want = `${options.platform.os}/${options.platform.architecture}${options.platform.variant === undefined ? "" : `/${options.platform.variant}`}`;
    if (entry === undefined) return E.left(failure("NO_MATCHING_PLATFORM", `${top.right.digest}: no image for ${want} in the index`));
    const instance = await src.manifest(entry.digest);
    if (E.isLeft(instance)) return instance;
    if (instance.right.digest !== entry.digest) return E.left(failure("DIGEST_MISMATCH", `instance ${entry.digest} has content with digest ${instance.right.digest}`));
    const p = parseManifest(instance.right.bytes, instance.right.mediaType || entry.mediaType, entry.digest);
    if (E.isLeft(p)) return p;
    if (p.right.kind !== "image") return E.left(failure("UNSUPPORTED_MANIFEST", `${entry.digest}: an index inside an index is not supported`));
    indexDigest = top.right.digest;
    raw = { ...instance.right, mediaType: p.right.mediaType };
    parsed = p.right;
  }
  if (parsed.kind !== "image") return E.left(failure("UNSUPPORTED_MANIFEST", `${raw.digest}: not an image`));
  if (!dst.acceptedManifestTypes.includes(parsed.mediaType)) {
    return E.left(failure("UNSUPPORTED_MANIFEST", `the destination does not take ${parsed.mediaType} manifests, and conversion is not supported yet`));
  }
  const manifest = parsed.manifest;
  const blobs = [manifest.config, ...manifest.layers];
  const has = await Promise.all(blobs.map((d) => dst.hasBlob(d)));
  const present = new Set(blobs.filter((_, i) => has[i] === true).map((d) => d.digest));
  const plan = planCopy(manifest, present);
  const copied = await bounded(
    options.parallel ?? 6,
    plan.blobs.map((step) => async () => {
      const d = step.descriptor;
      const role: BlobRole = d.digest === manifest.config.digest ? "config" : "layer";
      if (aborted()) return E.left(failure("INTERRUPTED", "interrupted"));
      if (step.action === "skip") {
        options.onEvent?.({ kind: "blob-skipped", digest: d.digest, size: d.size, role });
        return E.right(undefined);
      }
      options.onEvent?.({ kind: "blob-started", digest: d.digest, size: d.size, role });
      const stream = await src.blob(d);
      if (E.isLeft(stream)) return stream;
      const r = await dst.putBlob(d, tracked(stream.right, d.digest, d.size, options.onEvent));
      if (E.isRight(r)) options.onEvent?.({ kind: "blob-done", digest: d.digest, size: d.size, role });
      return aborted() && E.isLeft(r) ? E.left(failure("INTERRUPTED", "interrupted")) : r;
    }),
  );
  if (E.isLeft(copied)) return copied;
  if (aborted()) return E.left(failure("INTERRUPTED", "interrupted"));
  const written = await dst.putManifest(raw, indexDigest);
  if (E.isLeft(written)) return written;
  options.onEvent?.({ kind: "manifest-written", digest: raw.digest });
  const committed = await dst.commit();
  if (E.isLeft(committed)) return committed;
  return E.right({ id: committed.right.id, manifestDigest: raw.digest, ...(indexDigest === undefined ? {} : { indexDigest }) });
};
