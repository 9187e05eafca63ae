import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import * as E from "fp-ts/lib/Either.js";
import { decodeDocument } from "../../core/codec.ts";
import { failure, type Failure } from "../../core/failure.ts";
import { imageConfig, maxManifestBytes, mediaTypes, parseManifest } from "../../core/manifest/index.ts";
import { parseDigest, referenceString, type Digest, type Reference } from "../../core/reference/index.ts";
import { decompressed } from "../../adapters/tar/compression.ts";
import { tarFileWriter, type TarFileWriter } from "../../adapters/tar/file-writer.ts";
import { tempBeside, tempFile } from "../../adapters/fs/temp-names.ts";
import { verifiedStream } from "../../adapters/store/hash.ts";
import type { ImageDestination } from "../contract.ts";

/** Where a docker archive goes: a file (replaced whole at the end) or a stream such as standard output. */
export type ArchiveOutput = { readonly kind: "file"; readonly path: string } | { readonly kind: "stream"; readonly stream: Writable; readonly label: string };

/** Writes a `docker save` archive of one or more images; each image arrives through its own destination. */
export interface DockerArchiveWriter {
  /** A destination for one more image, saved under `names` (RepoTags; none when saved by ID). */
  readonly destination: (names: ReadonlyArray<Reference>) => ImageDestination;
  /** Ends the archive with `manifest.json` and `repositories`; the file appears whole or not at all. */
  readonly finish: () => Promise<E.Either<Failure, void>>;
  /** Removes what an unfinished archive left (after finish, or instead of it). */
  readonly discard: () => Promise<void>;
}

interface SavedImage {
  readonly Config: string;
  readonly RepoTags: ReadonlyArray<string>;
  readonly Layers: ReadonlyArray<string>;
}

const configTypes: ReadonlySet<string> = new Set([mediaTypes.dockerConfig, mediaTypes.ociConfig]);

/**
 * Writes the archive in one pass into a temp file beside the output (configs
 * as `HEX.json`, layers decompressed as `DIFFID.tar`, as the format wants),
 * renamed over the output at the end, or copied to the stream. Every layer is
 * checked twice: its bytes against the manifest's digest as they arrive, and
 * its decompressed bytes against the config's diff_id.
 */
export const dockerArchiveWriter = (output: ArchiveOutput, maxLayerBytes = Number.POSITIVE_INFINITY): DockerArchiveWriter => {
  const where = output.kind === "file" ? output.path : output.label;
  const temp = output.kind === "file" ? tempBeside(output.path) : tempFile("save");
  let opened: Promise<TarFileWriter> | undefined;
  const tarFile = (): Promise<TarFileWriter> => {
    opened ??= mkdir(dirname(temp), { recursive: true }).then(() => tarFileWriter(temp));
    return opened;
  };
  // A layer's digest as the manifest names it → its diff_id, shared by every image in the archive.
  const diffIdOf = new Map<string, string>();
  const configs = new Map<string, Uint8Array>();
  const names = new Set<string>();
  const images: SavedImage[] = [];
  let finished = false;

  const putConfig = async (digest: Digest, size: number, stream: AsyncIterable<Uint8Array>): Promise<E.Either<Failure, void>> => {
    const chunks: Uint8Array[] = [];
    let n = 0;
    for await (const chunk of stream) {
      n += chunk.byteLength;
      if (n > size || n > maxManifestBytes) return E.left(failure("SIZE_MISMATCH", `blob ${digest}: more than the expected ${size} bytes`));
      chunks.push(chunk);
    }
    const bytes = new Uint8Array(Buffer.concat(chunks));
    const got = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    if (n !== size) return E.left(failure("SIZE_MISMATCH", `blob ${digest}: got ${n} bytes, expected ${size}`));
    if (got !== digest) return E.left(failure("DIGEST_MISMATCH", `blob ${digest}: content has digest ${got}`));
    configs.set(digest, bytes);
    return E.right(undefined);
  };

  const putLayer = async (digest: Digest, size: number, stream: AsyncIterable<Uint8Array>): Promise<E.Either<Failure, void>> => {
    const verified = verifiedStream(stream, { digest, size });
    const diffHash = createHash("sha256");
    async function* hashed(plain: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
      for await (const chunk of plain) {
        diffHash.update(chunk);
        yield chunk;
      }
    }
    try {
      const plain = (await decompressed(verified.stream, maxLayerBytes)).stream;
      const tar = await tarFile();
      let diffId = "";
      await tar.addStream(hashed(plain), () => {
        diffId = `sha256:${diffHash.digest("hex")}`;
        const hex = diffId.slice("sha256:".length);
        // The same content compressed two ways: the archive names each file once; the copy is inert.
        const name = names.has(`${hex}.tar`) ? `${hex}.${names.size}.tar` : `${hex}.tar`;
        names.add(name);
        return name;
      });
      diffIdOf.set(digest, diffId);
      return E.right(undefined);
    } catch (e) {
      const mismatch = verified.state.mismatch;
      return E.left(mismatch !== undefined ? failure(mismatch.code, mismatch.message) : failure("ARCHIVE_WRITE", `${where}: layer ${digest}: ${(e as Error).message}`));
    }
  };

  const destination = (saved: ReadonlyArray<Reference>): ImageDestination => {
    let entry: SavedImage | undefined;
    return {
      acceptedManifestTypes: [mediaTypes.dockerManifest, mediaTypes.ociManifest],
      hasBlob: async (d) => diffIdOf.has(d.digest) || configs.has(d.digest),
      putBlob: async (d, stream) => {
        const digest = parseDigest(d.digest);
        if (E.isLeft(digest)) return E.left(failure("INVALID_REFERENCE", `blob "${d.digest}": ${digest.left.message}`));
        return configTypes.has(d.mediaType) ? putConfig(digest.right, d.size, stream) : putLayer(digest.right, d.size, stream);
      },
      putManifest: async (m) => {
        const parsed = parseManifest(m.bytes, m.mediaType, m.digest);
        if (E.isLeft(parsed)) return parsed;
        if (parsed.right.kind !== "image") return E.left(failure("UNSUPPORTED_MANIFEST", `${where}: a docker archive holds images, not indexes`));
        const manifest = parsed.right.manifest;
        const configBytes = configs.get(manifest.config.digest);
        if (configBytes === undefined) return E.left(failure("INVALID_MANIFEST", `${m.digest}: its config ${manifest.config.digest} was not written`));
        let doc: unknown;
        try {
          doc = JSON.parse(new TextDecoder().decode(configBytes));
        } catch (e) {
          return E.left(failure("INVALID_MANIFEST", `${m.digest}: its config is not JSON: ${(e as Error).message}`));
        }
        const config = decodeDocument(imageConfig, `${m.digest}: config`)(doc);
        if (E.isLeft(config)) return config;
        const diffIds = config.right.rootfs.diff_ids;
        if (diffIds.length !== manifest.layers.length) {
          return E.left(failure("INVALID_MANIFEST", `${m.digest}: ${manifest.layers.length} layers but ${diffIds.length} diff_ids in the config`));
        }
        const files: string[] = [];
        for (const [i, layer] of manifest.layers.entries()) {
          const diffId = diffIdOf.get(layer.digest);
          if (diffId === undefined || diffId !== diffIds[i]) {
            return E.left(failure("DIGEST_MISMATCH", `layer ${layer.digest} decompresses to ${diffId ?? "nothing"}, but the config says ${diffIds[i] ?? "nothing"}`));
          }
          files.push(`${diffId.slice(diffId.indexOf(":") + 1)}.tar`);
        }
        const configFile = `${manifest.config.digest.slice(manifest.config.digest.indexOf(":") + 1)}.json`;
        if (!names.has(configFile)) {
          names.add(configFile);
          await (await tarFile()).addBytes(configFile, configBytes);
        }
        // Fully qualified, as podman and skopeo write them: podman reads a short RepoTag as localhost/NAME.
        entry = { Config: configFile, RepoTags: saved.map((n) => referenceString(n)), Layers: files };
        return E.right(undefined);
      },
      commit: async () => {
        if (entry === undefined) return E.left(failure("INVALID_MANIFEST", "commit before any manifest was written"));
        images.push(entry);
        return E.right({ id: entry.Config.replace(/\.json$/, "") });
      },
      close: async () => undefined,
    };
  };

  const finish = async (): Promise<E.Either<Failure, void>> => {
    // The legacy `repositories` file: name → tag → the top layer's ID.
    const repositories: Record<string, Record<string, string>> = {};
    for (const image of images) {
      const top = image.Layers[image.Layers.length - 1]?.replace(/\.tar$/, "");
      for (const tag of image.RepoTags) {
        const colon = tag.lastIndexOf(":");
        if (top !== undefined && colon > 0) (repositories[tag.slice(0, colon)] ??= {})[tag.slice(colon + 1)] = top;
      }
    }
    try {
      const tar = await tarFile();
      await tar.addBytes("manifest.json", new TextEncoder().encode(JSON.stringify(images)));
      await tar.addBytes("repositories", new TextEncoder().encode(JSON.stringify(repositories)));
      await tar.finish();
      if (output.kind === "file") await rename(temp, output.path);
      else await pipeline(createReadStream(temp, { highWaterMark: 1 << 20 }), output.stream, { end: false });
      finished = true;
      return E.right(undefined);
    } catch (e) {
      // Renaming over a directory: say what is wrong, not what rename(2) says.
      if ((e as NodeJS.ErrnoException).code === "EISDIR") return E.left(failure("ARCHIVE_WRITE", `${where}: is a directory; an archive is written to a file (give a file name)`));
      return E.left(failure("ARCHIVE_WRITE", `${where}: ${(e as Error).message}`));
    }
  };

  const discard = async (): Promise<void> => {
    if (opened !== undefined && !finished) await (await opened.catch(() => undefined))?.abort();
    if (output.kind === "stream" || !finished) await rm(temp, { force: true });
  };

  return { destination, finish, discard };
};

/** A destination writing one image to a docker archive file (`docker-archive:FILE[:NAME]`), under `names` (its RepoTags). */
export const dockerArchiveDestination = (path: string, names: ReadonlyArray<Reference>, maxLayerBytes?: number): ImageDestination => {
  const writer = dockerArchiveWriter({ kind: "file", path }, maxLayerBytes);
  const one = writer.destination(names);
  return {
    ...one,
    commit: async () => {
      const committed = await one.commit();
      if (E.isLeft(committed)) return committed;
      await mkdir(dirname(path), { recursive: true });
      const packed = await writer.finish();
      return E.isLeft(packed) ? packed : committed;
    },
    close: () => writer.discard(),
  };
};
