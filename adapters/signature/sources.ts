import * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../../core/failure.ts";
import type { Reference } from "../../core/reference/index.ts";
import { storageFor } from "../../core/registries-d/index.ts";
import type { RegistryClient } from "../../plugins/docker/registry.ts";
import type { SignatureSources } from "../config/policy.ts";
import { loadRegistriesD } from "../config/registries-d.ts";
import type { HostEnvironment } from "../config/environment.ts";
import type { HttpClient } from "../http/client.ts";
import { readBase, readLookaside } from "./lookaside.ts";
import { readAttachedSignatures } from "./sigstore.ts";

/**
 * Where a registry image's signatures are read: sigstore attachments from the
 * repository the image came from, when registries.d enables them for the
 * name the policy judges (`logical`), and simple signatures from its
 * lookaside store (registries.d's, else the built-in default). A broken
 * registries.d is an error.
 */
export const registrySignatureSources = async (
  host: HostEnvironment,
  logical: Reference,
  client: () => RegistryClient,
  registriesDir?: string,
  http?: HttpClient,
): Promise<E.Either<Failure, SignatureSources>> => {
  const config = await loadRegistriesD(host, registriesDir);
  if (E.isLeft(config)) return config;
  const storage = storageFor(logical)(config.right);
  const base = readBase(host, storage);
  return E.right({
    ...(storage?.useSigstoreAttachments === true ? { sigstore: (digest: string) => readAttachedSignatures(client(), digest) } : {}),
    ...(base === undefined ? {} : { simple: (digest: string) => readLookaside(base, logical, digest, http) }),
  });
};
