import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import * as E from "fp-ts/lib/Either.js";
import tar from "tar-stream";
import { decodeDocument } from "../../core/codec.ts";
import { failure, type Failure } from "../../core/failure.ts";
import { entryStream, readEntry, readJsonEntry, withArchive, type ArchiveFile } from "../../adapters/tar/archive-file.ts";
import type { TarEntryLocation } from "../../adapters/tar/index.ts";
import { tempBeside } from "../../adapters/fs/temp-names.ts";
import { imageIndex, maxManifestBytes } from "../../core/manifest/index.ts";
import { parseDigest } from "../../core/reference/index.ts";
import type { ImageDestination, ImageSource, TransportPlugin } from "../contract.ts";
import { chooseByRefName, ociLayoutDestination } from "../oci/layout.ts";
import type { OciLayoutReference } from "../oci/reference.ts";
import { layoutPolicy } from "../path-policy.ts";
import { ociArchiveSyntax } from "./reference.ts";

/**
 * Reads an image from an OCI archive (a tar of an OCI layout) in place: one
 * pass over the headers finds where each entry is, then manifests and blobs
 * are read from their offsets. Nothing is unpacked; names are only ever
 * looked up, never used as paths.
 */
export const ociArchiveSource = (ref: OciLayoutReference): Promise<E.Either<Failure, ImageSource>> =>
  withArchive(ref.path, "OCI", (archive) => readOpened(ref, archive));

const readOpened = async (ref: OciLayoutReference, archive: ArchiveFile): Promise<E.Either<Failure, ImageSource>> => {
  const entries = archive.entries;
  const indexAt = entries.get("index.json");
  if (indexAt === undefined) return E.left(failure("INVALID_ARCHIVE", `${ref.path}: no index.json (not an OCI archive)`));
  const indexDoc = await readJsonEntry(archive.path, indexAt, maxManifestBytes, "index.json", ref.path);
  if (E.isLeft(indexDoc)) return indexDoc;
  const index = decodeDocument(imageIndex, `${ref.path}: index.json`)(indexDoc.right);
  if (E.isLeft(index)) return index;
  const picked = chooseByRefName(index.right, ref.name, ref.path, "oci-archive");
  if (E.isLeft(picked)) return picked;
  const locate = (digestText: string): E.Either<Failure, TarEntryLocation> => {
    const d = parseDigest(digestText);
    if (E.isLeft(d)) return E.left(failure("INVALID_REFERENCE", `${ref.path}: "${digestText}": ${d.left.message}`));
    const at = entries.get(`blobs/${d.right.replace(":", "/")}`);
    return at === undefined ? E.left(failure("BLOB_NOT_FOUND", `${ref.path}: blob ${digestText} is missing`)) : E.right(at);
  };
  return E.right({
    manifest: async (digest) => {
      const d = digest ?? picked.right.digest;
      const at = locate(d);
      if (E.isLeft(at)) return at;
      const bytes = await readEntry(archive.path, at.right, maxManifestBytes, `manifest ${d}`, ref.path);
      if (E.isLeft(bytes)) return bytes;
      const actual = `sha256:${createHash("sha256").update(bytes.right).digest("hex")}`;
      if (actual !== d) return E.left(failure("DIGEST_MISMATCH", `${ref.path}: manifest ${d} has content with digest ${actual}`));
      const mediaType = digest === undefined ? picked.right.mediaType : (index.right.manifests.find((m) => m.digest === digest)?.mediaType ?? "");
      return E.right({ bytes: bytes.right, mediaType, digest: d });
    },
    blob: async (d) => {
      const at = locate(d.digest);
      return E.isLeft(at) ? at : E.right(entryStream(archive.path, at.right));
    },
    close: archive.release,
  });
};

/** Every file under `dir`, as paths relative to it, sorted. */
const filesUnder = async (dir: string, prefix = ""): Promise<string[]> => {
  const out: string[] = [];
  for (const e of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === "" ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) out.push(...(await filesUnder(dir, rel)));
    else if (e.isFile() && !e.name.startsWith(".")) out.push(rel);
  }
  return out.sort();
};

/**
 * Writes an image as an OCI archive: a layout is built beside the target,
 * then packed into a temp file that is renamed over the target at commit,
 * so the archive appears whole or not at all.
 */
export const ociArchiveDestination = (ref: OciLayoutReference): ImageDestination => {
  const staging = tempBeside(ref.path);
  const layout = ociLayoutDestination({ path: staging, ...(ref.name === undefined ? {} : { name: ref.name }) });
  const cleanup = () => rm(staging, { recursive: true, force: true });
  return {
    ...layout,
    commit: async () => {
      const committed = await layout.commit();
      if (E.isLeft(committed)) return committed;
      const temp = tempBeside(ref.path);
      try {
        await mkdir(dirname(ref.path), { recursive: true });
        const pack = tar.pack();
        const written = pipeline(pack, createWriteStream(temp, { flags: "wx" }));
        for (const rel of await filesUnder(staging)) {
          const file = join(staging, rel);
          const { size } = await stat(file);
          const entry = pack.entry({ name: rel, size, mode: 0o644, mtime: new Date(0) });
          await pipeline(createReadStream(file), entry);
        }
        pack.finalize();
        await written;
        await rename(temp, ref.path);
      } catch (e) {
        await rm(temp, { force: true });
        return E.left(failure("ARCHIVE_WRITE", `${ref.path}: ${(e as Error).message}`));
      } finally {
        await cleanup();
      }
      return committed;
    },
    close: async () => {
      await layout.close();
      await cleanup();
    },
  };
};

/** `oci-archive:FILE[:NAME]` as a plugin. */
export const ociArchivePlugin: TransportPlugin<OciLayoutReference, unknown> = {
  ...ociArchiveSyntax,
  policy: layoutPolicy("oci-archive"),
  openSource: (ref) => ociArchiveSource(ref),
  openDestination: async (ref) => E.right(ociArchiveDestination(ref)),
};
