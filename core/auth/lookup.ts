import { decodeBase64Text } from "../base64.ts";
import type { AuthFile } from "./document.ts";
import { lookupKeys, normalizeAuthKey, normalizeRegistry, registryOf } from "./keys.ts";

/** Credentials written in an auth file. */
export interface InlineCredentials {
  readonly kind: "inline";
  readonly username: string;
  readonly password: string;
  /** An OAuth2 refresh token (`identitytoken`), used instead of the password when present. */
  readonly identityToken?: string;
  /** Where they were found, for messages (never the secret itself). */
  readonly file: string;
  readonly key: string;
}

/** Credentials kept by a `docker-credential-NAME` helper, which the adapter must run. */
export interface HelperCredentials {
  readonly kind: "helper";
  readonly helper: string;
  /** What to ask the helper for (the registry host). */
  readonly serverUrl: string;
  readonly file: string;
}

/** Where the credentials for a name are, if anywhere. */
export type CredentialSource = InlineCredentials | HelperCredentials;

/** A malformed entry: named by file and key, never with its content. */
export interface CredentialProblem {
  readonly file: string;
  readonly key: string;
  readonly reason: string;
}

type Entry = { auth?: string; identitytoken?: string };

const fromEntry = (file: string, key: string, entry: Entry): InlineCredentials | CredentialProblem | undefined => {
  const token = entry.identitytoken !== undefined && entry.identitytoken !== "" ? { identityToken: entry.identitytoken } : {};
  if (entry.auth === undefined || entry.auth === "") {
    return "identityToken" in token ? { kind: "inline", username: "", password: "", ...token, file, key } : undefined;
  }
  const decoded = decodeBase64Text(entry.auth);
  const colon = decoded?.indexOf(":") ?? -1;
  if (decoded === undefined || colon < 0) return { file, key, reason: "the auth field is not base64 of USER:PASSWORD" };
  return { kind: "inline", username: decoded.slice(0, colon), password: decoded.slice(colon + 1), ...token, file, key };
};

const inFile = (f: AuthFile, name: string): CredentialSource | CredentialProblem | undefined => {
  const registry = registryOf(name);
  const helper = Object.entries(f.document.credHelpers ?? {}).find(([host]) => normalizeRegistry(host) === normalizeRegistry(registry));
  if (helper !== undefined) return { kind: "helper", helper: helper[1], serverUrl: registry, file: f.path };
  const auths = f.document.auths ?? {};
  // Repository and namespace keys match only exactly; the registry key may be spelled in any of its forms.
  const keys = f.legacy ? [registry] : lookupKeys(name);
  for (const key of keys) {
    const entry = auths[key];
    if (entry !== undefined) {
      const found = fromEntry(f.path, key, entry);
      if (found !== undefined) return found;
    }
  }
  const wanted = normalizeRegistry(registry);
  for (const [key, entry] of Object.entries(auths)) {
    if (normalizeAuthKey(key, f.legacy) === wanted) {
      const found = fromEntry(f.path, key, entry);
      if (found !== undefined) return found;
    }
  }
  const store = f.document.credsStore;
  return store === undefined || store === "" ? undefined : { kind: "helper", helper: store, serverUrl: registry, file: f.path };
};

/**
 * Finds the credentials for a repository (`host/ns/repo`) or a registry
 * (`host`) in auth files read in podman's order: the first file that has
 * something for it decides. Within a file, `credHelpers` for the host come
 * first, then `auths` from the most specific key to the least, then docker's
 * `credsStore`. Hosts match exactly; Docker Hub's spellings are one host.
 */
export const findCredentials = (files: ReadonlyArray<AuthFile>, name: string): CredentialSource | CredentialProblem | undefined => {
  for (const f of files) {
    const found = inFile(f, name);
    if (found !== undefined) return found;
  }
  return undefined;
};

/** Whether a lookup result is a malformed entry rather than credentials. */
export const isCredentialProblem = (r: CredentialSource | CredentialProblem | undefined): r is CredentialProblem =>
  r !== undefined && !("kind" in r);
