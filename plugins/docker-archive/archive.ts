import { createHash } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { decodeDocument } from "../../core/codec.ts";
import { failure, type Failure } from "../../core/failure.ts";
import { imageConfig, maxManifestBytes, mediaTypes } from "../../core/manifest/index.ts";
import { defaultScopeOnly } from "../../core/policy/index.ts";
import { familiarString, parseNormalizedNamed, referenceString, tagNameOnly, type Reference } from "../../core/reference/index.ts";
import { entryStream, readEntry, readJsonEntry, withArchive, type ArchiveFile } from "../../adapters/tar/archive-file.ts";
import { cleanEntryName, type TarEntryLocation } from "../../adapters/tar/index.ts";
import type { ImageSource, TransportPlugin } from "../contract.ts";
import { dockerArchiveSyntax, type DockerArchiveReference } from "./reference.ts";
import { dockerArchiveDestination } from "./writer.ts";

/** docker save's manifest.json: one entry per image. */
export const archiveManifest = t.array(
  t.intersection([t.type({ Config: t.string, Layers: t.array(t.string) }), t.partial({ RepoTags: t.union([t.array(t.string), t.null]) })]),
  "a docker-archive manifest.json",
);

/** The names (RepoTags) of every image of a `docker save` archive, in order, as `skopeo list-tags docker-archive:FILE` lists them. */
export const dockerArchiveNames = (path: string): Promise<E.Either<Failure, ReadonlyArray<string>>> =>
  withArchive(path, "docker", async (archive) => {
    const manifestAt = archive.entries.get("manifest.json");
    if (manifestAt === undefined) return E.left(failure("INVALID_ARCHIVE", `${path}: no manifest.json (not a docker archive)`));
    const doc = await readJsonEntry(archive.path, manifestAt, maxManifestBytes, "manifest.json", path);
    if (E.isLeft(doc)) return doc;
    const images = decodeDocument(archiveManifest, `${path}: manifest.json`)(doc.right);
    return E.isLeft(images) ? images : E.right(images.right.flatMap((i) => i.RepoTags ?? []));
  });

const sha256 = (b: Uint8Array): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/**
 * Reads one image of a `docker save` archive in place (headers indexed in one
 * pass, nothing unpacked). The archive has no manifest, so one is made as
 * containers/image makes it (Docker schema 2, layers named by their diff_id),
 * and the destination checks every layer against that digest as it streams.
 */
export const dockerArchiveSource = (ref: DockerArchiveReference): Promise<E.Either<Failure, ImageSource>> =>
  withArchive(ref.path, "docker", (archive) => readOpened(ref, archive));

const readOpened = async (ref: DockerArchiveReference, archive: ArchiveFile): Promise<E.Either<Failure, ImageSource>> => {
  const entries = archive.entries;
  const entry = (name: string): E.Either<Failure, TarEntryLocation> => {
    const clean = cleanEntryName(name);
    const at = clean === undefined ? undefined : entries.get(clean);
    return at === undefined ? E.left(failure("INVALID_ARCHIVE", `${ref.path}: "${name}" is named in manifest.json but not in the archive`)) : E.right(at);
  };
  const manifestAt = entries.get("manifest.json");
  if (manifestAt === undefined) return E.left(failure("INVALID_ARCHIVE", `${ref.path}: no manifest.json (not a docker archive)`));
  const doc = await readJsonEntry(archive.path, manifestAt, maxManifestBytes, "manifest.json", ref.path);
  if (E.isLeft(doc)) return doc;
  const images = decodeDocument(archiveManifest, `${ref.path}: manifest.json`)(doc.right);
  if (E.isLeft(images)) return images;
  const wanted = ref.name === undefined ? undefined : referenceString(ref.name);
  const matchesName = (tags: ReadonlyArray<string> | null | undefined): boolean =>
    (tags ?? []).some((tag) => {
      const r = parseNormalizedNamed(tag);
      return E.isRight(r) && referenceString(tagNameOnly(r.right)) === wanted;
    });
  const chosen =
    ref.index !== undefined ? images.right[ref.index] : wanted !== undefined ? images.right.find((i) => matchesName(i.RepoTags)) : images.right.length === 1 ? images.right[0] : undefined;
  if (chosen === undefined) {
    const why =
      ref.index !== undefined
        ? `has no image @${ref.index}`
        : ref.name !== undefined
          ? `has no image named ${familiarString(ref.name)}`
          : `holds ${images.right.length} images; name one (docker-archive:FILE:NAME or :@INDEX)`;
    return E.left(failure("NOT_FOUND", `${ref.path}: ${why}`));
  }
  const configAt = entry(chosen.Config);
  if (E.isLeft(configAt)) return configAt;
  const configBytes = await readEntry(archive.path, configAt.right, maxManifestBytes, "the image config", ref.path);
  if (E.isLeft(configBytes)) return configBytes;
  let configDoc: unknown;
  try {
    configDoc = JSON.parse(new TextDecoder().decode(configBytes.right));
  } catch (e) {
    return E.left(failure("INVALID_ARCHIVE", `${ref.path}: ${chosen.Config} is not valid JSON: ${(e as Error).message}`));
  }
  const config = decodeDocument(imageConfig, `${ref.path}: ${chosen.Config}`)(configDoc);
  if (E.isLeft(config)) return config;
  const diffIds = config.right.rootfs.diff_ids;
  if (diffIds.length !== chosen.Layers.length) return E.left(failure("INVALID_ARCHIVE", `${ref.path}: ${chosen.Layers.length} layers but ${diffIds.length} diff_ids`));
  const layers: { digest: string; at: TarEntryLocation }[] = [];
  for (const [i, name] of chosen.Layers.entries()) {
    const at = entry(name);
    if (E.isLeft(at)) return at;
    layers.push({ digest: diffIds[i] ?? "", at: at.right });
  }
  const configDigest = sha256(configBytes.right);
  // Field order as containers/image writes it, so the manifest digest is the one skopeo computes.
  const manifest = new TextEncoder().encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.dockerManifest,
      config: { mediaType: mediaTypes.dockerConfig, size: configBytes.right.byteLength, digest: configDigest },
      layers: layers.map((l) => ({ mediaType: mediaTypes.dockerLayerGzip, size: l.at.size, digest: l.digest })),
    }),
  );
  const manifestDigest = sha256(manifest);
  const byDigest = new Map<string, TarEntryLocation>([[configDigest, configAt.right], ...layers.map((l) => [l.digest, l.at] as const)]);
  return E.right({
    manifest: async (digest) =>
      digest === undefined || digest === manifestDigest
        ? E.right({ bytes: manifest, mediaType: mediaTypes.dockerManifest, digest: manifestDigest })
        : E.left(failure("UNSUPPORTED_MANIFEST", `${ref.path}: no manifest ${digest}`)),
    blob: async (d) => {
      const at = byDigest.get(d.digest);
      if (at === undefined) return E.left(failure("BLOB_NOT_FOUND", `${ref.path}: no blob ${d.digest}`));
      return E.right(entryStream(archive.path, at));
    },
    close: archive.release,
  });
};

/** `docker-archive:FILE[:NAME|:@INDEX]` as a plugin: reads one image of an archive, writes an archive of one image. */
export const dockerArchivePlugin: TransportPlugin<DockerArchiveReference, { readonly additionalTags?: ReadonlyArray<Reference>; readonly maxLayerBytes?: number }> = {
  // A docker archive has no scopes but the transport's default, as containers/image has it.
  policy: { transport: "docker-archive", validateScope: defaultScopeOnly("docker-archive"), identity: async () => ({ scopes: [] }) },
  ...dockerArchiveSyntax,
  openSource: (ref) => dockerArchiveSource(ref),
  openDestination: async (ref, ctx) =>
    ref.index !== undefined
      ? E.left(failure("INVALID_REFERENCE", `docker-archive:${ref.path}:@${ref.index}: an index names an image to read, not one to write`))
      : E.right(dockerArchiveDestination(ref.path, [...(ref.name === undefined ? [] : [ref.name]), ...(ctx.additionalTags ?? [])], ctx.maxLayerBytes)),
};
