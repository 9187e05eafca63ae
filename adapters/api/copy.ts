import * as E from "fp-ts/lib/Either.js";
import { checkCompression, type CompressionOptions, type CopyPlan } from "../../core/copy/index.ts";
import { failure, type Failure } from "../../core/failure.ts";
import type { ManifestFormat, Platform } from "../../core/manifest/index.ts";
import { parseNormalizedNamed, tagNameOnly, type Reference } from "../../core/reference/index.ts";
import { parseImageName } from "../../core/transport/index.ts";
import type { BuiltinContext } from "../../plugins/builtin-context.ts";
import type { BuiltinReference } from "../../plugins/builtin.ts";
import type { ImageDestination, ImageSource, TransportPlugin } from "../../plugins/contract.ts";
import { registryClient } from "../../plugins/docker/registry.ts";
import { signPushed } from "../../plugins/docker/signature-store.ts";
import { policyCheck, signatureSourcesOf } from "../config/policy.ts";
import { copyImage, dryRunCopy, type CopyEvent, type CopyFailure, type CopyOptions as EngineOptions, type CopyResult } from "../copy/engine.ts";
import type { HttpClient } from "../http/client.ts";
import { blobInfoCache, type BlobInfoCache } from "../store/blob-info.ts";
import { hostPlatform } from "../platform.ts";
import type { Signer } from "../signature/signer.ts";
import type { BerthContext, RegistryAccess } from "./context.ts";
import { subjectOf } from "./policy-identity.ts";
import { copyReferrers } from "./referrers.ts";

/** How a copy is carried out beyond what is copied: progress and Ctrl-C. */
export interface CopyRun {
  readonly onEvent?: (e: CopyEvent) => void;
  readonly signal?: AbortSignal;
}

/** What a copy writes: which image(s) of an index, in which format, with or without signatures. */
export interface CopyChoices {
  /** Which image of an index (default: this machine's). */
  readonly platform?: Platform;
  /** Every image of an index, and the index itself. */
  readonly all?: boolean;
  readonly format?: ManifestFormat;
  readonly preserveDigests?: boolean;
  readonly removeSignatures?: boolean;
  /** Layer compression beyond what the destination does by default. */
  readonly compression?: CompressionOptions;
}

/** The compression asked for, if it makes sense: a level in its format's range, not compressing and decompressing at once. */
export const writableCompression = (c: CompressionOptions | undefined): E.Either<Failure, void> => {
  if (c === undefined) return E.right(undefined);
  const checked = checkCompression(c);
  return E.isLeft(checked) ? checked : E.right(undefined);
};

/** A copy between two transport-qualified names, with how each side reaches registries. */
export interface CopyRequest extends CopyRun, CopyChoices {
  /** e.g. `docker://quay.io/team/app:1`, `oci:DIR:NAME`, `store:NAME`. */
  readonly source: string;
  readonly destination: string;
  /** The source side's registry settings over berth's. */
  readonly src?: RegistryAccess;
  /** The destination side's registry settings over berth's. */
  readonly dest?: RegistryAccess;
  /** Sign what was written (docker:// destinations). */
  readonly signer?: Signer;
  /** More names for what is written, where the destination records names (docker-archive). */
  readonly additionalTags?: ReadonlyArray<string>;
  /**
   * Also copy what refers to the image (signatures, attestations: OCI 1.1
   * referrers), registry to registry. Implies preserved digests: a referrer
   * names its subject by digest.
   */
  readonly referrers?: boolean;
}

/** The engine's options for a copy of these choices. */
export const engineOptions = (choices: CopyChoices, run: CopyRun, allow?: EngineOptions["allow"], blobInfo?: BlobInfoCache): EngineOptions => ({
  platform: choices.platform ?? hostPlatform(),
  ...(run.signal === undefined ? {} : { signal: run.signal }),
  ...(run.onEvent === undefined ? {} : { onEvent: run.onEvent }),
  all: choices.all === true,
  preserveDigests: choices.preserveDigests === true,
  removeSignatures: choices.removeSignatures === true,
  ...(choices.format === undefined ? {} : { format: choices.format }),
  ...(choices.compression === undefined ? {} : { compression: choices.compression }),
  ...(allow === undefined ? {} : { allow }),
  ...(blobInfo === undefined ? {} : { blobInfo }),
});

/** Opens one side of a copy through the transport's plugin, looked up by name: a new transport needs no change here. */
const open = async <K extends "openSource" | "openDestination">(
  kind: K,
  text: string,
  ctx: BuiltinContext,
  plugins: ReadonlyArray<TransportPlugin<BuiltinReference, BuiltinContext>>,
): Promise<E.Either<Failure, K extends "openSource" ? ImageSource : ImageDestination>> => {
  const name = parseImageName(text, plugins);
  if (E.isLeft(name)) return name;
  const plugin = plugins.find((p) => p.name === name.right.transport);
  const opener = plugin?.[kind] as ((r: BuiltinReference, c: BuiltinContext) => Promise<E.Either<Failure, K extends "openSource" ? ImageSource : ImageDestination>>) | undefined;
  if (opener === undefined) {
    return E.left(failure("UNSUPPORTED_TRANSPORT", `copying ${kind === "openSource" ? "from" : "to"} ${name.right.transport}: is not supported yet`));
  }
  // A plugin that throws (the caller's own, say) still fails as a value.
  try {
    return await opener(name.right.reference, ctx);
  } catch (e) {
    return E.left(failure(kind === "openSource" ? "SOURCE_ERROR" : "DESTINATION_ERROR", `${text}: ${(e as Error).message ?? String(e)}`));
  }
};

/** One side of a copy opened outside a copy, with its own HTTP client; `close` ends both. */
export interface OpenedSide<S> {
  readonly side: S;
  readonly http: HttpClient;
  readonly close: () => Promise<void>;
}

/**
 * One side of a copy opened by its transport-qualified name on berth's terms
 * under `access`, with an HTTP client of its own; `close` ends both. For
 * callers that read or write images outside a copy (a manifest list).
 */
export const openByName = async <K extends "openSource" | "openDestination">(
  ctx: BerthContext,
  kind: K,
  text: string,
  access: RegistryAccess | undefined,
  signal?: AbortSignal,
): Promise<E.Either<Failure, OpenedSide<K extends "openSource" ? ImageSource : ImageDestination>>> => {
  const a = ctx.access(access);
  const http = ctx.http(a, signal);
  const side = await open(kind, text, ctx.transportContext(a, http), ctx.plugins);
  if (E.isLeft(side)) {
    await http.close();
    return side;
  }
  return E.right({
    side: side.right,
    http,
    close: async () => {
      await side.right.close().catch(() => undefined);
      await http.close();
    },
  });
};

/** What many copies of one run (a sync) share: one connection pool per side (closed by the caller), and the blobs being uploaded. */
export interface SharedClients {
  readonly src: HttpClient;
  readonly dest: HttpClient;
  readonly uploads?: Map<string, Promise<boolean>>;
}

/** Both sides of a copy, opened on berth's terms and closed (with the HTTP clients made for it) whatever happens. */
const withSides = async <A>(
  ctx: BerthContext,
  req: CopyRequest,
  body: (src: ImageSource, dst: ImageDestination, destHttp: HttpClient) => Promise<E.Either<Failure, A>>,
  shared?: SharedClients,
): Promise<E.Either<Failure, A>> => {
  const srcAccess = ctx.access(req.src);
  const destAccess = ctx.access(req.dest);
  const tags: Reference[] = [];
  for (const t of req.additionalTags ?? []) {
    const r = parseNormalizedNamed(t);
    if (E.isLeft(r)) return E.left(failure("INVALID_REFERENCE", `--additional-tag "${t}": ${r.left.message}`));
    if (r.right.digest !== undefined) return E.left(failure("INVALID_REFERENCE", `--additional-tag "${t}": a tag, not a digest`));
    tags.push(tagNameOnly(r.right));
  }
  const srcHttp = shared?.src ?? ctx.http(srcAccess, req.signal);
  const destHttp = shared?.dest ?? ctx.http(destAccess, req.signal);
  try {
    const source = await open("openSource", req.source, ctx.transportContext(srcAccess, srcHttp), ctx.plugins);
    if (E.isLeft(source)) return source;
    const destination = await open("openDestination", req.destination, { ...ctx.transportContext(destAccess, destHttp), ...(tags.length === 0 ? {} : { additionalTags: tags }) }, ctx.plugins);
    if (E.isLeft(destination)) {
      await source.right.close().catch(() => undefined);
      return destination;
    }
    return await body(source.right, destination.right, destHttp);
  } finally {
    if (shared === undefined) {
      await srcHttp.close();
      await destHttp.close();
    }
  }
};

/** Signs what a copy wrote to a registry, as the signer and registries.d say. */
export const signWritten = async (ctx: BerthContext, signer: Signer, dest: Reference, access: RegistryAccess, http: HttpClient, manifestDigest: string): Promise<E.Either<Failure, void>> => {
  const conversation = await ctx.registry(dest, access, http, true);
  if (E.isLeft(conversation)) return conversation;
  const { context, insecure } = conversation.right;
  return signPushed(ctx.host, signer, dest, manifestDigest, () => registryClient({ registry: dest.domain, repository: dest.path, insecure }, context, true), ctx.options.registriesD);
};

/**
 * Copies one image (or a whole index) between any two transports, as
 * `skopeo copy`: both sides opened through their plugins, the signature
 * policy asked before anything is written, signatures carried where both
 * sides keep them, and the result signed if asked.
 */
export const copyByName = async (ctx: BerthContext, asked: CopyRequest, shared?: SharedClients): Promise<E.Either<CopyFailure, CopyResult>> => {
  const req: CopyRequest = asked.referrers === true ? { ...asked, preserveDigests: true } : asked;
  const writable = writableCompression(req.compression);
  if (E.isLeft(writable)) return writable;
  const policy = await ctx.policy();
  if (E.isLeft(policy)) return policy;
  // Only a registry destination has a name to sign.
  const target = await subjectOf(ctx.plugins, req.destination);
  const destRef = target.transport === "docker" ? target.reference : undefined;
  if (req.signer !== undefined && destRef === undefined) return E.left(failure("UNSUPPORTED", "signing is supported only when copying to docker://"));
  const origin = req.referrers === true ? await subjectOf(ctx.plugins, req.source) : undefined;
  if (origin !== undefined && (origin.transport !== "docker" || origin.reference === undefined || destRef === undefined)) {
    return E.left(failure("UNSUPPORTED", "--referrers copies between registries only (docker:// to docker://)"));
  }
  return withSides(ctx, req, async (src, dst, destHttp) => {
    // Signatures come from where the source keeps them (registries.d for docker://, signature-N files for dir:).
    const allow = policyCheck(policy.right, await subjectOf(ctx.plugins, req.source), signatureSourcesOf(src.signatures));
    const r = await copyImage(src, dst, {
      ...engineOptions(req, req, allow, blobInfoCache(ctx.store.root)),
      maxLayerBytes: ctx.maxLayerBytes,
      ...(shared?.uploads === undefined ? {} : { uploads: shared.uploads }),
    });
    if (E.isLeft(r)) {
      // --referrers asked for the digests to be kept; say so where the plan names only --preserve-digests.
      const implied = asked.referrers === true && asked.preserveDigests !== true && r.left.message.endsWith("--preserve-digests forbids that");
      return implied ? E.left({ ...r.left, message: `${r.left.message} (--referrers keeps digests)` }) : r;
    }
    if (req.signer !== undefined && destRef !== undefined) {
      const signed = await signWritten(ctx, req.signer, destRef, ctx.access(req.dest), destHttp, r.right.manifestDigest);
      if (E.isLeft(signed)) return signed;
    }
    if (origin?.reference !== undefined && destRef !== undefined) {
      // What refers to the image as copied: the index with --all, else the image.
      const subject = req.all === true ? (r.right.indexDigest ?? r.right.manifestDigest) : r.right.manifestDigest;
      const base = {
        ...(req.src === undefined ? {} : { src: req.src }),
        ...(req.dest === undefined ? {} : { dest: req.dest }),
        ...(req.signal === undefined ? {} : { signal: req.signal }),
        ...(req.onEvent === undefined ? {} : { onEvent: req.onEvent }),
      };
      const copied = await copyReferrers(ctx, origin.reference, destRef, subject, base, shared);
      if (E.isLeft(copied)) return copied;
    }
    return r;
  }, shared);
};

/** The plan `copyByName` would carry out, with the policy asked and nothing written on either side. */
export const planByName = async (ctx: BerthContext, req: CopyRequest): Promise<E.Either<CopyFailure, CopyPlan>> => {
  const writable = writableCompression(req.compression);
  if (E.isLeft(writable)) return writable;
  const policy = await ctx.policy();
  if (E.isLeft(policy)) return policy;
  return withSides(ctx, req, async (src, dst) =>
    dryRunCopy(src, dst, engineOptions(req, req, policyCheck(policy.right, await subjectOf(ctx.plugins, req.source), signatureSourcesOf(src.signatures)), blobInfoCache(ctx.store.root))),
  );
};
