/**
 * `inspect` of an image in any transport berth reads (`oci:`, `dir:`,
 * `oci-archive:`, `docker-archive:`, and plugins'), as skopeo inspect reads
 * them: the manifest as stored (`--raw`), the config (`--config`), or the
 * details. An index is shown as the image for the platform asked for (this
 * machine's by default), as skopeo does, under the index's digest; `--raw`
 * shows the index itself.
 */
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { choosePlatform, parseManifest, type Platform } from "../../core/manifest/index.ts";
import type { RawManifest } from "../../plugins/contract.ts";
import { hostPlatform } from "../platform.ts";
import type { BerthContext, RegistryAccess } from "./context.ts";
import { openByName } from "./copy.ts";
import { imageConfigOf, instanceManifest } from "./source-documents.ts";
import type { RemoteDetails } from "./remote.ts";

/** What `inspect` shows of an image outside the store and the registries' own path. */
export type Inspected =
  | { readonly kind: "raw"; readonly manifest: RawManifest }
  | { readonly kind: "config"; readonly text: string }
  | { readonly kind: "details"; readonly details: Omit<RemoteDetails, "Name"> };


/** Inspects the image a transport-qualified name names. */
export const inspectByName = async (
  ctx: BerthContext,
  text: string,
  what: "raw" | "config" | "details",
  options: { readonly access?: RegistryAccess; readonly platform?: Platform } = {},
): Promise<E.Either<Failure, Inspected>> => {
  const opened = await openByName(ctx, "openSource", text, options.access);
  if (E.isLeft(opened)) return opened;
  const src = opened.right.side;
  try {
    const top = await src.manifest();
    if (E.isLeft(top)) return top;
    if (what === "raw") return E.right({ kind: "raw", manifest: top.right });
    let raw = top.right;
    let parsed = parseManifest(raw.bytes, raw.mediaType, text);
    if (E.isLeft(parsed)) return parsed;
    if (parsed.right.kind === "index") {
      const want = options.platform ?? hostPlatform();
      const entry = choosePlatform(parsed.right.index, want);
      if (entry === undefined) return E.left(failure("IMAGE_NOT_FOUND", `${text}: no image found in image index for architecture ${want.architecture}, variant ${JSON.stringify(want.variant ?? "")}, OS ${want.os}`));
      const instance = await instanceManifest(src, entry, text);
      if (E.isLeft(instance)) return instance;
      raw = instance.right;
      parsed = parseManifest(raw.bytes, raw.mediaType, text);
      if (E.isLeft(parsed)) return parsed;
      if (parsed.right.kind !== "image") return E.left(failure("UNSUPPORTED_MANIFEST", `${text}: an index inside an index`));
    }
    const manifest = parsed.right.manifest;
    const read = await imageConfigOf(src, manifest, text);
    if (E.isLeft(read)) return read;
    if (what === "config") return E.right({ kind: "config", text: read.right.text });
    const config = read.right.config;
    return E.right({
      kind: "details",
      details: {
        // As skopeo: the digest of what the name points to, an index's for a multi-platform image.
        Digest: top.right.digest,
        // Only registries have tags to list; skopeo shows none for the other transports.
        RepoTags: [],
        Created: config.created ?? "",
        Labels: config.config?.Labels ?? null,
        Architecture: config.architecture,
        Os: config.os,
        Layers: manifest.layers.map((l) => l.digest),
        LayersData: manifest.layers.map((l) => ({ MIMEType: l.mediaType, Digest: l.digest, Size: l.size, Annotations: l.annotations ?? null })),
        Env: config.config?.Env ?? null,
      },
    });
  } finally {
    await opened.right.close();
  }
};
