import * as E from "fp-ts/lib/Either.js";
import { decodeDocument } from "../../core/codec.ts";
import { failure, type Failure } from "../../core/failure.ts";
import { imageConfig, imageManifest, parseManifest, type ImageConfig, type ImageManifest } from "../../core/manifest/index.ts";
import type { ImageRecord, WrittenImage } from "../../core/store/index.ts";
import { systemMessage } from "../fs/errors.ts";
import { readSmallBlob } from "./blobs.ts";
import type { Store } from "./store.ts";

const decodeJsonBlob = async <A>(store: Store, digest: string, codec: Parameters<typeof decodeDocument<A>>[0]): Promise<E.Either<Failure, A>> => {
  const bytes = await readSmallBlob(store, digest);
  if (E.isLeft(bytes)) return bytes;
  try {
    return decodeDocument(codec, `blob ${digest}`)(JSON.parse(new TextDecoder().decode(bytes.right)));
  } catch (e) {
    return E.left(failure("INVALID_CONFIG", `blob ${digest}: invalid JSON: ${(e as Error).message}`));
  }
};

/**
 * What the store records of an image, from its manifest as given (bytes as
 * written, media type, digest) and its config read from the store and checked.
 */
export const writtenImageOf = async (
  store: Store,
  m: { readonly bytes: Uint8Array; readonly mediaType: string; readonly digest: string },
): Promise<E.Either<Failure, Omit<WrittenImage, "names">>> => {
  const parsed = parseManifest(m.bytes, m.mediaType, m.digest);
  if (E.isLeft(parsed)) return parsed;
  if (parsed.right.kind !== "image") return E.left(failure("UNSUPPORTED_MANIFEST", `${m.digest}: the store keeps single images, not indexes`));
  const manifest = parsed.right.manifest;
  const configBytes = await readSmallBlob(store, manifest.config.digest);
  if (E.isLeft(configBytes)) return configBytes;
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(configBytes.right));
  } catch (e) {
    return E.left(failure("INVALID_CONFIG", `config ${manifest.config.digest}: invalid JSON: ${systemMessage(e)}`));
  }
  const config = decodeDocument(imageConfig, `config ${manifest.config.digest}`)(doc);
  if (E.isLeft(config)) return config;
  return E.right({ manifest, manifestDigest: m.digest, manifestMediaType: parsed.right.mediaType, manifestSize: m.bytes.byteLength, config: config.right, configDigest: manifest.config.digest });
};

/** An image's manifest and config, read from the store and checked. */
export const readImageDocuments = async (
  store: Store,
  image: ImageRecord,
): Promise<E.Either<Failure, { manifest: ImageManifest; config: ImageConfig; rawConfig: Record<string, unknown> }>> => {
  const manifest = await decodeJsonBlob(store, image.manifestDigest, imageManifest);
  if (E.isLeft(manifest)) return manifest;
  const bytes = await readSmallBlob(store, manifest.right.config.digest);
  if (E.isLeft(bytes)) return bytes;
  const config = await decodeJsonBlob(store, manifest.right.config.digest, imageConfig);
  if (E.isLeft(config)) return config;
  return E.right({ manifest: manifest.right, config: config.right, rawConfig: JSON.parse(new TextDecoder().decode(bytes.right)) as Record<string, unknown> });
};
