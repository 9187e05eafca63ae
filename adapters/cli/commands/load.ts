import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../../core/failure.ts";
import { refNameAnnotation, normalizeStoreName } from "../../../core/store/index.ts";
import type { ImageSource } from "../../../plugins/contract.ts";
import { dockerArchiveSource } from "../../../plugins/docker-archive/archive.ts";
import { ociArchiveSource } from "../../../plugins/oci-archive/archive.ts";
import { ociLayoutSource } from "../../../plugins/oci/layout.ts";
import { storeDestination } from "../../../plugins/store/transport.ts";
import { copyImage } from "../../copy/engine.ts";
import { policyCheck, type PolicySubject } from "../../config/policy.ts";
import { plainTar, readJsonEntry } from "../../tar/archive-file.ts";
import { indexTar } from "../../tar/index.ts";
import { hostArchitecture } from "../../platform.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { policyFlags, policyFromFlags, policyHelp } from "../policy-flags.ts";
import { failed, openSession, report } from "../session.ts";

/** One image found in what is being loaded, and the names it should get. */
interface Found {
  readonly open: () => Promise<E.Either<Failure, ImageSource>>;
  readonly names: ReadonlyArray<string>;
  /** What the signature policy judges. */
  readonly subject: PolicySubject;
}

const storeNames = (candidates: ReadonlyArray<string | undefined>): string[] =>
  candidates.flatMap((c) => {
    if (c === undefined) return [];
    const n = normalizeStoreName(c);
    return E.isRight(n) ? [n.right] : [];
  });

/** The images of an OCI layout index (directory or archive), with names from `ref.name`. */
const fromIndex = (
  manifests: ReadonlyArray<{ annotations?: Record<string, string> | undefined }>,
  open: (name: string | undefined) => Promise<E.Either<Failure, ImageSource>>,
  subject: (name: string | undefined) => PolicySubject,
): Found[] =>
  manifests.length === 1 && manifests[0]?.annotations?.[refNameAnnotation] === undefined
    ? [{ open: () => open(undefined), names: [], subject: subject(undefined) }]
    : manifests.flatMap((m) => {
        const name = m.annotations?.[refNameAnnotation];
        return name === undefined ? [] : [{ open: () => open(name), names: storeNames([name]), subject: subject(name) }];
      });

/** The policy subject of an image of an OCI layout or archive at `path`. */
const ociSubject = (transport: "oci" | "oci-archive", path: string) => (name: string | undefined): PolicySubject => ({
  transport,
  path,
  ...(name === undefined ? {} : { name }),
  shown: `${transport}:${path}${name === undefined ? "" : `:${name}`}`,
});

/**
 * Names from the legacy `repositories` file (`{"name": {"tag": "TOP-LAYER-ID"}}`)
 * for an image whose manifest.json entry has no RepoTags: those whose ID is
 * the image's top layer (`ID.tar` or `ID/layer.tar`), as docker load matches them.
 */
const legacyNames = (repositories: Record<string, unknown>, layers: unknown): string[] => {
  const top = Array.isArray(layers) ? layers[layers.length - 1] : undefined;
  if (typeof top !== "string") return [];
  const id = top.replace(/\/layer\.tar$/, "").replace(/\.tar$/, "").replace(/^blobs\/sha256\//, "");
  return Object.entries(repositories).flatMap(([name, tags]) =>
    typeof tags === "object" && tags !== null ? Object.entries(tags as Record<string, unknown>).flatMap(([tag, value]) => (value === id ? [`${name}:${tag}`] : [])) : [],
  );
};

/** Tells what `path` is (OCI layout directory, OCI archive, docker archive) and lists its images; otherwise says why each format did not match. */
const detect = async (path: string): Promise<E.Either<Failure, Found[]>> => {
  const s = await stat(path).catch(() => undefined);
  if (s === undefined) return E.left(failure("NOT_FOUND", `${path}: no such file or directory`));
  if (s.isDirectory()) {
    const text = await readFile(join(path, "index.json"), "utf8").catch(() => undefined);
    if (text === undefined) return E.left(failure("INVALID_ARCHIVE", `${path}: not an OCI layout (no index.json)`));
    try {
      const doc = JSON.parse(text) as { manifests?: { annotations?: Record<string, string> }[] };
      return E.right(fromIndex(doc.manifests ?? [], (name) => ociLayoutSource({ path, ...(name === undefined ? {} : { name }) }), ociSubject("oci", path)));
    } catch (e) {
      return E.left(failure("INVALID_ARCHIVE", `${path}/index.json: ${(e as Error).message}`));
    }
  }
  let entries: Awaited<ReturnType<typeof indexTar>>;
  try {
    entries = await indexTar(path);
  } catch (e) {
    return E.left(failure("INVALID_ARCHIVE", `${path}: not an OCI archive or docker archive: ${(e as Error).message}`));
  }
  const read = async (name: string): Promise<E.Either<Failure, unknown>> => {
    const at = entries.get(name);
    return at === undefined ? E.right(undefined) : readJsonEntry(path, at, 4 << 20, name);
  };
  if (entries.has("manifest.json")) {
    const doc = await read("manifest.json");
    if (E.isLeft(doc)) return doc;
    const images = Array.isArray(doc.right) ? (doc.right as { RepoTags?: string[] | null; Layers?: unknown }[]) : [];
    const legacy = await read("repositories");
    const repositories = E.isRight(legacy) && typeof legacy.right === "object" && legacy.right !== null ? (legacy.right as Record<string, unknown>) : {};
    return E.right(
      images.map((img, index) => ({
        open: () => dockerArchiveSource({ path, index }),
        subject: { transport: "docker-archive", shown: `docker-archive:${path}:@${index}` },
        names: storeNames(img.RepoTags !== undefined && img.RepoTags !== null && img.RepoTags.length > 0 ? img.RepoTags : legacyNames(repositories, img.Layers)),
      })),
    );
  }
  if (entries.has("index.json")) {
    const doc = await read("index.json");
    if (E.isLeft(doc)) return doc;
    const index = doc.right as { manifests?: { annotations?: Record<string, string> }[] } | undefined;
    return E.right(fromIndex(index?.manifests ?? [], (name) => ociArchiveSource({ path, ...(name === undefined ? {} : { name }) }), ociSubject("oci-archive", path)));
  }
  return E.left(failure("INVALID_ARCHIVE", `${path}: not a docker archive (no manifest.json) and not an OCI archive (no index.json)`));
};

/** `berth load [-i FILE]`: every image and every name in an archive or layout; standard input when no file is given. */
export const loadCommand = defineCommand({
  usage: `Usage: berth load [-q] [-i FILE]

Loads a docker archive, an OCI archive (either may be gzip-compressed) or an OCI layout directory (standard input when -i is not given).

${policyHelp}`,
  options: { input: { type: "string", short: "i" }, quiet: { type: "boolean", short: "q" }, ...policyFlags },
  run: async (p, io, globals) => {
    const session = await openSession(io, globals);
    if (failed(session)) return session;
    const signaturePolicy = await policyFromFlags(session.host, p.values);
    if (E.isLeft(signaturePolicy)) return report(io, signaturePolicy.left);
    let path = stringOption(p.values, "input");
    let spool: string | undefined;
    if (path === undefined) {
      if (process.stdin.isTTY) return report(io, failure("INVALID_ARCHIVE", "refusing to read an archive from a terminal; use -i FILE or pipe one in"));
      // Archives are read in place by offset, so a pipe is first copied to a file.
      spool = await mkdtemp(join(tmpdir(), "berth-load-"));
      path = join(spool, "input.tar");
      await pipeline(process.stdin, createWriteStream(path));
    }
    // A compressed archive is decompressed once here, so that each image in it is not decompressed again.
    const plain = (await stat(path).then((st) => st.isFile(), () => false)) ? await plainTar(path, "image") : undefined;
    if (plain !== undefined && E.isLeft(plain)) {
      if (spool !== undefined) await rm(spool, { recursive: true, force: true });
      return report(io, plain.left);
    }
    if (plain !== undefined) path = plain.right.path;
    try {
      const found = await detect(path);
      if (E.isLeft(found)) return report(io, found.left);
      if (found.right.length === 0) return report(io, failure("INVALID_ARCHIVE", `${path}: holds no images`));
      for (const image of found.right) {
        const src = await image.open();
        if (E.isLeft(src)) return report(io, src.left);
        const r = await copyImage(src.right, storeDestination(session.store, image.names), {
          platform: { os: "linux", architecture: hostArchitecture() },
          allow: policyCheck(signaturePolicy.right, image.subject),
        });
        if (E.isLeft(r)) return report(io, r.left);
        for (const n of image.names.length === 0 ? [`sha256:${r.right.id}`] : image.names) io.stdout(`Loaded image: ${n}\n`);
      }
      return exitCodes.ok;
    } finally {
      if (plain !== undefined && E.isRight(plain)) await plain.right.release();
      if (spool !== undefined) await rm(spool, { recursive: true, force: true });
    }
  },
});
