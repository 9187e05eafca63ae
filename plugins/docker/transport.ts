import * as E from "fp-ts/lib/Either.js";
import { failure } from "../../core/failure.ts";
import { mediaTypes } from "../../core/manifest/index.ts";
import type { Reference } from "../../core/reference/index.ts";
import { measuredStream, verifiedStream } from "../../adapters/store/hash.ts";
import type { ImageDestination, ImageSource } from "../contract.ts";
import { registryClient, type RegistryContext } from "./registry.ts";

/** The tag or digest a reference names in its repository. */
const referenceIn = (ref: Reference): string => ref.digest ?? ref.tag ?? "latest";

/** Reads an image from a registry; its own repository is where its blobs can be mounted from. */
export const registrySource = (ref: Reference, ctx: RegistryContext, insecure: boolean): ImageSource => {
  const client = registryClient({ registry: ref.domain, repository: ref.path, insecure }, ctx);
  return {
    manifest: async (digest) => {
      const m = await client.getManifest(digest ?? referenceIn(ref));
      return E.isLeft(m) ? m : E.right(m.right);
    },
    blob: (d) => client.getBlob(d.digest),
    locations: [{ registry: ref.domain, repository: ref.path }],
    close: async () => undefined,
  };
};

/**
 * Writes an image to a registry: blobs first (mounted from another
 * repository of the same registry where the plan says so), the manifest last,
 * under the reference's tag (or its digest).
 */
export const registryDestination = (ref: Reference, ctx: RegistryContext, insecure: boolean): ImageDestination => {
  const client = registryClient({ registry: ref.domain, repository: ref.path, insecure }, ctx, true);
  let pushed: string | undefined;
  return {
    acceptedManifestTypes: [mediaTypes.ociManifest, mediaTypes.dockerManifest, mediaTypes.ociIndex, mediaTypes.dockerManifestList],
    hasBlob: async (d) => {
      const r = await client.hasBlob(d.digest);
      return E.isRight(r) && r.right;
    },
    mountsInto: { registry: ref.domain, repository: ref.path },
    mountBlob: (d, from) => client.mountBlob(d.digest, from.repository),
    putBlob: async (d, stream) => {
      // Checked on the way out: a corrupt source stops the upload before its end, with our own word for why.
      const checked = verifiedStream(stream, d);
      const r = await client.putBlob(d.digest, d.size, () => checked.stream);
      const mismatch = checked.state.mismatch;
      if (mismatch !== undefined) return E.left(failure(mismatch.code, mismatch.message));
      return E.isLeft(r) ? r : E.right(undefined);
    },
    putNewBlob: async (stream) => {
      const measured = measuredStream(stream);
      const r = await client.putStreamedBlob(measured.stream, () => measured.result()?.digest);
      const made = measured.result();
      if (E.isLeft(r)) return r;
      return made === undefined ? E.left(failure("REGISTRY_ERROR", "the upload ended before its data did")) : E.right(made);
    },
    layerCompression: "compress",
    putInstance: async (m) => {
      const r = await client.putManifest(m.digest, m.bytes, m.mediaType);
      return E.isLeft(r) ? r : E.right(undefined);
    },
    putManifest: async (m) => {
      const r = await client.putManifest(ref.digest ?? ref.tag ?? "latest", m.bytes, m.mediaType);
      if (E.isLeft(r)) return r;
      pushed = m.digest;
      return E.right(undefined);
    },
    commit: async () => E.right({ id: pushed ?? "" }),
    close: async () => undefined,
  };
};
