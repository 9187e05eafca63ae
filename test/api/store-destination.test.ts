import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { sha256Digest } from "../../adapters/store/hash.ts";
import { readState } from "../../adapters/store/store.ts";
import { mediaTypes } from "../../core/manifest/index.ts";
import { storeDestination } from "../../plugins/store/transport.ts";
import { freshStores } from "../stores.ts";
import { tempDir } from "../tmp.ts";

const bytesOf = (doc: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(doc));
const described = (mediaType: string, bytes: Uint8Array) => ({ mediaType, digest: sha256Digest(bytes), size: bytes.byteLength });
const once = async function* (b: Uint8Array): AsyncIterable<Uint8Array> {
  yield b;
};

/** An image of one empty layer: its config, layer and manifest as bytes, with their descriptors. */
const image = () => {
  const layer = new Uint8Array(1024);
  const config = bytesOf({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [sha256Digest(layer)] } });
  const configD = described(mediaTypes.ociConfig, config);
  const layerD = described(mediaTypes.ociLayer, layer);
  const manifest = bytesOf({ schemaVersion: 2, mediaType: mediaTypes.ociManifest, config: configD, layers: [layerD] });
  return { config, configD, layer, layerD, raw: { bytes: manifest, mediaType: mediaTypes.ociManifest, digest: sha256Digest(manifest) } };
};

const fresh = freshStores(tempDir());

describe("the store as a copy's destination", () => {
  it("commits the image its manifest makes, whether the config was stored before the manifest or only after it", async () => {
    for (const configFirst of [true, false]) {
      const store = await fresh();
      const img = image();
      const dst = storeDestination(store, ["example.com/app:v1"]);
      const putConfig = () => dst.putBlob(img.configD, once(img.config));
      if (configFirst) expect(await putConfig()).toEqual(E.right(undefined));
      expect(await dst.putBlob(img.layerD, once(img.layer))).toEqual(E.right(undefined));
      expect(await dst.putManifest(img.raw)).toEqual(E.right(undefined));
      if (!configFirst) expect(await putConfig()).toEqual(E.right(undefined));
      const committed = await dst.commit();
      await dst.close();
      expect(E.isRight(committed)).toBe(true);
      const state = await readState(store);
      if (E.isLeft(state) || E.isLeft(committed)) throw new Error("no state");
      expect(state.right.images.map((i) => [i.id, i.names, i.manifestDigest])).toEqual([[committed.right.id, ["example.com/app:v1"], img.raw.digest]]);
    }
  });

  it("refuses to commit a manifest whose config never came, and records nothing", async () => {
    const store = await fresh();
    const img = image();
    const dst = storeDestination(store, ["example.com/app:v1"]);
    expect(await dst.putBlob(img.layerD, once(img.layer))).toEqual(E.right(undefined));
    expect(await dst.putManifest(img.raw)).toEqual(E.right(undefined));
    const committed = await dst.commit();
    await dst.close();
    expect(E.isLeft(committed) && committed.left.code).toBe("BLOB_NOT_FOUND");
    const state = await readState(store);
    expect(E.isRight(state) && state.right.images).toEqual([]);
  });
});
