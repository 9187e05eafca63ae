import { createHash } from "node:crypto";
import { mkdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { decodeDocument } from "../../core/codec.ts";
import { failure, type Failure } from "../../core/failure.ts";
import { imageIndex, mediaTypes, type ImageIndex } from "../../core/manifest/index.ts";
import { parseDigest } from "../../core/reference/index.ts";
import { refNameAnnotation } from "../../core/store/index.ts";
import { writeFileAtomic } from "../../adapters/fs/atomic.ts";
import { exists } from "../../adapters/fs/exists.ts";
import { blobPath, deleteBlobs, putBlob, hasDescribed, putBytes, putDescribed, readDescribed, type BlobStore } from "../../adapters/store/blobs.ts";
import { acquireLock } from "../../adapters/store/lock.ts";
import type { ImageDestination, ImageSource, RawManifest, TransportPlugin } from "../contract.ts";
import { layoutPolicy } from "../path-policy.ts";
import { ociSyntax, type OciLayoutReference } from "./reference.ts";

const maxIndexBytes = 4 * 1024 * 1024;

/** Blobs are written beside their final place (hidden until renamed), so concurrent writers share no extra directory. */
const layoutBlobs = (dir: string): BlobStore => ({ root: dir, ingestDir: join(dir, "blobs", "sha256") });

/** The layout's index.json, or an empty index when there is none yet. */
const readIndex = async (dir: string, mustExist: boolean): Promise<E.Either<Failure, ImageIndex>> => {
  const path = join(dir, "index.json");
  const s = await stat(path).catch(() => undefined);
  if (s === undefined) {
    return mustExist ? E.left(failure("NOT_FOUND", `${dir}: not an OCI layout (no index.json)`)) : E.right({ schemaVersion: 2, manifests: [] });
  }
  if (s.size > maxIndexBytes) return E.left(failure("INVALID_MANIFEST", `${path}: larger than ${maxIndexBytes} bytes`));
  try {
    return decodeDocument(imageIndex, path)(JSON.parse(await readFile(path, "utf8")));
  } catch (e) {
    return E.left(failure("INVALID_MANIFEST", `${path}: invalid JSON: ${(e as Error).message}`));
  }
};

const readVerified = async (dir: string, digestText: string, cap: number): Promise<E.Either<Failure, Uint8Array>> => {
  const digest = parseDigest(digestText);
  if (E.isLeft(digest)) return E.left(failure("INVALID_REFERENCE", `${dir}: blob "${digestText}": ${digest.left.message}`));
  const path = blobPath(layoutBlobs(dir), digest.right);
  const s = await stat(path).catch(() => undefined);
  if (s === undefined) return E.left(failure("BLOB_NOT_FOUND", `${dir}: blob ${digestText} is missing`));
  if (s.size > cap) return E.left(failure("MANIFEST_TOO_LARGE", `${dir}: ${digestText} is larger than ${cap} bytes`));
  const bytes = new Uint8Array(await readFile(path));
  const actual = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  return actual === digestText ? E.right(bytes) : E.left(failure("DIGEST_MISMATCH", `${dir}: blob ${digestText} has content with digest ${actual}`));
};

/** The entry of a layout's index that `name` picks (by `ref.name`), or the only one when no name is given. */
export const chooseByRefName = (index: ImageIndex, name: string | undefined, where: string, transport: string): E.Either<Failure, ImageIndex["manifests"][number]> => {
  const named = name === undefined ? index.manifests : index.manifests.filter((m) => m.annotations?.[refNameAnnotation] === name);
  const chosen = named[0];
  if (chosen === undefined) return E.left(failure("NOT_FOUND", name === undefined ? `${where}: holds no images` : `${where}: no image named "${name}"`));
  if (named.length > 1) return E.left(failure("AMBIGUOUS_IMAGE", `${where}: ${name === undefined ? `holds several images; name one (${transport}:PATH:NAME)` : `several images are named "${name}"`}`));
  return E.right(chosen);
};

/** Reads an image from an OCI layout directory: by `ref.name`, or the only image in it. */
export const ociLayoutSource = async (ref: OciLayoutReference): Promise<E.Either<Failure, ImageSource>> => {
  const index = await readIndex(ref.path, true);
  if (E.isLeft(index)) return index;
  const picked = chooseByRefName(index.right, ref.name, ref.path, "oci");
  if (E.isLeft(picked)) return picked;
  const chosen = picked.right;
  return E.right({
    manifest: async (digest) => {
      const d = digest ?? chosen.digest;
      const bytes = await readVerified(ref.path, d, maxIndexBytes);
      if (E.isLeft(bytes)) return bytes;
      const mediaType = digest === undefined ? chosen.mediaType : (index.right.manifests.find((m) => m.digest === digest)?.mediaType ?? "");
      return E.right({ bytes: bytes.right, mediaType, digest: d });
    },
    blob: (desc) => readDescribed(layoutBlobs(ref.path), desc, ref.path),
    close: async () => undefined,
  });
};

/**
 * Writes an image into an OCI layout directory (made if missing): blobs
 * verified into place, then index.json updated under a lock, by atomic
 * rename, with the image under `ref.name` (replacing what had that name).
 * Concurrent writers lose nothing.
 */
export const ociLayoutDestination = (ref: OciLayoutReference): ImageDestination => {
  const blobs = layoutBlobs(ref.path);
  // A layout this copy made is removed whole if the copy fails: the user is left where they were.
  const existed = exists(ref.path);
  let manifest: RawManifest | undefined;
  let committed = false;
  const written: string[] = [];
  const putManifestBlob = async (m: RawManifest): Promise<E.Either<Failure, void>> => {
    const digest = parseDigest(m.digest);
    if (E.isLeft(digest)) return E.left(failure("INVALID_REFERENCE", `manifest "${m.digest}": ${digest.left.message}`));
    const r = await putBytes(blobs, m.bytes, { digest: digest.right, size: m.bytes.byteLength });
    if (E.isLeft(r)) return r;
    written.push(m.digest);
    return E.right(undefined);
  };
  return {
    // containers/image reads only OCI types from a layout (a Docker manifest there is invisible to skopeo), so others are converted.
    acceptedManifestTypes: [mediaTypes.ociManifest, mediaTypes.ociIndex],
    hasBlob: (d) => hasDescribed(blobs, d),
    putBlob: async (d, stream) => {
      const r = await putDescribed(blobs, d, stream);
      if (E.isRight(r)) written.push(d.digest);
      return r;
    },
    putNewBlob: async (stream) => {
      const r = await putBlob(blobs, stream);
      if (E.isRight(r)) written.push(r.right.digest);
      return r;
    },
    layerCompression: "compress",

    putInstance: (m) => putManifestBlob(m),
    putManifest: async (m) => {
      const r = await putManifestBlob(m);
      if (E.isRight(r)) manifest = m;
      return r;
    },
    commit: async () => {
      if (manifest === undefined) return E.left(failure("INVALID_MANIFEST", "commit before any manifest was written"));
      const m = manifest;
      await mkdir(ref.path, { recursive: true });
      const lock = await acquireLock(join(ref.path, ".berth-lock"));
      if ("code" in lock) return E.left(lock);
      try {
        const index = await readIndex(ref.path, false);
        if (E.isLeft(index)) return index;
        const entry = { mediaType: m.mediaType, digest: m.digest, size: m.bytes.byteLength, ...(ref.name === undefined ? {} : { annotations: { [refNameAnnotation]: ref.name } }) };
        const kept = index.right.manifests.filter((e) => ref.name === undefined || e.annotations?.[refNameAnnotation] !== ref.name);
        const next = { schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests: [...kept, entry] };
        const layoutFile = join(ref.path, "oci-layout");
        if (!(await exists(layoutFile))) await writeFileAtomic(layoutFile, '{"imageLayoutVersion":"1.0.0"}\n');
        await writeFileAtomic(join(ref.path, "index.json"), `${JSON.stringify(next)}\n`);
        committed = true;
        return E.right({ id: m.digest });
      } finally {
        await lock.release();
      }
    },
    close: async () => {
      if (committed || written.length === 0) return;
      if (!(await existed) && !(await exists(join(ref.path, "index.json")))) {
        await rm(ref.path, { recursive: true, force: true }).catch(() => undefined);
        return;
      }
      // Under the lock, so that a blob another writer has just committed is seen as used.
      const lock = await acquireLock(join(ref.path, ".berth-lock"));
      if ("code" in lock) return;
      try {
        const used = await referencedBlobs(ref.path);
        await deleteBlobs(blobs, written.filter((d) => !used.has(d)));
      } finally {
        await lock.release();
      }
    },
  };
};

/** Every blob the layout's index.json reaches: manifests, their configs and layers, one level of nested indexes. */
const referencedBlobs = async (dir: string): Promise<ReadonlySet<string>> => {
  const used = new Set<string>();
  const index = await readIndex(dir, false);
  const visit = async (digest: string, depth: number): Promise<void> => {
    used.add(digest);
    const bytes = await readVerified(dir, digest, maxIndexBytes);
    if (E.isLeft(bytes) || depth > 2) return;
    try {
      const doc = JSON.parse(new TextDecoder().decode(bytes.right)) as { config?: { digest?: string }; layers?: { digest?: string }[]; manifests?: { digest?: string }[] };
      if (doc.config?.digest !== undefined) used.add(doc.config.digest);
      for (const l of doc.layers ?? []) if (l.digest !== undefined) used.add(l.digest);
      for (const m of doc.manifests ?? []) if (m.digest !== undefined) await visit(m.digest, depth + 1);
    } catch {
      // An unreadable manifest keeps only itself.
    }
  };
  for (const m of E.isRight(index) ? index.right.manifests : []) await visit(m.digest, 0);
  return used;
};

/** `oci:DIR[:NAME]` as a plugin. */
export const ociPlugin: TransportPlugin<OciLayoutReference, unknown> = {
  ...ociSyntax,
  policy: layoutPolicy("oci"),
  openSource: (ref) => ociLayoutSource(ref),
  openDestination: async (ref) => E.right(ociLayoutDestination(ref)),
};
