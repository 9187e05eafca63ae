/**
 * `sync`: every image of a registry repository, a directory of `dir:` images
 * or a YAML list of repositories, copied to a registry or a directory, as
 * skopeo sync does, but several images at once over one connection pool per
 * side. Before anything is copied, each image's manifest digest is compared
 * with what the destination holds under the same name: images already there
 * are skipped, so a re-run that finds everything in place copies nothing.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { choosePlatform, parseManifest, type ManifestFormat, type Platform } from "../../core/manifest/index.ts";
import { parseNormalizedNamed, referenceString, tagNameOnly, type Reference } from "../../core/reference/index.ts";
import { destinationOf, planSync, repositoriesOf, selectTags, type SourceImage, type SyncCandidate, type SyncDestinationKind, type SyncSourceKind, type SyncStep } from "../../core/sync/index.ts";
import type { HttpClient } from "../http/client.ts";
import { systemMessage } from "../fs/errors.ts";
import { hostPlatform } from "../platform.ts";
import type { BerthContext, RegistryAccess } from "./context.ts";
import { sha256Digest } from "../store/hash.ts";
import { copyByName, type CopyRun } from "./copy.ts";

/** What one image of a sync did, as it happens. */
export type SyncEvent =
  | { readonly kind: "image-started"; readonly source: string; readonly destination: string; readonly index: number; readonly total: number }
  | { readonly kind: "image-done"; readonly source: string; readonly destination: string; readonly digest: string; readonly index: number; readonly total: number }
  | { readonly kind: "image-failed"; readonly source: string; readonly destination: string; readonly error: Failure; readonly index: number; readonly total: number };

/** A sync, as skopeo sync's options say it. */
export interface SyncRequest extends CopyRun {
  /** A repository or image (`docker`), a directory (`dir`), or a YAML file (`yaml`). */
  readonly source: string;
  readonly sourceKind: SyncSourceKind;
  /** A registry with an optional namespace (`docker`), or a directory (`dir`). */
  readonly destination: string;
  readonly destinationKind: SyncDestinationKind;
  /** Keep the source's whole name (registry included) under the destination. */
  readonly scoped?: boolean;
  /** Appended to every destination name (a tag suffix). */
  readonly appendSuffix?: string;
  /** Every image of an index, and the index itself. */
  readonly all?: boolean;
  readonly platform?: Platform;
  readonly format?: ManifestFormat;
  readonly preserveDigests?: boolean;
  readonly removeSignatures?: boolean;
  /** Go on after an image fails; the sync fails at the end. */
  readonly keepGoing?: boolean;
  /** Plan only: list what would be copied and what is already there. */
  readonly dryRun?: boolean;
  /** Images copied at once (default 4). */
  readonly jobs?: number;
  /** Also copy what refers to each image (OCI 1.1 referrers), registry to registry. */
  readonly referrers?: boolean;
  readonly src?: RegistryAccess;
  readonly dest?: RegistryAccess;
  readonly onImage?: (e: SyncEvent) => void;
}

/** One image of a finished (or planned) sync. */
export interface SyncedImage extends SyncStep {
  readonly outcome: "copied" | "skipped" | "failed" | "planned";
  readonly error?: Failure;
}

/** What a sync did (or, with `dryRun`, would do). */
export interface SyncResult {
  readonly images: ReadonlyArray<SyncedImage>;
}

/** An image of the source with how its registry is reached. */
interface Found {
  readonly image: SourceImage;
  readonly access: RegistryAccess;
}

const maxSourceFileBytes = 1 << 20;

/** A file-system error as a reason: a missing path in words, anything else as the system says it. */
const reasonOf = (e: unknown): string => ((e as { code?: string }).code === "ENOENT" ? "no such file or directory" : systemMessage(e));
const maxDirManifestBytes = 4 << 20;

/** Registry conversations of one sync: one per repository and side, over the side's shared HTTP client. */
const conversations = (ctx: BerthContext, http: (a: RegistryAccess) => HttpClient) => {
  const open = new Map<string, ReturnType<BerthContext["registry"]>>();
  return (ref: Reference, access: RegistryAccess) => {
    const key = `${JSON.stringify(access)} ${ref.domain}/${ref.path}`;
    let c = open.get(key);
    if (c === undefined) {
      c = ctx.registry(ref, access, http(access));
      open.set(key, c);
    }
    return c;
  };
};

/** HTTP clients by side and access, made on first use and closed together. */
const clientPool = (ctx: BerthContext, signal: AbortSignal | undefined) => {
  const clients = new Map<string, HttpClient>();
  return {
    get: (a: RegistryAccess): HttpClient => {
      const key = JSON.stringify(a);
      let c = clients.get(key);
      if (c === undefined) {
        c = ctx.http(a, signal);
        clients.set(key, c);
      }
      return c;
    },
    close: async (): Promise<void> => {
      for (const c of clients.values()) await c.close().catch(() => undefined);
    },
  };
};

/** The `dir:` images under a directory: every directory holding a manifest.json, in name order. */
const dirImages = async (base: string): Promise<E.Either<Failure, ReadonlyArray<string>>> => {
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name === "manifest.json")) {
      found.push(dir);
      return;
    }
    if (depth > 32) return;
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) if (e.isDirectory()) await walk(join(dir, e.name), depth + 1);
  };
  try {
    const s = await stat(base);
    if (!s.isDirectory()) return E.left(failure("INVALID_ARGUMENT", `${base}: not a directory`));
    await walk(base, 0);
  } catch (e) {
    return E.left(failure("NOT_FOUND", `invalid source directory ${base}: ${reasonOf(e)}`));
  }
  return E.right(found);
};

/** The images the source holds. */
const enumerate = async (ctx: BerthContext, req: SyncRequest, registry: ReturnType<typeof conversations>): Promise<E.Either<Failure, ReadonlyArray<Found>>> => {
  const srcAccess = ctx.access(req.src);
  const listed = async (repository: Reference, access: RegistryAccess): Promise<E.Either<Failure, ReadonlyArray<string>>> => {
    const c = await registry(repository, access);
    if (E.isLeft(c)) return c;
    const tags = await c.right.client.listTags();
    return E.isLeft(tags) ? E.left(failure(tags.left.code, `determining the tags of ${referenceString(repository)}: ${tags.left.message}`)) : tags;
  };
  if (req.sourceKind === "docker") {
    const parsed = parseNormalizedNamed(req.source.replace(/^docker:\/\//, ""));
    if (E.isLeft(parsed)) return E.left(failure("INVALID_REFERENCE", `"${req.source}": ${parsed.left.message}`));
    const ref = parsed.right;
    if (ref.tag !== undefined || ref.digest !== undefined) return E.right([{ image: { kind: "docker", ref }, access: srcAccess }]);
    const tags = await listed(ref, srcAccess);
    if (E.isLeft(tags)) return tags;
    if (tags.right.length === 0) return E.left(failure("IMAGE_NOT_FOUND", `no images to sync found in ${referenceString(ref)}`));
    return E.right(selectTags({ repository: ref, access: {}, wanted: { kind: "all" } }, tags.right).map((r) => ({ image: { kind: "docker", ref: r }, access: srcAccess })));
  }
  if (req.sourceKind === "dir") {
    const base = resolve(req.source);
    const dirs = await dirImages(base);
    if (E.isLeft(dirs)) return dirs;
    if (dirs.right.length === 0) return E.left(failure("IMAGE_NOT_FOUND", `no images to sync found in ${req.source}`));
    return E.right(dirs.right.map((path) => ({ image: { kind: "dir", path, base }, access: srcAccess })));
  }
  let text: string;
  try {
    const s = await stat(req.source);
    if (s.size > maxSourceFileBytes) return E.left(failure("INVALID_CONFIG", `${req.source}: larger than ${maxSourceFileBytes} bytes`));
    text = await readFile(req.source, "utf8");
  } catch (e) {
    return E.left(failure("CONFIG_NOT_FOUND", `${req.source}: ${reasonOf(e)}`));
  }
  let doc: unknown;
  try {
    doc = (await import("../config/yaml.ts")).parseYaml(text);
  } catch (e) {
    return E.left(failure("INVALID_CONFIG", `${req.source}: not YAML: ${(e as Error).message.split("\n")[0] ?? ""}`));
  }
  const wanted = repositoriesOf(req.source)(doc ?? {});
  if (E.isLeft(wanted)) return wanted;
  const out: Found[] = [];
  for (const w of wanted.right) {
    const access: RegistryAccess = {
      ...srcAccess,
      ...(w.access.tlsVerify === undefined ? {} : { tlsVerify: w.access.tlsVerify }),
      ...(w.access.certDir === undefined ? {} : { certDir: w.access.certDir }),
      ...(w.access.credentials === undefined ? {} : { creds: w.access.credentials }),
    };
    const tags = w.wanted.kind === "list" ? E.right([]) : await listed(w.repository, access);
    if (E.isLeft(tags)) return tags;
    for (const ref of selectTags(w, tags.right)) out.push({ image: { kind: "docker", ref }, access });
  }
  if (out.length === 0) return E.left(failure("IMAGE_NOT_FOUND", `no images to sync found in ${req.source}`));
  return E.right(out);
};


/** The digest of the manifest a `dir:` image holds, if it holds one. */
const dirDigest = async (dir: string): Promise<string | undefined> => {
  try {
    const path = join(dir, "manifest.json");
    if ((await stat(path)).size > maxDirManifestBytes) return undefined;
    return sha256Digest(await readFile(path));
  } catch {
    return undefined;
  }
};

/** Runs `tasks` at most `n` at once, in order of start. */
const inParallel = async <A>(n: number, tasks: ReadonlyArray<() => Promise<A>>): Promise<A[]> => {
  const out: A[] = new Array<A>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      const task = tasks[i];
      if (task !== undefined) out[i] = await task();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, tasks.length)) }, worker));
  return out;
};

/**
 * Syncs as `skopeo sync`: enumerates the source, names each image's
 * destination, skips what is already there, and copies the rest, `jobs` at
 * once. Without `keepGoing` the first failure stops the sync (copies under
 * way are interrupted, and nothing unverified is left visible); with it,
 * every image is tried and the result says which failed.
 */
export const sync = async (ctx: BerthContext, req: SyncRequest): Promise<E.Either<Failure, SyncResult>> => {
  const stop = new AbortController();
  const signal = req.signal === undefined ? stop.signal : AbortSignal.any([req.signal, stop.signal]);
  const srcPool = clientPool(ctx, signal);
  const destPool = clientPool(ctx, signal);
  const destAccess = ctx.access(req.dest);
  const srcRegistry = conversations(ctx, srcPool.get);
  const destRegistry = conversations(ctx, destPool.get);
  const platform = req.platform ?? hostPlatform();
  const jobs = req.jobs ?? 4;
  try {
    const found = await enumerate(ctx, req, srcRegistry);
    if (E.isLeft(found)) return found;
    const naming = { kind: req.destinationKind, destination: req.destination, scoped: req.scoped === true, appendSuffix: req.appendSuffix ?? "" };
    const named: Array<{ readonly found: Found; readonly source: string; readonly destination: string }> = [];
    for (const f of found.right) {
      const destination = destinationOf(naming)(f.image);
      if (E.isLeft(destination)) return destination;
      named.push({ found: f, source: f.image.kind === "docker" ? `docker://${referenceString(f.image.ref)}` : `dir:${f.image.path}`, destination: destination.right });
    }

    /** The digest of the manifest a copy of this image would write: the platform's instance of an index, unless every instance goes. */
    const sourceDigest = async (f: Found): Promise<string | undefined> => {
      if (f.image.kind === "dir") return dirDigest(f.image.path);
      const ref = tagNameOnly(f.image.ref);
      const c = await srcRegistry(ref, f.access);
      if (E.isLeft(c)) return undefined;
      const m = await c.right.client.getManifest(ref.digest ?? ref.tag ?? "latest");
      if (E.isLeft(m)) return undefined;
      if (req.all === true) return m.right.digest;
      const parsed = parseManifest(m.right.bytes, m.right.mediaType, referenceString(ref));
      if (E.isLeft(parsed)) return undefined;
      return parsed.right.kind === "index" ? choosePlatform(parsed.right.index, platform)?.digest : m.right.digest;
    };
    const destinationDigest = async (destination: string): Promise<string | undefined> => {
      if (destination.startsWith("dir:")) return dirDigest(destination.slice("dir:".length));
      const ref = parseNormalizedNamed(destination.slice("docker://".length));
      if (E.isLeft(ref)) return undefined;
      const c = await destRegistry(ref.right, destAccess);
      if (E.isLeft(c)) return undefined;
      const t = tagNameOnly(ref.right);
      const m = await c.right.client.getManifest(t.digest ?? t.tag ?? "latest");
      return E.isLeft(m) ? undefined : m.right.digest;
    };
    // Formats and compression changes make a different manifest; only a plain copy can be known to be there already.
    const comparable = req.format === undefined;
    const candidates: SyncCandidate[] = await inParallel(
      jobs * 2,
      named.map((n) => async (): Promise<SyncCandidate> => {
        if (!comparable) return { source: n.source, destination: n.destination };
        const [s, d] = await Promise.all([sourceDigest(n.found), destinationDigest(n.destination)]);
        return { source: n.source, destination: n.destination, ...(s === undefined ? {} : { sourceDigest: s }), ...(d === undefined ? {} : { destinationDigest: d }) };
      }),
    );
    const steps = planSync(candidates);
    if (req.dryRun === true) return E.right({ images: steps.map((s) => ({ ...s, outcome: s.action === "skip" ? "skipped" : "planned" })) });

    const accessOf = new Map(named.map((n) => [n.source, n.found.access]));
    const total = steps.length;
    let failedFirst: Failure | undefined;
    const uploads = new Map<string, Promise<boolean>>();
    const results = await inParallel(
      jobs,
      steps.map((step, index) => async (): Promise<SyncedImage> => {
        if (step.action === "skip") return { ...step, outcome: "skipped" };
        if (failedFirst !== undefined || signal.aborted) return { ...step, outcome: "failed", error: failedFirst ?? failure("INTERRUPTED", "interrupted") };
        req.onImage?.({ kind: "image-started", source: step.source, destination: step.destination, index, total });
        const srcAccess = accessOf.get(step.source) ?? ctx.access(req.src);
        const r = await copyByName(
          ctx,
          {
            source: step.source,
            destination: step.destination,
            src: srcAccess,
            dest: destAccess,
            platform,
            signal,
            ...(req.all === undefined ? {} : { all: req.all }),
            ...(req.format === undefined ? {} : { format: req.format }),
            ...(req.preserveDigests === undefined ? {} : { preserveDigests: req.preserveDigests }),
            ...(req.removeSignatures === undefined ? {} : { removeSignatures: req.removeSignatures }),
            ...(req.referrers === undefined ? {} : { referrers: req.referrers }),
            ...(req.onEvent === undefined ? {} : { onEvent: req.onEvent }),
          },
          // A dir: destination needs no HTTP; its side's pool then stays unused.
          { src: srcPool.get(srcAccess), dest: destPool.get(destAccess), uploads },
        );
        if (E.isLeft(r)) {
          // Stopped because another image failed first: that one is the failure to tell.
          if (failedFirst !== undefined) return { ...step, outcome: "failed", error: failedFirst };
          const error = failure(r.left.code, `copying ${step.source}: ${r.left.message}`);
          req.onImage?.({ kind: "image-failed", source: step.source, destination: step.destination, error, index, total });
          if (req.keepGoing !== true && failedFirst === undefined) {
            failedFirst = error;
            stop.abort();
          }
          return { ...step, outcome: "failed", error };
        }
        req.onImage?.({ kind: "image-done", source: step.source, destination: step.destination, digest: r.right.manifestDigest, index, total });
        return { ...step, digest: r.right.manifestDigest, outcome: "copied" };
      }),
    );
    if (req.signal?.aborted === true) return E.left(failure("INTERRUPTED", "interrupted"));
    if (failedFirst !== undefined) return E.left(failedFirst);
    return E.right({ images: results });
  } finally {
    await srcPool.close();
    await destPool.close();
  }
};
