/** Flags several commands share, and how their values read: registries, formats, platforms. */
import type { ManifestFormat, Platform } from "../../core/manifest/index.ts";
import { parsePlatform } from "../../core/manifest/index.ts";
import { hostArchitecture, type Credentials, type RegistryOptions } from "../api/berth.ts";
import { stringOption } from "./args.ts";

/** `--tls-verify[=true|false]`; `undefined` means what registries.conf says. */
export const tlsVerifyOption = (value: string | undefined): boolean | undefined | "invalid" =>
  value === undefined ? undefined : value === "true" ? true : value === "false" ? false : "invalid";

/** `--format oci|v2s2`, the names podman and skopeo use. */
export const formatOption = (value: string | undefined): ManifestFormat | undefined | "invalid" =>
  value === undefined ? undefined : value === "oci" || value === "v2s2" ? value : "invalid";

/** `--platform OS/ARCH[/VARIANT]`: `undefined` when not given (this machine's), `"invalid"` when malformed. */
export const platformOption = (value: string | undefined): Platform | undefined | "invalid" => {
  if (value === undefined) return undefined;
  // As podman: an OS alone (`--platform linux`) means this machine's architecture on it.
  if (/^[a-z0-9]+$/.test(value)) return { os: value, architecture: hostArchitecture() };
  return parsePlatform(value) ?? "invalid";
};

/**
 * The platform a command chooses from an index: its `--platform`, else
 * skopeo's global `--override-os`/`--override-arch`/`--override-variant`
 * (each filling in for this machine's), else `undefined` (this machine's).
 */
export const platformFor = (values: Readonly<Record<string, unknown>>, globals: { readonly overrideOs?: string; readonly overrideArch?: string; readonly overrideVariant?: string }): Platform | undefined | "invalid" => {
  const given = platformOption(stringOption(values, "platform"));
  if (given !== undefined) return given;
  if (globals.overrideOs === undefined && globals.overrideArch === undefined && globals.overrideVariant === undefined) return undefined;
  return {
    os: globals.overrideOs ?? "linux",
    architecture: globals.overrideArch ?? hostArchitecture(),
    ...(globals.overrideVariant === undefined ? {} : { variant: globals.overrideVariant }),
  };
};

/** `--creds USER[:PASSWORD]` */
export const credsOption = (value: string | undefined): Credentials | undefined => {
  if (value === undefined) return undefined;
  const colon = value.indexOf(":");
  return colon < 0 ? { username: value, password: "" } : { username: value.slice(0, colon), password: value.slice(colon + 1) };
};

/** `--retry N` / `--retry-times N`: a number of retries from 0 to 99. */
export const retriesOption = (value: string | undefined): number | undefined | "invalid" => (value === undefined ? undefined : /^\d{1,2}$/.test(value) ? Number(value) : "invalid");

/** The flags of a command that talks to one registry. */
export const registryFlags = {
  "tls-verify": { type: "string" },
  "cert-dir": { type: "string" },
  authfile: { type: "string" },
  creds: { type: "string" },
  "registry-token": { type: "string" },
  "retry-times": { type: "string" },
} as const;

/** Their help lines. */
export const registryHelp = `      --tls-verify=false             Allow plain HTTP and unverified TLS
      --cert-dir DIR                 Trust the CA certificates (*.crt) in DIR (default: certs.d)
      --authfile FILE                Credentials file (default as podman)
      --creds USER:PASSWORD          Credentials for this command
      --registry-token TOKEN         A bearer token to send instead of credentials
      --retry-times N                Retries after 429, 5xx and dropped connections (default 3)
`;

/** The registry settings `prefix`-ed flags give (`--tls-verify`, or `--src-tls-verify` for prefix `src-`), or why they are wrong. */
export const registryOptionsOf = (values: Readonly<Record<string, unknown>>, prefix = ""): RegistryOptions | string => {
  const tls = tlsVerifyOption(stringOption(values, `${prefix}tls-verify`));
  if (tls === "invalid") return `--${prefix}tls-verify takes true or false`;
  const certDir = stringOption(values, `${prefix}cert-dir`);
  const authFile = stringOption(values, `${prefix}authfile`);
  const creds = credsOption(stringOption(values, `${prefix}creds`) ?? (prefix === "src-" ? stringOption(values, "screds") : prefix === "dest-" ? stringOption(values, "dcreds") : undefined));
  const registryToken = stringOption(values, `${prefix}registry-token`);
  const retries = retriesOption(stringOption(values, `${prefix}retry-times`));
  if (retries === "invalid") return `--${prefix}retry-times takes a number of retries (0 to 99)`;
  return {
    ...(registryToken === undefined ? {} : { registryToken }),
    ...(retries === undefined ? {} : { retries }),
    ...(tls === undefined ? {} : { tlsVerify: tls }),
    ...(certDir === undefined ? {} : { certDir }),
    ...(authFile === undefined ? {} : { authFile }),
    ...(creds === undefined ? {} : { creds }),
  };
};

/** The flags `copy` and `sync` share, as skopeo's: each side's TLS, credentials, auth file and CAs, one auth file for both, retries. Each command adds its own `--*-no-creds`. */
export const sidesFlags = {
  "src-tls-verify": { type: "string" },
  "dest-tls-verify": { type: "string" },
  "src-creds": { type: "string" },
  "dest-creds": { type: "string" },
  screds: { type: "string" },
  dcreds: { type: "string" },
  "src-registry-token": { type: "string" },
  "dest-registry-token": { type: "string" },
  authfile: { type: "string" },
  "src-authfile": { type: "string" },
  "dest-authfile": { type: "string" },
  "src-cert-dir": { type: "string" },
  "dest-cert-dir": { type: "string" },
  "retry-times": { type: "string" },
} as const;

/** Their help lines, with the command's own `--*-no-creds` line. */
export const sidesHelp = (noCreds: string): string => `      --src-tls-verify=false, --dest-tls-verify=false   Allow plain HTTP and unverified TLS
      --src-creds U:P, --dest-creds U:P                 Credentials for each side (also --screds, --dcreds)
      --src-registry-token T, --dest-registry-token T   A bearer token for each side, instead of credentials
${noCreds}
      --authfile FILE                                   Credentials file for both sides
      --src-authfile FILE, --dest-authfile FILE         Credentials file for each side
      --src-cert-dir DIR, --dest-cert-dir DIR           CA certificates (*.crt) for each side
      --retry-times N                                   Retries after 429, 5xx and dropped connections (default 3)
`;

/** What the shared flags ask for: each side's registry settings, and the auth file and retries berth is opened with; or why they are wrong. */
export const sidesOf = (
  values: Readonly<Record<string, unknown>>,
): { readonly src: RegistryOptions & { readonly noCreds?: boolean }; readonly dest: RegistryOptions & { readonly noCreds?: boolean }; readonly open: { readonly authFile?: string; readonly retries?: number } } | string => {
  const src = registryOptionsOf(values, "src-");
  if (typeof src === "string") return src;
  const dest = registryOptionsOf(values, "dest-");
  if (typeof dest === "string") return dest;
  const retries = retriesOption(stringOption(values, "retry-times"));
  if (retries === "invalid") return "--retry-times takes a number of retries (0 to 99)";
  const authFile = stringOption(values, "authfile");
  return {
    src: { ...src, ...(values["src-no-creds"] === true ? { noCreds: true } : {}) },
    dest: { ...dest, ...(values["dest-no-creds"] === true ? { noCreds: true } : {}) },
    open: { ...(authFile === undefined ? {} : { authFile }), ...(retries === undefined ? {} : { retries }) },
  };
};
