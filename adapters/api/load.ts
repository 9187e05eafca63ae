import { createWriteStream } from "node:fs";
import { readFile, rm, stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { normalizeStoreName, refNameAnnotation } from "../../core/store/index.ts";
import type { ImageSource } from "../../plugins/contract.ts";
import { decodeDocument } from "../../core/codec.ts";
import { imageIndex } from "../../core/manifest/index.ts";
import * as t from "io-ts";
import { archiveManifest, dockerArchivePlugin, dockerArchiveSource } from "../../plugins/docker-archive/archive.ts";
import { ociArchivePlugin, ociArchiveSource } from "../../plugins/oci-archive/archive.ts";
import { ociLayoutSource, ociPlugin } from "../../plugins/oci/layout.ts";
import { storeDestination } from "../../plugins/store/transport.ts";
import { policyCheck, type PolicySubject } from "../config/policy.ts";
import { copyImage } from "../copy/engine.ts";
import { hostPlatform } from "../platform.ts";
import { plainTar, readJsonEntry } from "../tar/archive-file.ts";
import { indexTar } from "../tar/index.ts";
import type { BerthContext } from "./context.ts";
import { subjectFor } from "./policy-identity.ts";
import { tempDirectory, sweepStaleFor } from "../fs/temp-names.ts";
import { systemMessage } from "../fs/errors.ts";

/** Archives are read in place by offset, so a stream (standard input) is first copied to a private file. */
const loadStream = async (
  ctx: BerthContext,
  input: AsyncIterable<Uint8Array>,
  onLoaded: (name: string) => void,
): Promise<E.Either<Failure, ReadonlyArray<string>>> => {
  let spool: string | undefined;
  try {
    spool = await tempDirectory("load");
    const path = join(spool, "input.tar");
    await pipeline(Readable.from(input), createWriteStream(path, { flags: "wx", mode: 0o600 }));
    if ((await stat(path)).size === 0) return E.left(failure("INVALID_ARCHIVE", "the input is empty: no archive to load"));
    return await loadArchive(ctx, path, onLoaded);
  } catch (e) {
    return E.left(failure("INVALID_ARCHIVE", `reading the archive: ${systemMessage(e)}`));
  } finally {
    if (spool !== undefined) await rm(spool, { recursive: true, force: true });
  }
};

/** One image found in what is being loaded, and the names it should get. */
interface Found {
  readonly open: () => Promise<E.Either<Failure, ImageSource>>;
  readonly names: ReadonlyArray<string>;
  /** What the signature policy judges, as the transport's plugin says. */
  readonly subject: () => Promise<PolicySubject>;
}

const storeNames = (candidates: ReadonlyArray<string | undefined>): string[] =>
  candidates.flatMap((c) => {
    if (c === undefined) return [];
    const n = normalizeStoreName(c);
    return E.isRight(n) ? [n.right] : [];
  });

/** The images of an OCI layout index (directory or archive), with names from `ref.name`. */
const fromIndex = (
  manifests: ReadonlyArray<{ annotations?: Record<string, string> | undefined }>,
  open: (name: string | undefined) => Promise<E.Either<Failure, ImageSource>>,
  subject: (name: string | undefined) => () => Promise<PolicySubject>,
): Found[] =>
  manifests.length === 1 && manifests[0]?.annotations?.[refNameAnnotation] === undefined
    ? [{ open: () => open(undefined), names: [], subject: subject(undefined) }]
    : manifests.flatMap((m) => {
        const name = m.annotations?.[refNameAnnotation];
        return name === undefined ? [] : [{ open: () => open(name), names: storeNames([name]), subject: subject(name) }];
      });

/** The policy subject of an image of an OCI layout or archive at `path`. */
const ociSubject =
  (plugin: typeof ociPlugin, path: string) =>
  (name: string | undefined) =>
  (): Promise<PolicySubject> =>
    subjectFor(plugin, { path, ...(name === undefined ? {} : { name }) }, `${plugin.name}:${path}${name === undefined ? "" : `:${name}`}`);

/** The legacy `repositories` file: name → tag → top layer ID. */
const legacyRepositories = t.record(t.string, t.record(t.string, t.string), "a repositories file");

/**
 * Names from the legacy `repositories` file (`{"name": {"tag": "TOP-LAYER-ID"}}`)
 * for an image whose manifest.json entry has no RepoTags: those whose ID is
 * the image's top layer (`ID.tar` or `ID/layer.tar`), as docker load matches them.
 */
const legacyNames = (repositories: Readonly<Record<string, Readonly<Record<string, string>>>>, layers: ReadonlyArray<string>): string[] => {
  const top = layers[layers.length - 1];
  if (top === undefined) return [];
  const id = top.replace(/\/layer\.tar$/, "").replace(/\.tar$/, "").replace(/^blobs\/sha256\//, "");
  return Object.entries(repositories).flatMap(([name, tags]) => Object.entries(tags).flatMap(([tag, value]) => (value === id ? [`${name}:${tag}`] : [])));
};

/** podman's words for an input no format reads, which scripts grep; what each format found follows on the same line. */
const unmatched = "payload does not match any of the supported image formats: ";

/** Tells what `path` is (OCI layout directory, OCI archive, docker archive) and lists its images; otherwise says why each format did not match. */
const detect = async (path: string): Promise<E.Either<Failure, Found[]>> => {
  const s = await stat(path).catch(() => undefined);
  if (s === undefined) return E.left(failure("NOT_FOUND", `${path}: no such file or directory`));
  if (s.isDirectory()) {
    const text = await readFile(join(path, "index.json"), "utf8").catch(() => undefined);
    if (text === undefined) return E.left(failure("INVALID_ARCHIVE", `${unmatched}${path}: oci: no index.json; oci-archive, docker-archive: a directory, not a file`));
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      return E.left(failure("INVALID_ARCHIVE", `${path}/index.json: ${(e as Error).message}`));
    }
    const index = decodeDocument(imageIndex, join(path, "index.json"))(doc);
    if (E.isLeft(index)) return E.left(failure("INVALID_ARCHIVE", index.left.message));
    return E.right(fromIndex(index.right.manifests, (name) => ociLayoutSource({ path, ...(name === undefined ? {} : { name }) }), ociSubject(ociPlugin, path)));
  }
  let entries: Awaited<ReturnType<typeof indexTar>>;
  try {
    entries = await indexTar(path);
  } catch (e) {
    return E.left(failure("INVALID_ARCHIVE", `${unmatched}${path}: oci-archive, docker-archive: ${(e as Error).message}; oci: not a directory`));
  }
  const read = async (name: string): Promise<E.Either<Failure, unknown>> => {
    const at = entries.get(name);
    return at === undefined ? E.right(undefined) : readJsonEntry(path, at, 4 << 20, name);
  };
  if (entries.has("manifest.json")) {
    const doc = await read("manifest.json");
    if (E.isLeft(doc)) return doc;
    const manifest = decodeDocument(archiveManifest, `${path}: manifest.json`)(doc.right);
    if (E.isLeft(manifest)) return E.left(failure("INVALID_ARCHIVE", manifest.left.message));
    const images = manifest.right;
    const legacy = await read("repositories");
    const repositories = E.isRight(legacy) ? decodeDocument(legacyRepositories, `${path}: repositories`)(legacy.right) : E.right({});
    return E.right(
      images.map((img, index) => ({
        open: () => dockerArchiveSource({ path, index }),
        subject: () => subjectFor(dockerArchivePlugin, { path, index }, `docker-archive:${path}:@${index}`),
        names: storeNames(img.RepoTags !== undefined && img.RepoTags !== null && img.RepoTags.length > 0 ? img.RepoTags : legacyNames(E.isRight(repositories) ? repositories.right : {}, img.Layers)),
      })),
    );
  }
  if (entries.has("index.json")) {
    const doc = await read("index.json");
    if (E.isLeft(doc)) return doc;
    const index = decodeDocument(imageIndex, `${path}: index.json`)(doc.right);
    if (E.isLeft(index)) return E.left(failure("INVALID_ARCHIVE", index.left.message));
    return E.right(fromIndex(index.right.manifests, (name) => ociArchiveSource({ path, ...(name === undefined ? {} : { name }) }), ociSubject(ociArchivePlugin as typeof ociPlugin, path)));
  }
  return E.left(failure("INVALID_ARCHIVE", `${unmatched}${path}: docker-archive: no manifest.json; oci-archive: no index.json; oci: not a directory`));
};

/**
 * Loads every image of an archive or layout into the store, as `podman
 * load`: a docker archive, an OCI archive (either possibly gzip-compressed,
 * decompressed once) or an OCI layout directory, each image with every name
 * it carries; an unnamed one by ID. `onLoaded` hears each name as it lands.
 * Gives every name loaded (`sha256:ID` for unnamed images).
 */
export const loadArchive = async (
  ctx: BerthContext,
  input: string | AsyncIterable<Uint8Array>,
  onLoaded: (name: string) => void = () => undefined,
): Promise<E.Either<Failure, ReadonlyArray<string>>> => {
  // What a killed load or save left in the temp directory goes first.
  await sweepStaleFor();
  if (typeof input !== "string") return loadStream(ctx, input, onLoaded);
  const policy = await ctx.policy();
  if (E.isLeft(policy)) return policy;
  const plain = (await stat(input).then((st) => st.isFile(), () => false)) ? await plainTar(input, "image") : undefined;
  if (plain !== undefined && E.isLeft(plain)) return plain;
  const path = plain === undefined ? input : plain.right.path;
  try {
    const found = await detect(path);
    if (E.isLeft(found)) return found;
    if (found.right.length === 0) return E.left(failure("INVALID_ARCHIVE", `${path}: holds no images`));
    const loaded: string[] = [];
    for (const image of found.right) {
      const src = await image.open();
      if (E.isLeft(src)) return src;
      const r = await copyImage(src.right, storeDestination(ctx.store, image.names), {
        platform: hostPlatform(),
        allow: async (digest) => policyCheck(policy.right, await image.subject())(digest),
      });
      if (E.isLeft(r)) return r;
      for (const n of image.names.length === 0 ? [`sha256:${r.right.id}`] : image.names) {
        loaded.push(n);
        onLoaded(n);
      }
    }
    return E.right(loaded);
  } finally {
    if (plain !== undefined) await plain.right.release();
  }
};
