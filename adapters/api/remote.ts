import * as E from "fp-ts/lib/Either.js";
import { decodeDocument } from "../../core/codec.ts";
import { failure, type Failure } from "../../core/failure.ts";
import { choosePlatform, imageConfig, parseManifest, type Descriptor, type Platform } from "../../core/manifest/index.ts";
import { parseNormalizedNamed, repositoryName, tagNameOnly, type Reference } from "../../core/reference/index.ts";
import { pullSources } from "../../core/registries/index.ts";
import type { RegistryClient } from "../../plugins/docker/registry.ts";
import type { BerthContext, RegistryAccess } from "./context.ts";
import { readConfigStream } from "./source-documents.ts";
import { hostPlatform } from "../platform.ts";

/** An open conversation with the repository a `docker://NAME` names. */
export interface Remote {
  readonly ref: Reference;
  readonly client: RegistryClient;
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
  /** Each layer as the manifest describes it, as newer skopeo prints it: its media type (so its compression) and its size as stored. */
  readonly LayersData: ReadonlyArray<{ readonly MIMEType: string; readonly Digest: string; readonly Size: number; readonly Annotations: Readonly<Record<string, string>> | null }>;
  readonly Env: ReadonlyArray<string> | null;
}

/**
 * Runs `body` on a conversation with the repository `docker://NAME` (or
 * `NAME`) names, on berth's terms (credentials, TLS, registries.conf) under
 * `access`, and closes it. A registry's 404 means the image or repository is
 * not there: podman's "not found" (exit 1).
 */
export const withRemote = async <A>(
  ctx: BerthContext,
  text: string,
  access: RegistryAccess,
  push: boolean,
  body: (r: Remote) => Promise<E.Either<Failure, A>>,
  signal?: AbortSignal,
): Promise<E.Either<Failure, A>> => {
  const parsed = parseNormalizedNamed(text.replace(/^docker:\/\//, ""));
  if (E.isLeft(parsed)) return E.left(failure("INVALID_REFERENCE", `"${text}": ${parsed.left.message}`));
  const sources = pullSources(ctx.config)(parsed.right);
  if (E.isLeft(sources)) return sources;
  const a = ctx.access(access);
  const http = ctx.http(a, signal);
  try {
    const conversation = await ctx.registry(parsed.right, a, http, push);
    if (E.isLeft(conversation)) return conversation;
    const r = await body({ ref: parsed.right, client: conversation.right.client });
    return E.isLeft(r) && r.left.code === "NOT_FOUND" ? E.left(failure("IMAGE_NOT_FOUND", r.left.message, r.left)) : r;
  } finally {
    await http.close();
  }
};

/** The manifest a name points to, as the registry serves it. */
export const remoteManifest = (r: Remote) => r.client.getManifest(tagNameOnly(r.ref).digest ?? tagNameOnly(r.ref).tag ?? "latest");

/** An image's config, as text (at most its descriptor's size and 4 MiB, and verified against its digest). */
export const remoteConfig = async (
  r: Remote,
  name: string,
  platform: Platform = hostPlatform(),
): Promise<E.Either<Failure, { text: string; manifest: { digest: string; layers: ReadonlyArray<string>; descriptors: ReadonlyArray<Descriptor> } }>> => {
  const m = await remoteManifest(r);
  if (E.isLeft(m)) return m;
  const top = parseManifest(m.right.bytes, m.right.mediaType, name);
  if (E.isLeft(top)) return top;
  // As skopeo: an index stands for its image for the platform; the digest stays the index's.
  let parsed = top.right;
  if (parsed.kind === "index") {
    const entry = choosePlatform(parsed.index, platform);
    if (entry === undefined) return E.left(failure("IMAGE_NOT_FOUND", `${name}: no image found in image index for architecture ${platform.architecture}, variant ${JSON.stringify(platform.variant ?? "")}, OS ${platform.os}`));
    const instance = await r.client.getManifest(entry.digest);
    if (E.isLeft(instance)) return instance;
    const chosen = parseManifest(instance.right.bytes, instance.right.mediaType, `${name}@${entry.digest}`);
    if (E.isLeft(chosen)) return chosen;
    parsed = chosen.right;
  }
  if (parsed.kind !== "image") return E.left(failure("UNSUPPORTED_MANIFEST", `${name}: an index within an index; use --raw to see it`));
  const stream = await r.client.getBlob(parsed.manifest.config.digest);
  if (E.isLeft(stream)) return stream;
  const config = await readConfigStream(stream.right, parsed.manifest.config, name);
  if (E.isLeft(config)) return config;
  return E.right({ text: config.right.toString("utf8"), manifest: { digest: m.right.digest, layers: parsed.manifest.layers.map((l) => l.digest), descriptors: parsed.manifest.layers } });
};

/** skopeo-like details of an image in a registry. */
export const remoteDetails = async (r: Remote, name: string, options: { readonly platform?: Platform; readonly noTags?: boolean } = {}): Promise<E.Either<Failure, RemoteDetails>> => {
  const c = await remoteConfig(r, name, options.platform);
  if (E.isLeft(c)) return c;
  let doc: unknown;
  try {
    doc = JSON.parse(c.right.text);
  } catch (e) {
    return E.left(failure("INVALID_CONFIG", `config of ${name}: ${(e as Error).message}`));
  }
  const config = decodeDocument(imageConfig, `config of ${name}`)(doc);
  if (E.isLeft(config)) return config;
  // skopeo's --no-tags: no tag listing (a registry may refuse it, or the repository have thousands).
  const tags = options.noTags === true ? E.right([]) : await r.client.listTags();
  return E.right({
    Name: repositoryName(r.ref),
    Digest: c.right.manifest.digest,
    RepoTags: E.isRight(tags) ? tags.right : [],
    Created: config.right.created ?? "",
    Labels: config.right.config?.Labels ?? null,
    Architecture: config.right.architecture,
    Os: config.right.os,
    Layers: c.right.manifest.layers,
    LayersData: c.right.manifest.descriptors.map((l) => ({ MIMEType: l.mediaType, Digest: l.digest, Size: l.size, Annotations: l.annotations ?? null })),
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
