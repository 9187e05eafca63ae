import * as E from "fp-ts/lib/Either.js";
import { decodeDocument } from "../../core/codec.ts";
import { failure, type Failure } from "../../core/failure.ts";
import { imageConfig, parseManifest } from "../../core/manifest/index.ts";
import { parseNormalizedNamed, repositoryName, tagNameOnly, type Reference } from "../../core/reference/index.ts";
import { pullSources, type RegistriesConfig } from "../../core/registries/index.ts";
import { registryClient, type RegistryClient } from "../../plugins/docker/registry.ts";
import { credentialsFor, type Credentials } from "../config/auth.ts";
import type { HostEnvironment } from "../config/environment.ts";
import { registryCas } from "../http/certs.ts";
import { httpClient, type HttpClient, type NetworkTimeouts } from "../http/client.ts";

/** How to reach a registry for one name. */
export interface RemoteOptions {
  /** `false` allows plain HTTP and unverified TLS; unset follows registries.conf. */
  readonly tlsVerify?: boolean;
  readonly creds?: Credentials;
  readonly authFile?: string;
  readonly certDir?: string;
  /** How long the registry may stay silent (default 30 s). */
  readonly timeouts?: NetworkTimeouts;
  readonly signal?: AbortSignal;
}

/** An open conversation with the repository a `docker://NAME` names; close it when done. */
export interface Remote {
  readonly ref: Reference;
  readonly client: RegistryClient;
  readonly http: HttpClient;
}

/** What `inspect docker://NAME` shows, as skopeo shows it. */
export interface RemoteDetails {
  readonly Name: string;
  readonly Digest: string;
  readonly RepoTags: ReadonlyArray<string>;
  readonly Created: string;
  readonly Labels: Readonly<Record<string, string>> | null;
  readonly Architecture: string;
  readonly Os: string;
  readonly Layers: ReadonlyArray<string>;
  readonly Env: ReadonlyArray<string> | null;
}

/** Opens `docker://NAME` (or `NAME`): credentials as podman finds them, TLS as registries.conf or the options say. */
export const openRemote = async (host: HostEnvironment, config: RegistriesConfig, text: string, options: RemoteOptions = {}, push = false): Promise<E.Either<Failure, Remote>> => {
  const parsed = parseNormalizedNamed(text.replace(/^docker:\/\//, ""));
  if (E.isLeft(parsed)) return E.left(failure("INVALID_REFERENCE", `"${text}": ${parsed.left.message}`));
  const sources = pullSources(config)(parsed.right);
  if (E.isLeft(sources)) return sources;
  const insecure = options.tlsVerify === false || (options.tlsVerify === undefined && (sources.right[sources.right.length - 1]?.insecure ?? false));
  const found = options.creds === undefined ? await credentialsFor(host, repositoryName(parsed.right), options.authFile === undefined ? {} : { authFile: options.authFile }) : E.right(options.creds);
  if (E.isLeft(found)) return found;
  const http = httpClient({ insecureSkipVerify: options.tlsVerify === false, caFor: registryCas(host, options.certDir) }, options.signal, options.timeouts);
  const client = registryClient({ registry: parsed.right.domain, repository: parsed.right.path, insecure }, { http, ...(found.right === undefined ? {} : { credentials: found.right }) }, push);
  return E.right({ ref: parsed.right, client, http });
};

/** Runs `body` on an open remote and closes it. */
export const withRemote = async <A>(
  host: HostEnvironment,
  config: RegistriesConfig,
  text: string,
  options: RemoteOptions,
  push: boolean,
  body: (r: Remote) => Promise<E.Either<Failure, A>>,
): Promise<E.Either<Failure, A>> => {
  const remote = await openRemote(host, config, text, options, push);
  if (E.isLeft(remote)) return remote;
  try {
    const r = await body(remote.right);
    // A registry's 404 here means the image or repository is not there: podman's "not found" (exit 1).
    return E.isLeft(r) && r.left.code === "NOT_FOUND" ? E.left(failure("IMAGE_NOT_FOUND", r.left.message, r.left)) : r;
  } finally {
    await remote.right.http.close();
  }
};

/** The manifest a name points to, as the registry serves it. */
export const remoteManifest = (r: Remote) => r.client.getManifest(tagNameOnly(r.ref).digest ?? tagNameOnly(r.ref).tag ?? "latest");

/** An image's config, as text (capped at 4 MiB). */
export const remoteConfig = async (r: Remote, name: string): Promise<E.Either<Failure, { text: string; manifest: { digest: string; layers: ReadonlyArray<string> } }>> => {
  const m = await remoteManifest(r);
  if (E.isLeft(m)) return m;
  const parsed = parseManifest(m.right.bytes, m.right.mediaType, name);
  if (E.isLeft(parsed)) return parsed;
  if (parsed.right.kind !== "image") return E.left(failure("UNSUPPORTED_MANIFEST", `${name} is an index; use --raw to see it`));
  const stream = await r.client.getBlob(parsed.right.manifest.config.digest);
  if (E.isLeft(stream)) return stream;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const c of stream.right) {
    size += c.byteLength;
    if (size > 4 << 20) return E.left(failure("CONFIG_TOO_LARGE", `${name}: config larger than 4 MiB`));
    chunks.push(c);
  }
  return E.right({ text: Buffer.concat(chunks).toString("utf8"), manifest: { digest: m.right.digest, layers: parsed.right.manifest.layers.map((l) => l.digest) } });
};

/** skopeo-like details of an image in a registry. */
export const remoteDetails = async (r: Remote, name: string): Promise<E.Either<Failure, RemoteDetails>> => {
  const c = await remoteConfig(r, name);
  if (E.isLeft(c)) return c;
  let doc: unknown;
  try {
    doc = JSON.parse(c.right.text);
  } catch (e) {
    return E.left(failure("INVALID_CONFIG", `config of ${name}: ${(e as Error).message}`));
  }
  const config = decodeDocument(imageConfig, `config of ${name}`)(doc);
  if (E.isLeft(config)) return config;
  const tags = await r.client.listTags();
  return E.right({
    Name: repositoryName(r.ref),
    Digest: c.right.manifest.digest,
    RepoTags: E.isRight(tags) ? tags.right : [],
    Created: config.right.created ?? "",
    Labels: config.right.config?.Labels ?? null,
    Architecture: config.right.architecture,
    Os: config.right.os,
    Layers: c.right.manifest.layers,
    Env: config.right.config?.Env ?? null,
  });
};

/** Deletes the manifest a name points to (by its digest, as registries require). */
export const deleteRemote = async (r: Remote): Promise<E.Either<Failure, string>> => {
  const m = await remoteManifest(r);
  if (E.isLeft(m)) return m;
  const d = await r.client.deleteManifest(m.right.digest);
  return E.isLeft(d) ? d : E.right(m.right.digest);
};
