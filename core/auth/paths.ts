import type { AuthFileLocation } from "./document.ts";

/** What decides where auth files are; the adapter reads it from the process, tests make it up. */
export interface AuthEnvironment {
  readonly home: string;
  readonly uid: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--authfile`, which replaces every default. */
  readonly authFile?: string;
}

const nonEmpty = (s: string | undefined): string | undefined => (s === undefined || s === "" ? undefined : s);

/** The file podman writes to: `--authfile`, `REGISTRY_AUTH_FILE`, else `$XDG_RUNTIME_DIR/containers/auth.json` (or `/run/containers/UID/auth.json`). */
export const primaryAuthFile = (e: AuthEnvironment): string =>
  nonEmpty(e.authFile) ??
  nonEmpty(e.env["REGISTRY_AUTH_FILE"]) ??
  (nonEmpty(e.env["XDG_RUNTIME_DIR"]) === undefined
    ? `/run/containers/${e.uid}/auth.json`
    : `${e.env["XDG_RUNTIME_DIR"]}/containers/auth.json`);

/**
 * The auth files to read, in podman's order: an explicit file alone;
 * otherwise the primary file, `$XDG_CONFIG_HOME/containers/auth.json`,
 * docker's `config.json` and the legacy `~/.dockercfg`.
 */
export const authFileSearchPath = (e: AuthEnvironment): ReadonlyArray<AuthFileLocation> => {
  const explicit = nonEmpty(e.authFile) ?? nonEmpty(e.env["REGISTRY_AUTH_FILE"]);
  if (explicit !== undefined) return [{ path: explicit, legacy: false }];
  const configHome = nonEmpty(e.env["XDG_CONFIG_HOME"]) ?? `${e.home}/.config`;
  const dockerConfig = nonEmpty(e.env["DOCKER_CONFIG"]) ?? `${e.home}/.docker`;
  return [
    { path: primaryAuthFile(e), legacy: false },
    { path: `${configHome}/containers/auth.json`, legacy: false },
    { path: `${dockerConfig}/config.json`, legacy: false },
    { path: `${e.home}/.dockercfg`, legacy: true },
  ];
};
