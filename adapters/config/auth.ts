import { dirname } from "node:path";
import { mkdir, chmod } from "node:fs/promises";
import * as E from "fp-ts/lib/Either.js";
import {
  authFileSearchPath,
  decodeAuthFile,
  findCredentials,
  isCredentialProblem,
  primaryAuthFile,
  removeAllCredentials,
  removeCredentials,
  setCredentials,
  type AuthDocument,
  type AuthEnvironment,
  type AuthFile,
  type AuthFileLocation,
} from "../../core/auth/index.ts";
import { failure, type Failure } from "../../core/failure.ts";
import { writeFileAtomic } from "../fs/atomic.ts";
import type { HostEnvironment } from "./environment.ts";
import { isReadError, parseJsonText, readConfigText } from "./read.ts";
// node:child_process is loaded on first use (process.getBuiltinModule): most commands start no program, and loading it at start cost each one ~3 ms.

/** Credentials ready to use against a registry. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
  readonly identityToken?: string;
}

/** Auth-file options: `--authfile`, and the helper timeout. */
export interface AuthOptions {
  readonly authFile?: string;
  /** How long a credential helper may take (default 10 s). */
  readonly helperTimeoutMs?: number;
}

const authEnvironment = (host: HostEnvironment, options: AuthOptions): AuthEnvironment => ({
  home: host.home,
  uid: host.uid,
  env: host.env,
  ...(options.authFile === undefined ? {} : { authFile: options.authFile }),
});

const readAuthFile = async (location: AuthFileLocation, explicit: boolean): Promise<E.Either<Failure, AuthFile | undefined>> => {
  const text = await readConfigText(location.path, !explicit);
  if (text === undefined) return E.right(undefined);
  if (isReadError(text)) return E.left(text);
  const value = parseJsonText(location.path, text);
  if (isReadError(value)) return E.left(value);
  return decodeAuthFile(location)(value);
};

/** Reads every auth file in podman's order; missing files are skipped, a malformed one is an error. */
export const readAuthFiles = async (host: HostEnvironment, options: AuthOptions = {}): Promise<E.Either<Failure, ReadonlyArray<AuthFile>>> => {
  const out: AuthFile[] = [];
  // A file the user named (--authfile, REGISTRY_AUTH_FILE) must be readable; a default one they may not read is none of theirs.
  const named = options.authFile ?? host.env["REGISTRY_AUTH_FILE"];
  // Read at once (each read is a round trip to the thread pool), judged in the search path's order.
  const read = await Promise.all(authFileSearchPath(authEnvironment(host, options)).map((location) => readAuthFile(location, location.path === named)));
  for (const f of read) {
    if (E.isLeft(f)) return f;
    if (f.right !== undefined) out.push(f.right);
  }
  return E.right(out);
};

/**
 * Runs `docker-credential-NAME get` with the server on stdin, as the docker
 * credential-helper protocol says. "Not found" is `undefined`, not an error.
 */
export const runCredentialHelper = (helper: string, serverUrl: string, timeoutMs = 10_000): Promise<E.Either<Failure, Credentials | undefined>> =>
  new Promise((resolve) => {
    if (!/^[A-Za-z0-9._-]+$/.test(helper)) {
      resolve(E.left(failure("INVALID_CONFIG", `credential helper name "${helper}" is not a plain name`)));
      return;
    }
    const child = process.getBuiltinModule("node:child_process").spawn(`docker-credential-${helper}`, ["get"], { stdio: ["pipe", "pipe", "pipe"], timeout: timeoutMs });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", (e) => resolve(E.left(failure("CREDENTIAL_HELPER", `credential helper docker-credential-${helper}: ${e.message}`))));
    child.on("close", (code, signal) => {
      const said = (stdout + stderr).trim();
      if (signal !== null) {
        resolve(E.left(failure("CREDENTIAL_HELPER", `credential helper docker-credential-${helper} for ${serverUrl} stopped (${signal})`)));
      } else if (code !== 0) {
        resolve(
          /credentials not found/i.test(said)
            ? E.right(undefined)
            : E.left(failure("CREDENTIAL_HELPER", `credential helper docker-credential-${helper} for ${serverUrl} failed (exit ${code})`)),
        );
      } else {
        try {
          const r = JSON.parse(stdout) as { Username?: unknown; Secret?: unknown };
          const username = typeof r.Username === "string" ? r.Username : "";
          const secret = typeof r.Secret === "string" ? r.Secret : "";
          resolve(E.right(username === "<token>" ? { username: "", password: "", identityToken: secret } : { username, password: secret }));
        } catch {
          resolve(E.left(failure("CREDENTIAL_HELPER", `credential helper docker-credential-${helper} for ${serverUrl} printed no valid JSON`)));
        }
      }
    });
    child.stdin.end(serverUrl);
  });

/** The credentials for a repository (`host/ns/repo`) or registry, from the auth files or a helper. */
export const credentialsFor = async (
  host: HostEnvironment,
  name: string,
  options: AuthOptions = {},
): Promise<E.Either<Failure, Credentials | undefined>> => {
  const files = await readAuthFiles(host, options);
  if (E.isLeft(files)) return files;
  const found = findCredentials(files.right, name);
  if (found === undefined) return E.right(undefined);
  if (isCredentialProblem(found)) return E.left(failure("INVALID_CONFIG", `${found.file}: entry "${found.key}": ${found.reason}`));
  if (found.kind === "helper") return runCredentialHelper(found.helper, found.serverUrl, options.helperTimeoutMs);
  return E.right({
    username: found.username,
    password: found.password,
    ...(found.identityToken === undefined ? {} : { identityToken: found.identityToken }),
  });
};

/** Rewrites the primary auth file with `edit` applied, atomically, mode 0600 in a 0700 directory. */
const editPrimaryAuthFile = async <R>(
  host: HostEnvironment,
  options: AuthOptions,
  edit: (doc: AuthDocument) => { document: AuthDocument; result: R },
): Promise<E.Either<Failure, R>> => {
  const path = primaryAuthFile(authEnvironment(host, options));
  // The file about to be written must be readable: an edit must not drop entries it could not see.
  const current = await readAuthFile({ path, legacy: false }, true);
  if (E.isLeft(current)) return current;
  const { document, result } = edit(current.right?.document ?? { auths: {} });
  try {
    const dir = dirname(path);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (current.right === undefined) await chmod(dir, 0o700).catch(() => undefined);
    await writeFileAtomic(path, `${JSON.stringify(document, null, "\t")}\n`, { mode: 0o600, dirMode: 0o700 });
    return E.right(result);
  } catch (e) {
    return E.left(failure("AUTH_FILE_WRITE", `${path}: ${(e as Error).message}`));
  }
};

/** Saves credentials for `key` (a registry, or `registry/namespace`) in the primary auth file. */
export const saveCredentials = (host: HostEnvironment, key: string, username: string, password: string, options: AuthOptions = {}) =>
  editPrimaryAuthFile(host, options, (doc) => ({ document: setCredentials(key, username, password)(doc), result: undefined }));

/** Removes the credentials for `key`; the result says whether there were any. */
export const forgetCredentials = (host: HostEnvironment, key: string, options: AuthOptions = {}) =>
  editPrimaryAuthFile(host, options, (doc) => {
    const r = removeCredentials(key)(doc);
    return { document: r.document, result: r.removed };
  });

/** Removes every credential from the primary auth file (`logout --all`). */
export const forgetAllCredentials = (host: HostEnvironment, options: AuthOptions = {}) =>
  editPrimaryAuthFile(host, options, (doc) => ({ document: removeAllCredentials(doc), result: undefined }));
