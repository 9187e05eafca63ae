import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { registryClient } from "../../plugins/docker/registry.ts";
import { saveCredentials } from "../config/auth.ts";
import type { HostEnvironment } from "../config/environment.ts";
import { registryCas } from "../http/certs.ts";
import { httpClient, type NetworkTimeouts } from "../http/client.ts";

/** The auth.json key for what a user typed as a registry: no scheme, no trailing slash (`host[:port][/namespace]`). */
export const registryKey = (input: string): string => input.replace(/^https?:\/\//, "").replace(/\/+$/, "");

/** Logging into a registry (or a namespace of one, `host/ns`). */
export interface LoginRequest {
  readonly registry: string;
  readonly username: string;
  readonly password: string;
  readonly tlsVerify?: boolean;
  readonly certDir?: string;
  readonly authFile?: string;
  /** How long the registry may stay silent (default 30 s). */
  readonly timeouts?: NetworkTimeouts;
}

/**
 * Checks the credentials against the registry first (a wrong password saves
 * nothing), then saves them as podman does (auth.json, 0600, atomically).
 * `registry` is the key as given, already stripped of a scheme.
 */
export const login = async (host: HostEnvironment, req: LoginRequest): Promise<E.Either<Failure, void>> => {
  const http = httpClient({ insecureSkipVerify: req.tlsVerify === false, caFor: registryCas(host, req.certDir) }, undefined, req.timeouts);
  try {
    const client = registryClient(
      { registry: req.registry.split("/")[0] ?? req.registry, repository: "", insecure: req.tlsVerify === false },
      { http, credentials: { username: req.username, password: req.password }, retries: 1 },
    );
    const checked = await client.ping();
    if (E.isLeft(checked)) {
      return E.left(failure("UNAUTHORIZED", `logging into "${req.registry}": ${checked.left.code === "UNAUTHORIZED" ? "invalid username/password" : checked.left.message}`));
    }
  } finally {
    await http.close();
  }
  return saveCredentials(host, req.registry, req.username, req.password, req.authFile === undefined ? {} : { authFile: req.authFile });
};
