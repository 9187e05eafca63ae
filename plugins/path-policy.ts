/** The policy identity the file transports share: an image at a path is known by the path (absolute, symlinks resolved) and its parents. */
import { realpath } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { cleanAbsolutePath, pathScopes, pathWithOptionalName } from "../core/policy/index.ts";
import type { PolicyIdentity } from "./contract.ts";

/** Absolute with symlinks resolved, as policy scopes for paths are written. */
const canonicalPath = async (path: string): Promise<string> => {
  const absolute = isAbsolute(path) ? path : resolve(path);
  return realpath(absolute).catch(() => absolute);
};

/** `dir:`'s identity: the directory. */
export const directoryPolicy = (transport: string): PolicyIdentity<{ readonly path: string }> => ({
  transport,
  validateScope: cleanAbsolutePath,
  identity: async (ref) => ({ scopes: pathScopes(await canonicalPath(ref.path)) }),
});

/** An OCI layout's (or archive's) identity: `PATH:NAME`, then the path and its parents. */
export const layoutPolicy = (transport: string): PolicyIdentity<{ readonly path: string; readonly name?: string | undefined }> => ({
  transport,
  validateScope: pathWithOptionalName,
  identity: async (ref) => ({ scopes: pathScopes(await canonicalPath(ref.path), ref.name) }),
});
