import * as E from "fp-ts/lib/Either.js";
import { decodeDocument } from "../../core/codec.ts";
import { failure, type Failure } from "../../core/failure.ts";
import { imageConfig, imageManifest, type ImageConfig, type ImageManifest } from "../../core/manifest/index.ts";
import type { ImageRecord } from "../../core/store/index.ts";
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
