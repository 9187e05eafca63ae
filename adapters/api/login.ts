import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { registryClient } from "../../plugins/docker/registry.ts";
import { forgetAllCredentials, forgetCredentials, saveCredentials } from "../config/auth.ts";
import type { BerthContext, RegistryAccess } from "./context.ts";

/** The auth.json key for what a user typed as a registry: no scheme, no trailing slash (`host[:port][/namespace]`). */
export const registryKey = (input: string): string => input.replace(/^https?:\/\//, "").replace(/\/+$/, "");

/** Logging into a registry (or a namespace of one, `host/ns`). */
export interface LoginRequest {
  readonly registry: string;
  readonly username: string;
  readonly password: string;
  /** This login's TLS, CA and auth-file settings over berth's. */
  readonly access?: RegistryAccess;
}

/**
 * Checks the credentials against the registry first (a wrong password saves
 * nothing), then saves them as podman does (auth.json, 0600, atomically).
 */
export const login = async (ctx: BerthContext, req: LoginRequest): Promise<E.Either<Failure, void>> => {
  const key = registryKey(req.registry);
  const access = ctx.access(req.access);
  const http = ctx.http(access);
  try {
    const client = registryClient(
      { registry: key.split("/")[0] ?? key, repository: "", insecure: access.tlsVerify === false },
      { http, credentials: { username: req.username, password: req.password }, retries: 1 },
    );
    const checked = await client.ping();
    if (E.isLeft(checked)) {
      return E.left(failure("UNAUTHORIZED", `logging into "${key}": ${checked.left.code === "UNAUTHORIZED" ? "invalid username/password" : checked.left.message}`));
    }
  } finally {
    await http.close();
  }
  return saveCredentials(ctx.host, key, req.username, req.password, access.authFile === undefined ? {} : { authFile: access.authFile });
};

/** Forgets the credentials for a registry (every registry without one); says whether there were any. */
export const logout = async (ctx: BerthContext, registry: string | undefined, authFile?: string): Promise<E.Either<Failure, boolean>> => {
  const file = authFile ?? ctx.options.authFile;
  const files = file === undefined ? {} : { authFile: file };
  if (registry === undefined) {
    const r = await forgetAllCredentials(ctx.host, files);
    return E.isLeft(r) ? r : E.right(true);
  }
  return forgetCredentials(ctx.host, registryKey(registry), files);
};
