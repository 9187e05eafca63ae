import { createHash } from "node:crypto";
import { mkdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { maxManifestBytes, mediaTypes } from "../../core/manifest/index.ts";
import { digestHex, type Digest } from "../../core/reference/index.ts";
import { writeFileAtomic } from "../../adapters/fs/atomic.ts";
import { exists } from "../../adapters/fs/exists.ts";
import { deleteBlobs, hasDescribed, putBlob, putDescribed, readDescribed, type BlobStore } from "../../adapters/store/blobs.ts";
import type { ImageDestination, ImageSource, RawManifest, StoredSignature, TransportPlugin } from "../contract.ts";
import { directoryPolicy } from "../path-policy.ts";
import { dirSyntax, type DirReference } from "./reference.ts";

/** The containers/image `dir:` format: `manifest.json`, `version`, and each blob as its hex digest. */
const dirBlobs = (dir: string): BlobStore => ({ root: dir, ingestDir: dir, pathOf: (d: Digest) => join(dir, digestHex(d)) });

const versionText = "Directory Transport Version: 1.1\n";

const manifestTypeOf = (bytes: Uint8Array): string => {
  try {
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as { mediaType?: unknown; manifests?: unknown };
    return typeof doc.mediaType === "string" ? doc.mediaType : doc.manifests !== undefined ? mediaTypes.ociIndex : mediaTypes.ociManifest;
  } catch {
    return "";
  }
};

/** Reads the image in a `dir:` directory. */
export const dirSource = async (ref: DirReference): Promise<E.Either<Failure, ImageSource>> => {
  const path = join(ref.path, "manifest.json");
  const s = await stat(path).catch(() => undefined);
  if (s === undefined) return E.left(failure("NOT_FOUND", `${ref.path}: no manifest.json (not a dir: image)`));
  if (s.size > maxManifestBytes) return E.left(failure("MANIFEST_TOO_LARGE", `${path}: larger than ${maxManifestBytes} bytes`));
  const bytes = new Uint8Array(await readFile(path));
  const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  const blobs = dirBlobs(ref.path);
  return E.right({
    manifest: async (wanted) =>
      wanted === undefined || wanted === digest
        ? E.right({ bytes, mediaType: manifestTypeOf(bytes), digest })
        : E.left(failure("UNSUPPORTED_MANIFEST", `${ref.path}: a dir: image holds one manifest, not ${wanted}`)),
    blob: (d) => readDescribed(blobs, d, ref.path),
    // containers/image keeps a dir: image's signatures as signature-1, -2, … beside its manifest.
    signatures: async () => {
      const out: StoredSignature[] = [];
      for (let n = 1; n <= 64; n++) {
        const bytes = await readFile(join(ref.path, `signature-${n}`)).catch(() => undefined);
        if (bytes === undefined) break;
        out.push({ kind: "simple", bytes: new Uint8Array(bytes) });
      }
      return E.right(out);
    },
    close: async () => undefined,
  });
};

/** Writes one image as a `dir:` directory; manifest.json comes last, so a half-written directory has none. */
export const dirDestination = (ref: DirReference): ImageDestination => {
  const blobs = dirBlobs(ref.path);
  // A directory this copy made is removed whole if the copy fails: the user is left where they were.
  const existed = exists(ref.path);
  let manifest: RawManifest | undefined;
  let committed = false;
  let pendingSignatures: ReadonlyArray<Uint8Array> = [];
  const written: string[] = [];
  return {
    acceptedManifestTypes: [mediaTypes.ociManifest, mediaTypes.dockerManifest],
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

    putManifest: async (m) => {
      manifest = m;
      return E.right(undefined);
    },
    putSignatures: async (_digest, signatures) => {
      const simple = signatures.flatMap((s) => (s.kind === "simple" ? [s.bytes] : []));
      if (simple.length < signatures.length) return E.left(failure("UNSUPPORTED", `${ref.path}: a dir: image keeps GPG simple signatures only, not sigstore ones`));
      pendingSignatures = simple;
      return E.right(undefined);
    },
    commit: async () => {
      if (manifest === undefined) return E.left(failure("INVALID_MANIFEST", "commit before any manifest was written"));
      await mkdir(ref.path, { recursive: true });
      for (const [i, bytes] of pendingSignatures.entries()) await writeFileAtomic(join(ref.path, `signature-${i + 1}`), bytes);
      await writeFileAtomic(join(ref.path, "version"), versionText);
      await writeFileAtomic(join(ref.path, "manifest.json"), manifest.bytes);
      committed = true;
      return E.right({ id: manifest.digest });
    },
    close: async () => {
      if (committed) return;
      if (await existed) await deleteBlobs(blobs, written);
      else await rm(ref.path, { recursive: true, force: true }).catch(() => undefined);
    },
  };
};

/** `dir:PATH` as a plugin. */
export const dirPlugin: TransportPlugin<DirReference, unknown> = {
  ...dirSyntax,
  policy: directoryPolicy("dir"),
  openSource: (ref) => dirSource(ref),
  openDestination: async (ref) => E.right(dirDestination(ref)),
};
