import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../failure.ts";
import { repositoryScopes } from "../policy/scopes.ts";
import type { Reference } from "../reference/index.ts";
import { printable } from "../text.ts";

/** Where a registry's signatures live (containers-registries.d(5)): a lookaside URL, and/or sigstore attachments. */
export interface SignatureStorage {
  readonly lookaside?: string;
  readonly lookasideStaging?: string;
  readonly useSigstoreAttachments: boolean;
}

/** Every registries.d file merged: the default section, and sections by scope. */
export interface RegistriesD {
  readonly defaultDocker?: SignatureStorage;
  readonly docker: Readonly<Record<string, SignatureStorage>>;
}

/** A registries.d file that is not valid. */
export type RegistriesDError = Failure<"INVALID_CONFIG">;

const sectionKeys = ["lookaside", "lookaside-staging", "sigstore", "sigstore-staging", "use-sigstore-attachments"];

const section = (value: unknown, where: string): E.Either<RegistriesDError, SignatureStorage> => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return E.left(failure("INVALID_CONFIG", `${where}: expected a mapping`));
  const v = value as Record<string, unknown>;
  const extra = Object.keys(v).find((k) => !sectionKeys.includes(k));
  if (extra !== undefined) return E.left(failure("INVALID_CONFIG", `${where}: unknown key "${printable(extra)}"`));
  const url = (k: string): E.Either<RegistriesDError, string | undefined> =>
    v[k] === undefined || typeof v[k] === "string" ? E.right(v[k] as string | undefined) : E.left(failure("INVALID_CONFIG", `${where}.${k}: expected a URL`));
  const lookaside = url("lookaside");
  const legacy = url("sigstore");
  const staging = url("lookaside-staging");
  const legacyStaging = url("sigstore-staging");
  for (const r of [lookaside, legacy, staging, legacyStaging]) if (E.isLeft(r)) return r;
  const attachments = v["use-sigstore-attachments"];
  if (attachments !== undefined && typeof attachments !== "boolean") return E.left(failure("INVALID_CONFIG", `${where}.use-sigstore-attachments: expected true or false`));
  const pick = (a: E.Either<RegistriesDError, string | undefined>, b: E.Either<RegistriesDError, string | undefined>) =>
    (E.isRight(a) ? a.right : undefined) ?? (E.isRight(b) ? b.right : undefined);
  const look = pick(lookaside, legacy);
  const stage = pick(staging, legacyStaging);
  return E.right({ ...(look === undefined ? {} : { lookaside: look }), ...(stage === undefined ? {} : { lookasideStaging: stage }), useSigstoreAttachments: attachments === true });
};

/**
 * Merges parsed registries.d files (name → document). As containers/image
 * requires, one `default-docker` in all the files, and each `docker` scope in
 * one file only; anything else is an error naming both files.
 */
export const mergeRegistriesD = (files: ReadonlyArray<{ readonly path: string; readonly document: unknown }>): E.Either<RegistriesDError, RegistriesD> => {
  let defaultDocker: { section: SignatureStorage; path: string } | undefined;
  const docker: Record<string, SignatureStorage> = {};
  const seenIn: Record<string, string> = {};
  for (const { path, document } of files) {
    if (document === null || document === undefined) continue;
    if (typeof document !== "object" || Array.isArray(document)) return E.left(failure("INVALID_CONFIG", `${path}: expected a mapping`));
    const doc = document as Record<string, unknown>;
    const extra = Object.keys(doc).find((k) => k !== "default-docker" && k !== "docker");
    if (extra !== undefined) return E.left(failure("INVALID_CONFIG", `${path}: unknown key "${printable(extra)}"`));
    if (doc["default-docker"] !== undefined) {
      if (defaultDocker !== undefined) return E.left(failure("INVALID_CONFIG", `${path}: default-docker is already set in ${defaultDocker.path}`));
      const s = section(doc["default-docker"], `${path}: default-docker`);
      if (E.isLeft(s)) return s;
      defaultDocker = { section: s.right, path };
    }
    const scopes = doc["docker"];
    if (scopes === undefined || scopes === null) continue;
    if (typeof scopes !== "object" || Array.isArray(scopes)) return E.left(failure("INVALID_CONFIG", `${path}: docker: expected a mapping`));
    for (const [scope, value] of Object.entries(scopes)) {
      const before = Object.prototype.hasOwnProperty.call(seenIn, scope) ? seenIn[scope] : undefined;
      if (before !== undefined) return E.left(failure("INVALID_CONFIG", `${path}: docker scope "${printable(scope)}" is already configured in ${before}`));
      const s = section(value, `${path}: docker.${scope}`);
      if (E.isLeft(s)) return s;
      Object.defineProperty(docker, scope, { value: s.right, enumerable: true });
      Object.defineProperty(seenIn, scope, { value: path, enumerable: true });
    }
  }
  return E.right({ ...(defaultDocker === undefined ? {} : { defaultDocker: defaultDocker.section }), docker });
};

/** The section that applies to an image: its most specific scope (as policy scopes walk), else `default-docker`, else none. */
export const storageFor =
  (reference: Reference) =>
  (config: RegistriesD): SignatureStorage | undefined => {
    for (const scope of repositoryScopes(reference)) {
      if (Object.prototype.hasOwnProperty.call(config.docker, scope)) return config.docker[scope];
    }
    return config.defaultDocker;
  };
