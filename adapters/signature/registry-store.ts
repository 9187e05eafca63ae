import * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../../core/failure.ts";
import type { Reference } from "../../core/reference/index.ts";
import { storageFor } from "../../core/registries-d/index.ts";
import type { StoredSignature } from "../../plugins/contract.ts";
import type { RegistryClient } from "../../plugins/docker/registry.ts";
import type { HostEnvironment } from "../config/environment.ts";
import { loadRegistriesD } from "../config/registries-d.ts";
import type { HttpClient } from "../http/client.ts";
import { readBase, readLookaside, writeBase, writeLookaside } from "./lookaside.ts";
import { readAttachedSignatures } from "./sigstore.ts";
import { putAttachment } from "./sigstore-sign.ts";

/** Reading and writing a registry image's signatures where registries.d says they live. */
export interface RegistrySignatureStore {
  /** Whether registries.d enables sigstore attachments for the image. */
  readonly attachments: boolean;
  readonly read: (manifestDigest: string) => Promise<E.Either<Failure, ReadonlyArray<StoredSignature>>>;
  readonly write: (manifestDigest: string, signatures: ReadonlyArray<StoredSignature>) => Promise<E.Either<Failure, void>>;
}

/**
 * The signature store of one registry image, as containers/image keeps it:
 * simple signatures in the lookaside store (staging for writes), sigstore
 * signatures as attachments where registries.d enables them.
 */
export const registrySignatureStore = async (
  host: HostEnvironment,
  reference: Reference,
  client: () => RegistryClient,
  http: HttpClient,
  registriesDir?: string,
): Promise<E.Either<Failure, RegistrySignatureStore>> => {
  const config = await loadRegistriesD(host, registriesDir);
  if (E.isLeft(config)) return config;
  const storage = storageFor(reference)(config.right);
  const attachments = storage?.useSigstoreAttachments === true;
  return E.right({
    attachments,
    read: async (digest) => {
      const base = readBase(host, storage);
      const simple = base === undefined ? E.right([]) : await readLookaside(base, reference, digest, http);
      if (E.isLeft(simple)) return simple;
      const sigstore = attachments ? await readAttachedSignatures(client(), digest) : E.right([]);
      if (E.isLeft(sigstore)) return sigstore;
      return E.right([...simple.right.map((bytes) => ({ kind: "simple" as const, bytes })), ...sigstore.right.map((s) => ({ kind: "sigstore" as const, ...s }))]);
    },
    write: async (digest, signatures) => {
      for (const s of signatures) {
        if (s.kind === "simple") {
          const base = writeBase(host, storage);
          if (base === undefined) return E.left({ code: "UNSUPPORTED", message: "registries.d gives no lookaside-staging or lookaside to write signatures to" });
          const w = await writeLookaside(base, reference, digest, s.bytes);
          if (E.isLeft(w)) return w;
        } else {
          if (!attachments) return E.left({ code: "UNSUPPORTED", message: "cannot store a sigstore signature: use-sigstore-attachments is not enabled in registries.d" });
          const w = await putAttachment(client(), digest, s.payload, s.signature);
          if (E.isLeft(w)) return w;
        }
      }
      return E.right(undefined);
    },
  });
};
