import type { Writable } from "node:stream";
import { createReadStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { parseNormalizedNamed, referenceString, tagNameOnly, type Reference } from "../../core/reference/index.ts";
import { normalizeStoreName, type ImageRecord } from "../../core/store/index.ts";
import { dirDestination } from "../../plugins/dir/layout.ts";
import { dockerArchiveWriter, type ArchiveOutput } from "../../plugins/docker-archive/writer.ts";
import { ociArchiveDestination } from "../../plugins/oci-archive/archive.ts";
import { storeSource } from "../../plugins/store/transport.ts";
import { policyCheck } from "../config/policy.ts";
import { copyImage } from "../copy/engine.ts";
import { readState } from "../store/store.ts";
import type { BerthContext } from "./context.ts";
import { subjectFor } from "./policy-identity.ts";
import { storePlugin } from "../../plugins/store/plugin.ts";
import { sweepStaleFor, tempDirectory } from "../fs/temp-names.ts";

/** The formats `save` writes, as podman names them. */
export const saveFormats = ["docker-archive", "oci-archive", "oci-dir", "docker-dir"] as const;
/** One of {@link saveFormats}. */
export type SaveFormat = (typeof saveFormats)[number];

/** What to save and where. */
export interface SaveRequest {
  /** Images by name or ID; with `multiImage` each is its own image, else the first is the image and the rest are more names for it. */
  readonly images: ReadonlyArray<string>;
  readonly format?: SaveFormat;
  readonly multiImage?: boolean;
  /** A file (a directory for oci-dir and docker-dir), or a stream for docker-archive. */
  readonly output: string | Writable;
  readonly signal?: AbortSignal;
}

/** A name as the store spells it (short names under localhost/, as `berth tag` makes them), with a tag. */
const asReference = (name: string): Reference | undefined => {
  const stored = normalizeStoreName(name);
  const r = E.isRight(stored) ? parseNormalizedNamed(stored.right) : undefined;
  return r !== undefined && E.isRight(r) ? tagNameOnly(r.right) : undefined;
};

/**
 * Saves images from the store as podman's `save` does: a docker archive (one
 * or several images, every name as a RepoTag), an OCI archive, or a `dir:`
 * directory with an OCI or Docker manifest. The policy judges each image
 * (as `containers-storage`) before anything is written.
 */
export const saveImages = async (ctx: BerthContext, req: SaveRequest): Promise<E.Either<Failure, void>> => {
  const policy = await ctx.policy();
  if (E.isLeft(policy)) return policy;
  const format = req.format ?? "docker-archive";
  if (req.images.length === 0) return E.left(failure("INVALID_ARGUMENT", "save needs at least one image"));
  if (req.multiImage === true && format !== "docker-archive") return E.left(failure("INVALID_ARGUMENT", "saving several images needs the docker-archive format"));
  if (typeof req.output !== "string" && format !== "docker-archive" && format !== "oci-archive") return E.left(failure("INVALID_ARGUMENT", `--format ${format} writes a directory, not a stream`));
  if (typeof req.output !== "string" && format === "oci-archive") {
    // An OCI archive is made as a file (its writer seeks nothing, but keeps the layout's index for the end), then streamed.
    const stream = req.output;
    const dir = await tempDirectory("save");
    try {
      const file = join(dir, "archive.tar");
      const made = await saveImages(ctx, { ...req, output: file });
      if (E.isLeft(made)) return made;
      await pipeline(createReadStream(file), stream, { end: false });
      return E.right(undefined);
    } catch (e) {
      return E.left(failure("ARCHIVE_WRITE", `writing the archive to standard output: ${(e as Error).message.split("\n")[0] ?? ""}`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  // Archives are files: found out before anything is read, not when the finished archive cannot be renamed over a directory.
  const archive = format === "docker-archive" || format === "oci-archive";
  if (archive && typeof req.output === "string" && (await stat(req.output).then((s) => s.isDirectory(), () => false))) {
    return E.left(failure("ARCHIVE_WRITE", `${req.output}: is a directory; ${format} writes a file (give a file name)`));
  }
  const state = await readState(ctx.store);
  if (E.isLeft(state)) return state;
  // What a killed save left beside its output or in the temp directory goes first.
  await sweepStaleFor(typeof req.output === "string" ? req.output : undefined);
  const wanted: { image: ImageRecord; names: Reference[] }[] = [];
  for (const arg of req.multiImage === true ? req.images : req.images.slice(0, 1)) {
    const found = ctx.lookup(arg, state.right.images);
    if (E.isLeft(found)) return found;
    const own = found.right.name === undefined ? undefined : asReference(found.right.name);
    wanted.push({ image: found.right.image, names: own === undefined ? [] : [own] });
  }
  if (req.multiImage !== true) {
    for (const extra of req.images.slice(1)) {
      const ref = asReference(extra);
      if (ref === undefined) return E.left(failure("INVALID_REFERENCE", `"${extra}": not a valid image name`));
      wanted[0]?.names.push(ref);
    }
  }
  const allow = (image: ImageRecord) => async (digest: string) => {
    const shown = `store:${image.names[0] ?? image.id}`;
    return policyCheck(policy.right, await subjectFor(storePlugin, { text: image.names[0] ?? image.id }, shown))(digest);
  };
  const options = (image: ImageRecord) => ({ platform: { os: image.os, architecture: image.architecture }, ...(req.signal === undefined ? {} : { signal: req.signal }), allow: allow(image) });
  if (format === "docker-archive") {
    const target: ArchiveOutput = typeof req.output === "string" ? { kind: "file", path: req.output } : { kind: "stream", stream: req.output, label: "standard output" };
    const writer = dockerArchiveWriter(target, ctx.maxLayerBytes);
    try {
      for (const w of wanted) {
        const r = await copyImage(storeSource(ctx.store, w.image), writer.destination(w.names), options(w.image));
        if (E.isLeft(r)) return r;
      }
      return await writer.finish();
    } finally {
      await writer.discard();
    }
  }
  const only = wanted[0];
  if (only === undefined || typeof req.output !== "string") return E.left(failure("INVALID_ARGUMENT", "save needs at least one image"));
  const name = only.names[0];
  const dst = format === "oci-archive" ? ociArchiveDestination({ path: req.output, ...(name === undefined ? {} : { name: referenceString(name) }) }) : dirDestination({ path: req.output });
  const r = await copyImage(storeSource(ctx.store, only.image), dst, {
    ...options(only.image),
    ...(format === "oci-dir" ? { format: "oci" as const } : format === "docker-dir" ? { format: "v2s2" as const } : {}),
  });
  return E.isLeft(r) ? r : E.right(undefined);
};
