import * as E from "fp-ts/lib/Either.js";
import { passingHashAhead } from "../bytes/hash-ahead.ts";
import {
  compressionAfter,
  compressionOf,
  layerTypeFor,
  mountSource,
  planCopy,
  selectInstances,
  type BlobStep,
  type Counterpart,
  type CopyPlan,
  type DestinationCapabilities,
  type LayerChange,
  type PlanOptions,
  type ReadInstance,
} from "../../core/copy/index.ts";
import { failure, type Failure } from "../../core/failure.ts";
import { formatOf, parseManifest, rewriteLayers, type Descriptor, type ImageManifest, type IndexEntry } from "../../core/manifest/index.ts";
import type { Digest } from "../../core/reference/index.ts";
import type { StoredSignature } from "../../core/signature/index.ts";
import type { CommitResult, ImageDestination, ImageSource, RawManifest } from "../../plugins/contract.ts";
import type { BlobInfoCache } from "../store/blob-info.ts";
import { measuredStream, sha256Digest, verifiedStream, type StreamMismatch } from "../store/hash.ts";
import { compressedAs, decompressed } from "../tar/compression.ts";

/** Progress of a copy, for bars and logs. */
export type CopyEvent =
  | { readonly kind: "blob-skipped"; readonly digest: string; readonly size: number; readonly role: BlobRole }
  | { readonly kind: "blob-started"; readonly digest: string; readonly size: number; readonly role: BlobRole }
  | { readonly kind: "blob-progress"; readonly digest: string; readonly bytes: number; readonly size: number }
  | { readonly kind: "blob-done"; readonly digest: string; readonly size: number; readonly role: BlobRole }
  | { readonly kind: "manifest-written"; readonly digest: string };

/** Whether a blob is the image's config or one of its layers. */
export type BlobRole = "config" | "layer";

/** How to copy: what to plan, and how to carry it out. */
export interface CopyOptions extends PlanOptions {
  /** Blobs copied at once (default 6). */
  readonly parallel?: number;
  /** Stops the copy (Ctrl-C); what was written but not committed is removed. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: CopyEvent) => void;
  /**
   * The signature policy's say on the source, given the digest of its manifest
   * as read (an index's, for a multi-platform image); asked before anything is
   * written, so a rejection leaves nothing behind.
   */
  readonly allow?: (manifestDigest: string) => Promise<E.Either<Failure, void>>;
  /** What earlier copies learnt: compressions of layers and where they are (consulted and added to where layers change compression or are pushed). */
  readonly blobInfo?: BlobInfoCache;
  /** The most bytes a layer may decompress to where its compression changes: more is a bomb (default: no limit). */
  readonly maxLayerBytes?: number;
  /**
   * Blobs other copies of the same run (a sync) are uploading or mounting
   * into a registry repository, by repository and digest, each settling to
   * whether it got there: a copy waits for the one already writing a blob
   * instead of writing it again (two writes of one blob to one repository
   * race inside the distribution registry, which rewrites the blob's link in
   * place while the other copy's manifest check reads it).
   */
  readonly uploads?: Map<string, Promise<boolean>>;
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
 * read, or the policy refused it), reading from it (a blob, an instance,
 * bytes that are not what the source promised), or writing to the
 * destination. Callers word messages by it: a pull says "initializing
 * source" only when the source could not be opened.
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
  // The same bytes, unchanged: a hash fed where they arrive is fed these.
  return { stream: passingHashAhead(read(), stream), state };
};

/** Mismatched bytes are the source's fault, though the destination is where they are found. */
const sourceCodes: ReadonlySet<string> = new Set(["DIGEST_MISMATCH", "SIZE_MISMATCH"]);

/** What a destination can do, read off its contract. */
export const capabilitiesOf = (dst: ImageDestination): DestinationCapabilities => ({
  acceptedManifestTypes: dst.acceptedManifestTypes,
  holdsIndex: dst.putInstance !== undefined,
  keepsSignatures: dst.putSignatures !== undefined,
  ...(dst.mountsInto === undefined || dst.mountBlob === undefined ? {} : { mountsInto: dst.mountsInto }),
  ...(dst.layerCompression === undefined ? {} : { compression: dst.layerCompression }),
  takesNewBlobs: dst.putNewBlob !== undefined,
});

/** A plan with what carrying it out needs from the reading: the manifests' bytes and the signatures. */
export interface PlannedCopy {
  readonly plan: CopyPlan;
  readonly manifests: ReadonlyMap<string, RawManifest>;
  /** The image manifests as parsed, by digest (a rewritten manifest is made from its source's). */
  readonly images: ReadonlyMap<string, ImageManifest>;
  readonly signatures: ReadonlyArray<StoredSignature>;
}

/** Reads the instance an index entry names, checking it is what the entry promises. */
const readInstance = async (src: ImageSource, entry: IndexEntry): Promise<E.Either<CopyFailure, { raw: RawManifest; instance: ReadInstance }>> => {
  const read = await settled(() => src.manifest(entry.digest), "source");
  if (E.isLeft(read)) return read;
  const raw = read.right;
  if (raw.digest !== entry.digest) return E.left(at("source")(failure("DIGEST_MISMATCH", `instance ${entry.digest} has content with digest ${raw.digest}`)));
  const p = parseManifest(raw.bytes, raw.mediaType || entry.mediaType, entry.digest);
  if (E.isLeft(p)) return E.left(at("source")(p.left));
  if (p.right.kind !== "image") return E.left(at("source")(failure("UNSUPPORTED_MANIFEST", `${entry.digest}: an index inside an index is not supported`)));
  return E.right({ raw: { ...raw, mediaType: p.right.mediaType }, instance: { digest: raw.digest, mediaType: p.right.mediaType, size: raw.bytes.byteLength, manifest: p.right.manifest, entry } });
};

/**
 * Reads what a copy is decided from and decides it: the source's manifest
 * (and the instances the selection needs), the policy's say, the signatures
 * where they would travel, and which blobs the destination has; then the
 * pure planner. With `claim`, the destination first claims what the plan may
 * rely on (a dry run claims nothing and writes nothing).
 */
export const planImageCopy = async (src: ImageSource, dst: ImageDestination, options: CopyOptions, claim = true): Promise<E.Either<CopyFailure, PlannedCopy>> => {
  const top = await settled(() => src.manifest(), "open-source");
  if (E.isLeft(top)) return top;
  const parsedTop = parseManifest(top.right.bytes, top.right.mediaType, top.right.digest);
  if (E.isLeft(parsedTop)) return E.left(at("open-source")(parsedTop.left));
  if (options.allow !== undefined) {
    // A rejection is about the source image, as podman words it: a pull may still find an acceptable one elsewhere.
    const allowed = await options.allow(top.right.digest);
    if (E.isLeft(allowed)) return E.left(at("open-source")(allowed.left));
  }
  const capabilities = capabilitiesOf(dst);
  const topFacts = { digest: top.right.digest, mediaType: parsedTop.right.mediaType, size: top.right.bytes.byteLength, parsed: parsedTop.right };
  const selection = selectInstances(topFacts, capabilities, options);
  if (E.isLeft(selection)) return E.left(at("source")(selection.left));
  const manifests = new Map<string, RawManifest>([[top.right.digest, { ...top.right, mediaType: parsedTop.right.mediaType }]]);
  const instances: ReadInstance[] = [];
  if (selection.right.kind === "image" && parsedTop.right.kind === "image") {
    instances.push({ digest: topFacts.digest, mediaType: topFacts.mediaType, size: topFacts.size, manifest: parsedTop.right.manifest });
  } else {
    const entries = selection.right.kind === "all" ? selection.right.entries : selection.right.kind === "instance" ? [selection.right.entry] : [];
    for (const entry of entries) {
      if (options.signal?.aborted === true) return E.left(failure("INTERRUPTED", "interrupted"));
      const read = await readInstance(src, entry);
      if (E.isLeft(read)) return read;
      manifests.set(read.right.raw.digest, read.right.raw);
      instances.push(read.right.instance);
    }
  }
  // Signatures sign the manifest digest as read: that of the index, for an image chosen from one. Read unless they are to be dropped:
  // the plan carries them, or refuses a destination that cannot keep them.
  const readSignatures = src.signatures;
  const wanted = options.removeSignatures !== true && readSignatures !== undefined;
  const signatures = wanted ? await settled(() => readSignatures(top.right.digest), "source") : E.right([]);
  if (E.isLeft(signatures)) return signatures;
  const blobs = instances.flatMap((i) => [i.manifest.config, ...i.manifest.layers]);
  const reserve = dst.reserve;
  if (claim && reserve !== undefined) {
    // Claimed before they are looked for, with the manifests: a concurrent removal in the destination keeps them.
    const read: Descriptor[] = [...manifests.values()].map((m) => ({ mediaType: m.mediaType, digest: m.digest as Descriptor["digest"], size: m.bytes.byteLength }));
    const reserved = await settled(() => reserve([...blobs, ...read]), "destination");
    if (E.isLeft(reserved)) return reserved;
  }
  // Where layers may change compression, what earlier copies made of them may stand in.
  // Only where a layer can change: a pull into the store, which keeps layers as they are, reads no cache.
  const cache = options.blobInfo;
  const c = options.compression ?? {};
  const changing = capabilities.takesNewBlobs === true && (capabilities.compression === "compress" || c.compress === true || c.decompress === true || c.format !== undefined);
  const layers = cache === undefined || !changing ? [] : [...new Set(instances.flatMap((i) => i.manifest.layers).filter((l) => compressionOf(l.mediaType) !== undefined).map((l) => l.digest))];
  const counterparts = new Map<string, ReadonlyArray<Counterpart>>(await Promise.all(layers.map(async (l) => [l, (await cache?.counterparts(l).catch(() => [])) ?? []] as const)));
  // Where every blob can be mounted from the source's repository, nobody asks first whether the destination has them:
  // a mount of a blob it has succeeds as well, and the questions cost a round trip before the mounts (~9 ms of a
  // 4-layer push; a mount that fails asks then).
  const mountable = mountSource(capabilities, src.locations ?? []) !== undefined;
  const asked = [...(mountable ? [] : blobs), ...[...counterparts.values()].flat().map((c) => c.descriptor)];
  const has = await Promise.all(asked.map((d) => dst.hasBlob(d).catch(() => false)));
  const present = new Set(asked.filter((_, i) => has[i] === true).map((d) => d.digest));
  const plan = planCopy(
    { top: topFacts, instances, present, signatures: signatures.right.length, locations: src.locations ?? [], counterparts },
    capabilities,
    options,
    sha256Digest,
  );
  if (E.isLeft(plan)) return E.left(at(plan.left.code === "SIGNATURES_INVALIDATED" || plan.left.code === "SIGNATURES_NOT_SUPPORTED" ? "source" : "destination")(plan.left));
  return E.right({ plan: plan.right, manifests, images: new Map(instances.map((i) => [i.digest, i.manifest])), signatures: signatures.right });
};

/**
 * A layer's bytes as the change makes them, from the source's bytes (verified
 * as they stream); with the digest of its uncompressed content, once read,
 * and why decompressing the source failed, if it did (a corrupt stream, or
 * more than `maxLayerBytes`: the source's fault, though the destination's
 * writer is the one that stops).
 */
const changedStream = async (
  source: AsyncIterable<Uint8Array>,
  change: LayerChange,
  digest: Digest,
  maxLayerBytes = Number.POSITIVE_INFINITY,
): Promise<{ readonly stream: AsyncIterable<Uint8Array>; readonly uncompressed: () => Digest | undefined; readonly failed: () => Error | undefined }> => {
  // An uncompressed source is its own uncompressed content: its digest is verified as it streams, not hashed twice.
  if (change.action === "compress" && change.from === "none") return { stream: compressedAs(change.to, change.level)(source), uncompressed: () => digest, failed: () => undefined };
  let failed: Error | undefined;
  async function* watched(plain: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    try {
      yield* plain;
    } catch (e) {
      failed = e instanceof Error ? e : new Error(String(e));
      throw e;
    }
  }
  const tapped = measuredStream(watched((await decompressed(source, maxLayerBytes)).stream));
  const uncompressed = (): Digest | undefined => tapped.result()?.digest;
  return { stream: change.action === "decompress" ? tapped.stream : compressedAs(change.to, change.level)(tapped.stream), uncompressed, failed: () => failed };
};

/** Carries a plan out: blobs (mounted, copied or skipped as planned), manifests, signatures, commit; and waits for the blob-info cache's writes, whatever happened. */
const carryOut = async (planned: PlannedCopy, src: ImageSource, dst: ImageDestination, options: CopyOptions): Promise<E.Either<CopyFailure, CopyResult>> => {
  const remembering: Promise<void>[] = [];
  try {
    return await carryOutSteps(planned, src, dst, options, remembering);
  } finally {
    await Promise.all(remembering);
  }
};

const carryOutSteps = async (
  planned: PlannedCopy,
  src: ImageSource,
  dst: ImageDestination,
  options: CopyOptions,
  /** The blob-info cache's writes under way. */
  remembering: Promise<void>[],
): Promise<E.Either<CopyFailure, CopyResult>> => {
  const aborted = (): boolean => options.signal?.aborted === true;
  const { plan } = planned;
  const interrupted = E.left(failure("INTERRUPTED", "interrupted"));
  let written: RawManifest | undefined;
  /** What the destination got in place of a layer whose compression changed, by the source layer's digest. */
  const replaced = new Map<string, Descriptor>();
  const cache = options.blobInfo;
  const pushedTo = dst.mountsInto;
  /**
   * Remembers where a blob now is, for later mounts, while the copy goes on: nothing of the copy
   * waits for the cache (a mounted push wrote it before its manifest: ~8 ms of a 4-layer push).
   * The cache's failures cost nothing but the memory.
   */
  const seen = (digest: string): void => {
    if (cache !== undefined && pushedTo !== undefined) remembering.push(cache.recordLocation(digest, pushedTo).catch(() => undefined));
  };

  /**
   * Whose fault a blob's failed copy is: Ctrl-C's; the source's, when its bytes were not what it promised
   * (`mismatch`), its stream broke (`readFailure`) or the code says so; else the side the failure names.
   */
  const blamed = (f: CopyFailure, d: Descriptor, readFailure: Error | undefined, mismatch: StreamMismatch | undefined, sourceCode: (code: string) => boolean): E.Either<CopyFailure, never> => {
    if (aborted()) return E.left(failure("INTERRUPTED", "interrupted"));
    if (mismatch !== undefined) return E.left(at("source")(failure(mismatch.code, mismatch.message)));
    if (readFailure !== undefined) return E.left(at("source")(failure("BLOB_READ", `reading blob ${d.digest}: ${readFailure.message}`)));
    return E.left(at(sourceCode(f.code) ? "source" : (f.stage ?? "destination"))(f));
  };

  /** Copies a layer changing its compression on the way: the source's bytes verified, the new blob's digest learnt at its end. */
  const copyChanged = async (step: BlobStep, change: LayerChange): Promise<E.Either<CopyFailure, void>> => {
    const d = step.descriptor;
    const putNewBlob = dst.putNewBlob;
    if (putNewBlob === undefined) return E.left(at("destination")(failure("UNSUPPORTED_MANIFEST", `blob ${d.digest}: the destination cannot take a layer whose compression changes`)));
    options.onEvent?.({ kind: "blob-started", digest: d.digest, size: d.size, role: step.role });
    const stream = await settled(() => src.blob(d), "source");
    if (E.isLeft(stream)) return stream;
    const read = tracked(stream.right, d.digest, d.size, options.onEvent);
    const checked = verifiedStream(read.stream, d);
    let changed: Awaited<ReturnType<typeof changedStream>> | undefined;
    const r = await settled(async () => {
      changed = await changedStream(checked.stream, change, d.digest, options.maxLayerBytes);
      const put = await putNewBlob(changed.stream);
      return E.isLeft(put) ? put : E.right({ ...put.right, uncompressed: changed.uncompressed() });
    }, "destination").finally(() => release(stream.right));
    // A source that does not decompress is the source's fault, though the compressor finds it.
    if (E.isLeft(r)) return blamed(r.left, d, read.state.failed ?? changed?.failed(), checked.state.mismatch, (code) => code === "INVALID_ARCHIVE");
    const mediaType = layerTypeFor(compressionAfter(d, change) ?? "none", d.mediaType) ?? d.mediaType;
    const made: Descriptor = { mediaType, digest: r.right.digest, size: r.right.size };
    replaced.set(d.digest, made);
    const uncompressed = r.right.uncompressed;
    if (cache !== undefined && uncompressed !== undefined) {
      const pair = change.action === "compress" ? cache.recordPair(uncompressed, { ...made, compression: change.to }) : cache.recordPair(uncompressed, { ...d, compression: change.from });
      remembering.push(pair.catch(() => undefined));
    }
    seen(made.digest);
    options.onEvent?.({ kind: "blob-done", digest: d.digest, size: d.size, role: step.role });
    return E.right(undefined);
  };

  for (const instance of plan.instances) {
    if (aborted()) return interrupted;
    const copied = await bounded(
      options.parallel ?? 6,
      instance.blobs.map((step) => async (): Promise<E.Either<CopyFailure, void>> => {
        const d = step.descriptor;
        if (aborted()) return interrupted;
        if (step.action === "skip") {
          if (step.written !== undefined) replaced.set(d.digest, step.written);
          options.onEvent?.({ kind: "blob-skipped", digest: d.digest, size: d.size, role: step.role });
          return E.right(undefined);
        }
        const mountBlob = dst.mountBlob;
        const mount = step.action === "mount" && step.from !== undefined && mountBlob !== undefined ? { from: step.from, blob: mountBlob } : undefined;
        const target = mount === undefined ? d : (step.written ?? d);
        // Mounts take part too: the registry rewrites a mounted blob's link in place, and a second mount of it
        // can empty the link under another copy's manifest check ("digest invalid").
        const key = options.uploads === undefined || pushedTo === undefined || (mount === undefined && step.change !== undefined) ? undefined : `${pushedTo.registry}/${pushedTo.repository}@${target.digest}`;
        const other = key === undefined ? undefined : options.uploads?.get(key);
        if (other !== undefined && (await other)) {
          if (mount !== undefined && step.written !== undefined) replaced.set(d.digest, step.written);
          options.onEvent?.({ kind: "blob-skipped", digest: d.digest, size: d.size, role: step.role });
          return E.right(undefined);
        }
        let done: (written: boolean) => void = () => undefined;
        if (key !== undefined) options.uploads?.set(key, new Promise<boolean>((resolve) => (done = resolve)));
        let written = false;
        try {
          if (mount !== undefined) {
            const mounted = await settled(() => mount.blob(target, mount.from), "destination");
            if (E.isLeft(mounted)) return mounted;
            // Not mounted: the destination may have it all the same (nobody asked before the mount).
            if (mounted.right || (await dst.hasBlob(target).catch(() => false))) {
              written = true;
              if (step.written !== undefined) replaced.set(d.digest, step.written);
              seen(target.digest);
              options.onEvent?.({ kind: "blob-skipped", digest: d.digest, size: d.size, role: step.role });
              return E.right(undefined);
            }
          }
          if (step.change !== undefined) return copyChanged(step, step.change);
          options.onEvent?.({ kind: "blob-started", digest: d.digest, size: d.size, role: step.role });
          const stream = await settled(() => src.blob(d), "source");
          if (E.isLeft(stream)) return stream;
          const read = tracked(stream.right, d.digest, d.size, options.onEvent);
          // Released whatever the destination did: it may have failed before reading.
          const r = await settled(() => dst.putBlob(d, read.stream), "destination").finally(() => release(stream.right));
          if (E.isRight(r)) {
            written = true;
            if (step.role === "layer") seen(d.digest);
            options.onEvent?.({ kind: "blob-done", digest: d.digest, size: d.size, role: step.role });
            return r;
          }
          return blamed(r.left, d, read.state.failed, undefined, (code) => sourceCodes.has(code));
        } finally {
          done(written);
        }
      }),
    );
    if (E.isLeft(copied)) return copied;
    if (aborted()) return interrupted;
    const m = instance.manifest;
    const raw = planned.manifests.get(instance.source.digest);
    const image = planned.images.get(instance.source.digest);
    if (raw === undefined || image === undefined) return E.left(failure("INVALID_MANIFEST", `${instance.source.digest}: the plan names a manifest that was not read`));
    let manifest: RawManifest;
    if (m.action === "keep") manifest = raw;
    else if (m.action === "convert") manifest = { bytes: new TextEncoder().encode(m.text), mediaType: m.mediaType, digest: m.digest };
    else {
      // The layers' new descriptors are known now that they are written.
      const format = formatOf(m.mediaType);
      if (format === undefined) return E.left(failure("UNSUPPORTED_MANIFEST", `${instance.source.digest}: cannot write a ${m.mediaType} manifest`));
      if (formatOf(raw.mediaType) === format && image.layers.every((l) => !replaced.has(l.digest))) {
        // Every layer was mounted as it is after all: the manifest stays the source's, digest and all.
        manifest = raw;
      } else {
        const made = rewriteLayers(format, instance.source.digest, image.layers.map((l) => replaced.get(l.digest) ?? l))(image, raw.bytes, raw.mediaType);
        if (E.isLeft(made)) return E.left(at("destination")(made.left));
        manifest = { bytes: made.right.bytes, mediaType: made.right.mediaType, digest: sha256Digest(made.right.bytes) };
      }
    }
    const putInstance = dst.putInstance;
    const put = plan.index !== undefined && putInstance !== undefined ? await settled(() => putInstance(manifest), "destination") : await settled(() => dst.putManifest(manifest, plan.fromIndex), "destination");
    if (E.isLeft(put)) return put;
    options.onEvent?.({ kind: "manifest-written", digest: manifest.digest });
    written = manifest;
  }
  if (plan.index !== undefined) {
    const index = planned.manifests.get(plan.index.digest);
    if (index === undefined) return E.left(failure("INVALID_MANIFEST", `${plan.index.digest}: the plan names an index that was not read`));
    const put = await settled(() => dst.putManifest(index), "destination");
    if (E.isLeft(put)) return put;
    options.onEvent?.({ kind: "manifest-written", digest: index.digest });
    written = index;
  }
  if (written === undefined) return E.left(failure("INVALID_MANIFEST", "the plan writes no manifest"));
  const putSignatures = dst.putSignatures;
  if (plan.signatures.action === "carry" && putSignatures !== undefined) {
    const digest = written.digest;
    const stored = await settled(() => putSignatures(digest, planned.signatures), "destination");
    if (E.isLeft(stored)) return stored;
  }
  const committed = await settled(() => dst.commit(), "destination");
  if (E.isLeft(committed)) return committed;
  return E.right({ id: committed.right.id, manifestDigest: written.digest, ...(plan.fromIndex === undefined ? {} : { indexDigest: plan.fromIndex }) });
};

/** Closes both sides, whatever happened: a destination that did not commit cleans up after itself here. */
const closing = async <A>(src: ImageSource, dst: ImageDestination, options: CopyOptions, run: () => Promise<E.Either<CopyFailure, A>>): Promise<E.Either<CopyFailure, A>> => {
  try {
    const r = await settled(run, "destination");
    return E.isLeft(r) && options.signal?.aborted === true ? E.left({ code: "INTERRUPTED", message: "interrupted", stage: r.left.stage ?? "destination" }) : r;
  } finally {
    await dst.close().catch(() => undefined);
    await src.close().catch(() => undefined);
  }
};

/**
 * Copies one image (or with `all` a whole index) from a source to a
 * destination: plans the copy from what both sides say (see
 * {@link planImageCopy}), then carries the plan out with bounded parallelism
 * (the destination verifies each blob) and commits.
 */
export const copyImage = (src: ImageSource, dst: ImageDestination, options: CopyOptions): Promise<E.Either<CopyFailure, CopyResult>> =>
  closing(src, dst, options, async () => {
    const planned = await planImageCopy(src, dst, options);
    return E.isLeft(planned) ? planned : carryOut(planned.right, src, dst, options);
  });

/** Plans a copy and stops there: the plan, with nothing written or claimed on either side. */
export const dryRunCopy = (src: ImageSource, dst: ImageDestination, options: CopyOptions): Promise<E.Either<CopyFailure, CopyPlan>> =>
  closing(src, dst, options, async () => {
    const planned = await planImageCopy(src, dst, options, false);
    return E.isLeft(planned) ? planned : E.right(planned.right.plan);
  });
