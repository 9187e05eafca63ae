import * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../../core/failure.ts";
import type { Reference } from "../../core/reference/index.ts";
import { storageFor } from "../../core/registries-d/index.ts";
import type { RegistryClient } from "../../plugins/docker/registry.ts";
import type { SignatureSources } from "../config/policy.ts";
import { loadRegistriesD } from "../config/registries-d.ts";
import type { HostEnvironment } from "../config/environment.ts";
import { readAttachedSignatures } from "./sigstore.ts";

/**
 * Where a registry image's signatures are read: sigstore attachments from the
 * repository the image came from, when registries.d enables them for the
 * name the policy judges (`logical`). A broken registries.d is an error.
 */
export const registrySignatureSources = async (
  host: HostEnvironment,
  logical: Reference,
  client: () => RegistryClient,
  registriesDir?: string,
): Promise<E.Either<Failure, SignatureSources>> => {
  const config = await loadRegistriesD(host, registriesDir);
  if (E.isLeft(config)) return config;
  const storage = storageFor(logical)(config.right);
  return E.right(storage?.useSigstoreAttachments === true ? { sigstore: (digest) => readAttachedSignatures(client(), digest) } : {});
};
