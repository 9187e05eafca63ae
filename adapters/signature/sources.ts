import * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../../core/failure.ts";
import type { Reference } from "../../core/reference/index.ts";
import type { RegistryClient } from "../../plugins/docker/registry.ts";
import { splitSignatures, type SignatureSources } from "../config/policy.ts";
import type { HostEnvironment } from "../config/environment.ts";
import type { HttpClient } from "../http/client.ts";
import { registrySignatureStore } from "./registry-store.ts";

/**
 * Where a registry image's signatures are read for the policy: the image's
 * signature store as registries.d places it for the name the policy judges
 * (`logical`); sigstore signatures only where attachments are enabled, so the
 * policy can say so. A broken registries.d is an error.
 */
export const registrySignatureSources = async (
  host: HostEnvironment,
  logical: Reference,
  client: () => RegistryClient,
  registriesDir: string | undefined,
  http: HttpClient,
): Promise<E.Either<Failure, SignatureSources>> => {
  const store = await registrySignatureStore(host, logical, client, http, registriesDir);
  return E.isLeft(store) ? store : E.right(splitSignatures(store.right.read, store.right.attachments));
};
