import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat, readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import * as E from "fp-ts/lib/Either.js";
import tar from "tar-stream";
import { decodeDocument } from "../../core/codec.ts";
import { failure, type Failure } from "../../core/failure.ts";
import { imageConfig, mediaTypes, parseManifest } from "../../core/manifest/index.ts";
import { digestHex, parseDigest, referenceString, type Digest, type Reference } from "../../core/reference/index.ts";
import { putBlob, type BlobStore } from "../../adapters/store/blobs.ts";
import { decompressed } from "../../adapters/tar/compression.ts";
import type { ImageDestination } from "../contract.ts";

/** Where a docker archive goes: a file (replaced whole at the end) or a stream such as standard output. */
export type ArchiveOutput = { readonly kind: "file"; readonly path: string } | { readonly kind: "stream"; readonly stream: Writable; readonly label: string };

/** Writes a `docker save` archive of one or more images; each image arrives through its own destination. */
export interface DockerArchiveWriter {
  /** A destination for one more image, saved under `names` (RepoTags; none when saved by ID). */
  readonly destination: (names: ReadonlyArray<Reference>) => ImageDestination;
  /** Packs what was committed: blobs, `manifest.json`, `repositories`; the file appears whole or not at all. */
  readonly finish: () => Promise<E.Either<Failure, void>>;
  /** Removes the staging directory (after finish, or instead of it). */
  readonly discard: () => Promise<void>;
}

interface SavedImage {
  readonly Config: string;
  readonly RepoTags: ReadonlyArray<string>;
  readonly Layers: ReadonlyArray<string>;
}

const configTypes: ReadonlySet<string> = new Set([mediaTypes.dockerConfig, mediaTypes.ociConfig]);

/**
 * Stages blobs beside the output (configs as `HEX.json`, layers decompressed
 * as `DIFFID.tar`, as the format wants), then packs them. Every layer is
 * checked twice: its bytes against the manifest's digest as they arrive, and
 * its decompressed bytes against the config's diff_id.
 */
export const dockerArchiveWriter = (output: ArchiveOutput): DockerArchiveWriter => {
  const where = output.kind === "file" ? output.path : output.label;
  const anchor = output.kind === "file" ? output.path : join(process.cwd(), "berth-save");
  const staging = join(dirname(anchor), `.${basename(anchor)}.berth-${randomBytes(6).toString("hex")}`);
  const store = (suffix: string): BlobStore => ({ root: staging, ingestDir: staging, pathOf: (d: Digest) => join(staging, `${digestHex(d)}${suffix}`) });
  const configs = store(".json");
  const layers = store(".tar");
  // A layer's digest as the manifest names it → its diff_id, shared by every image in the archive.
  const diffIdOf = new Map<string, string>();
  const images: SavedImage[] = [];

  const putLayer = async (digest: Digest, size: number, stream: AsyncIterable<Uint8Array>): Promise<E.Either<Failure, void>> => {
    let mismatch: Failure | undefined;
    async function* verified(): AsyncIterable<Uint8Array> {
      const hash = createHash("sha256");
      let n = 0;
      for await (const chunk of stream) {
        n += chunk.byteLength;
        if (n > size) {
          mismatch = failure("SIZE_MISMATCH", `blob ${digest}: more than the expected ${size} bytes`);
          throw new Error(mismatch.message);
        }
        hash.update(chunk);
        yield chunk;
      }
      const got = `sha256:${hash.digest("hex")}`;
      if (n !== size) mismatch = failure("SIZE_MISMATCH", `blob ${digest}: got ${n} bytes, expected ${size}`);
      else if (got !== digest) mismatch = failure("DIGEST_MISMATCH", `blob ${digest}: content has digest ${got}`);
      if (mismatch !== undefined) throw new Error(mismatch.message);
    }
    let plain: AsyncIterable<Uint8Array>;
    try {
      plain = (await decompressed(verified())).stream;
    } catch (e) {
      return E.left(mismatch ?? failure("UNSUPPORTED_MANIFEST", `${where}: layer ${digest}: ${(e as Error).message}`));
    }
    const r = await putBlob(layers, plain);
    if (E.isLeft(r)) return E.left(mismatch ?? r.left);
    diffIdOf.set(digest, r.right.digest);
    return E.right(undefined);
  };

  const destination = (names: ReadonlyArray<Reference>): ImageDestination => {
    let entry: SavedImage | undefined;
    return {
      acceptedManifestTypes: [mediaTypes.dockerManifest, mediaTypes.ociManifest],
      hasBlob: async (d) => diffIdOf.has(d.digest),
      putBlob: async (d, stream) => {
        const digest = parseDigest(d.digest);
        if (E.isLeft(digest)) return E.left(failure("INVALID_REFERENCE", `blob "${d.digest}": ${digest.left.message}`));
        await mkdir(staging, { recursive: true });
        if (configTypes.has(d.mediaType)) {
          const r = await putBlob(configs, stream, { digest: digest.right, size: d.size });
          return E.isLeft(r) ? r : E.right(undefined);
        }
        return putLayer(digest.right, d.size, stream);
      },
      putManifest: async (m) => {
        const parsed = parseManifest(m.bytes, m.mediaType, m.digest);
        if (E.isLeft(parsed)) return parsed;
        if (parsed.right.kind !== "image") return E.left(failure("UNSUPPORTED_MANIFEST", `${where}: a docker archive holds images, not indexes`));
        const manifest = parsed.right.manifest;
        const configDigest = parseDigest(manifest.config.digest);
        if (E.isLeft(configDigest)) return E.left(failure("INVALID_MANIFEST", `${m.digest}: config digest: ${configDigest.left.message}`));
        const configFile = `${digestHex(configDigest.right)}.json`;
        let doc: unknown;
        try {
          doc = JSON.parse(await readFile(join(staging, configFile), "utf8"));
        } catch (e) {
          return E.left(failure("INVALID_MANIFEST", `${m.digest}: its config cannot be read: ${(e as Error).message}`));
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
        // Fully qualified, as podman and skopeo write them: podman reads a short RepoTag as localhost/NAME.
        entry = { Config: configFile, RepoTags: names.map((n) => referenceString(n)), Layers: files };
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
    const manifestJson = new TextEncoder().encode(JSON.stringify(images));
    // The legacy `repositories` file: name → tag → the top layer's ID.
    const repositories: Record<string, Record<string, string>> = {};
    for (const image of images) {
      const top = image.Layers[image.Layers.length - 1]?.replace(/\.tar$/, "");
      for (const tag of image.RepoTags) {
        const colon = tag.lastIndexOf(":");
        if (top !== undefined && colon > 0) (repositories[tag.slice(0, colon)] ??= {})[tag.slice(colon + 1)] = top;
      }
    }
    const files = [...new Set(images.flatMap((i) => [...i.Layers, i.Config]))];
    const temp = output.kind === "file" ? `${output.path}.${randomBytes(6).toString("hex")}.tmp` : undefined;
    try {
      const pack = tar.pack();
      const sink = temp === undefined ? (output as { stream: Writable }).stream : createWriteStream(temp, { flags: "wx", mode: 0o644 });
      const written = pipeline(pack, sink);
      for (const name of files) {
        const { size } = await stat(join(staging, name));
        await pipeline(createReadStream(join(staging, name)), pack.entry({ name, size, mode: 0o644, mtime: new Date(0) }));
      }
      pack.entry({ name: "manifest.json", mode: 0o644, mtime: new Date(0) }, Buffer.from(manifestJson));
      pack.entry({ name: "repositories", mode: 0o644, mtime: new Date(0) }, Buffer.from(JSON.stringify(repositories)));
      pack.finalize();
      await written;
      if (temp !== undefined && output.kind === "file") await rename(temp, output.path);
      return E.right(undefined);
    } catch (e) {
      if (temp !== undefined) await rm(temp, { force: true });
      return E.left(failure("ARCHIVE_WRITE", `${where}: ${(e as Error).message}`));
    }
  };

  return { destination, finish, discard: () => rm(staging, { recursive: true, force: true }) };
};

/** A destination writing one image to a docker archive file (`docker-archive:FILE[:NAME]`). */
export const dockerArchiveDestination = (path: string, name: Reference | undefined): ImageDestination => {
  const writer = dockerArchiveWriter({ kind: "file", path });
  const one = writer.destination(name === undefined ? [] : [name]);
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
