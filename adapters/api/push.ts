import * as E from "fp-ts/lib/Either.js";
import type { CompressionOptions, CopyPlan } from "../../core/copy/index.ts";
import { failure, type Failure } from "../../core/failure.ts";
import type { ManifestFormat } from "../../core/manifest/index.ts";
import { parseNormalizedNamed, tagNameOnly, type Reference } from "../../core/reference/index.ts";
import { pullSources } from "../../core/registries/index.ts";
import type { ImageRecord } from "../../core/store/index.ts";
import { registryDestination } from "../../plugins/docker/transport.ts";
import { storeSource } from "../../plugins/store/transport.ts";
import { policyCheck } from "../config/policy.ts";
import { copyImage, dryRunCopy, type CopyEvent, type CopyFailure, type CopyResult } from "../copy/engine.ts";
import type { Signer } from "../signature/signer.ts";
import { readState } from "../store/store.ts";
import type { BerthContext, RegistryAccess } from "./context.ts";
import { blobInfoCache } from "../store/blob-info.ts";
import { engineOptions, signWritten, writableCompression, type CopyChoices } from "./copy.ts";
import { subjectFor } from "./policy-identity.ts";
import { storePlugin } from "../../plugins/store/plugin.ts";

/** Pushing one image of the store to a registry. */
export interface PushRequest {
  /** The image, by name or ID. */
  readonly image: string;
  /** Where to (`[docker://]NAME`); default the name the image was found by. */
  readonly destination?: string;
  /** This push's registry settings over berth's. */
  readonly access?: RegistryAccess;
  readonly format?: ManifestFormat;
  /** Layer compression beyond the default (an uncompressed layer is gzipped). */
  readonly compression?: CompressionOptions;
  readonly signer?: Signer;
  readonly onEvent?: (e: CopyEvent) => void;
  /** Called just before signing, so a CLI can say so. */
  readonly onSigning?: () => void;
  readonly signal?: AbortSignal;
}

/** The stored image and the registry name a push goes to (a blocked registry is refused). */
const target = async (ctx: BerthContext, req: PushRequest): Promise<E.Either<Failure, { image: ImageRecord; dest: Reference }>> => {
  const state = await readState(ctx.store);
  if (E.isLeft(state)) return state;
  const found = ctx.lookup(req.image, state.right.images);
  if (E.isLeft(found)) return found;
  const text = (req.destination ?? found.right.name ?? req.image).replace(/^docker:\/\//, "");
  const ref = parseNormalizedNamed(text);
  if (E.isLeft(ref)) return E.left(failure("INVALID_REFERENCE", `"${text}": ${ref.left.message}`));
  const dest = tagNameOnly(ref.right);
  const sources = pullSources(ctx.config)(dest);
  return E.isLeft(sources) ? sources : E.right({ image: found.right.image, dest });
};

/** What a push of `image` writes: its own platform, the format and compression asked for. */
const choicesOf = (image: ImageRecord, req: PushRequest): CopyChoices => ({
  platform: { os: image.os, architecture: image.architecture },
  ...(req.format === undefined ? {} : { format: req.format }),
  ...(req.compression === undefined ? {} : { compression: req.compression }),
});

/** Runs `body` on the push's source (the stored image), destination (the registry) and the policy's check, closing what it opened. */
const pushing = async <A>(
  ctx: BerthContext,
  req: PushRequest,
  body: (parts: { image: ImageRecord; dest: Reference; destination: ReturnType<typeof registryDestination>; allow: ReturnType<typeof policyCheck> }) => Promise<E.Either<CopyFailure, A>>,
): Promise<E.Either<Failure, A>> => {
  const writable = writableCompression(req.compression);
  if (E.isLeft(writable)) return writable;
  // The policy is read while the image is found; a bad policy is still the first thing said.
  const [policy, t] = await Promise.all([ctx.policy(), target(ctx, req)]);
  if (E.isLeft(policy)) return policy;
  if (E.isLeft(t)) return t;
  const access = ctx.access(req.access);
  const http = ctx.http(access, req.signal);
  try {
    const conversation = await ctx.registry(t.right.dest, access, http, true);
    if (E.isLeft(conversation)) return conversation;
    const destination = registryDestination(t.right.dest, conversation.right.context, conversation.right.insecure);
    const allow = policyCheck(policy.right, await subjectFor(storePlugin, { text: req.image }, `store:${req.image}`));
    return await body({ ...t.right, destination, allow });
  } finally {
    await http.close();
  }
};

/**
 * Pushes an image of the store as `podman push`: the destination defaults to
 * the name it was found by, blobs the registry already has under another of
 * the image's repositories are mounted instead of uploaded (the plan says
 * which), the policy judges the image (as `containers-storage`), and the
 * result is signed if asked.
 */
export const pushImage = (ctx: BerthContext, req: PushRequest): Promise<E.Either<Failure, CopyResult>> =>
  pushing(ctx, req, async ({ image, dest, destination, allow }) => {
    const r = await copyImage(storeSource(ctx.store, image), destination, { ...engineOptions(choicesOf(image, req), req, allow, blobInfoCache(ctx.store.root)), maxLayerBytes: ctx.maxLayerBytes });
    if (E.isLeft(r) || req.signer === undefined) return r;
    req.onSigning?.();
    const http = ctx.http(ctx.access(req.access), req.signal);
    try {
      const signed = await signWritten(ctx, req.signer, dest, ctx.access(req.access), http, r.right.manifestDigest);
      return E.isLeft(signed) ? signed : r;
    } finally {
      await http.close();
    }
  });

/** What pushing would do, with nothing written to the registry. */
export const planPush = (ctx: BerthContext, req: PushRequest): Promise<E.Either<Failure, CopyPlan>> =>
  pushing(ctx, req, ({ image, destination, allow }) =>
    dryRunCopy(storeSource(ctx.store, image), destination, engineOptions(choicesOf(image, req), req, allow, blobInfoCache(ctx.store.root))),
  );
