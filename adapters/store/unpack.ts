import { createHash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { chmod, lchown, link, lstat, lutimes, mkdir, readdir, rm, symlink, utimes } from "node:fs/promises";
import { join, posix, relative } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import { secureJoin } from "../fs/secure-join.ts";

/** Why a layer could not be applied; the message names the entry. */
export class UnpackError extends Error {}

/** Limits for one layer. */
export interface UnpackOptions {
  /** Largest uncompressed size accepted (a gzip bomb fails with a clear error, not a full disk). */
  readonly maxBytes: number;
  /** The layer's expected `diff_id`, checked against the uncompressed bytes. */
  readonly diffId: string;
  /** Whether to set owners from the tar (root only). */
  readonly chown: boolean;
}

/** What applying a layer did, besides writing files. */
export interface UnpackReport {
  readonly entries: number;
  /** Entries left out on purpose (device nodes), by path. */
  readonly skipped: ReadonlyArray<string>;
}

const cleanName = (name: string): string => {
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw new UnpackError(`layer entry "${name}" leaves the root with ".."`);
  return parts.join("/");
};

const removeAll = async (path: string): Promise<void> => rm(path, { recursive: true, force: true });

/**
 * Applies one uncompressed layer tar to `root` safely: no entry writes,
 * links or changes anything outside `root` (`..` is refused, absolute paths
 * and symlinks resolve inside it, hardlinks must point inside it and at a
 * file); whiteouts and opaque directories hide lower layers; device nodes are
 * skipped; the bytes must hash to the layer's diff_id and stay under the cap.
 */
export const applyLayer = async (root: string, layer: AsyncIterable<Uint8Array>, options: UnpackOptions): Promise<UnpackReport> => {
  const hash = createHash("sha256");
  let total = 0;
  async function* counted(): AsyncIterable<Uint8Array> {
    for await (const chunk of layer) {
      total += chunk.byteLength;
      if (total > options.maxBytes) throw new UnpackError(`layer ${options.diffId} is larger than ${options.maxBytes} bytes uncompressed (a compression bomb?)`);
      hash.update(chunk);
      yield chunk;
    }
  }
  const createdHere = new Set<string>();
  const skipped: string[] = [];
  let entries = 0;
  const extract = tar.extract();
  const apply = async (header: tar.Header, stream: Readable): Promise<void> => {
    entries++;
    const name = cleanName(header.name);
    const base = posix.basename(name);
    if (name === "") {
      if (header.type === "directory") return void stream.resume();
      throw new UnpackError(`layer entry "${header.name}" would replace the root itself`);
    }
    const parentInRoot = await secureJoin(root, posix.dirname(name), true);
    if (base === ".wh..wh..opq") {
      // Opaque: what lower layers had in this directory is hidden; this layer's own entries stay.
      for (const child of await readdir(parentInRoot).catch(() => [] as string[])) {
        const rel = relative(root, join(parentInRoot, child));
        if (!createdHere.has(rel)) await removeAll(join(parentInRoot, child));
      }
      return void stream.resume();
    }
    if (base.startsWith(".wh.")) {
      await removeAll(join(parentInRoot, base.slice(4)));
      return void stream.resume();
    }
    await mkdir(parentInRoot, { recursive: true });
    const target = join(parentInRoot, base);
    createdHere.add(relative(root, target));
    const existing = await lstat(target).catch(() => undefined);
    const mode = (header.mode ?? 0o644) & 0o7777;
    switch (header.type) {
      case "directory":
        if (existing !== undefined && !existing.isDirectory()) await removeAll(target);
        await mkdir(target, { recursive: true });
        await chmod(target, mode);
        stream.resume();
        break;
      case "file":
      case "contiguous-file": {
        if (existing !== undefined) await removeAll(target);
        await pipeline(stream, createWriteStream(target, { flags: "wx", mode }));
        await chmod(target, mode);
        break;
      }
      case "symlink":
        if (existing !== undefined) await removeAll(target);
        await symlink(header.linkname ?? "", target);
        stream.resume();
        break;
      case "link": {
        const linkName = cleanName(header.linkname ?? "");
        const source = await secureJoin(root, linkName, false);
        const info = await lstat(source).catch(() => undefined);
        if (info === undefined || !info.isFile()) throw new UnpackError(`layer entry "${header.name}" hardlinks to "${header.linkname ?? ""}", which is not a file in this root`);
        if (existing !== undefined) await removeAll(target);
        await link(source, target);
        stream.resume();
        break;
      }
      case "character-device":
      case "block-device":
      case "fifo":
        skipped.push(name);
        stream.resume();
        return;
      default:
        stream.resume();
        return;
    }
    if (options.chown && header.type !== "link") await lchown(target, header.uid, header.gid);
    const mtime = header.mtime ?? new Date(0);
    if (header.type === "symlink") await lutimes(target, mtime, mtime).catch(() => undefined);
    else if (header.type !== "link") await utimes(target, mtime, mtime);
  };
  let failure: unknown;
  const finished = new Promise<void>((resolve, reject) => {
    extract.on("finish", () => resolve());
    extract.on("error", (e: Error) => reject(e));
  });
  finished.catch(() => undefined);
  extract.on("entry", (header, stream, next) => {
    apply(header, stream as unknown as Readable).then(
      () => next(),
      (e: unknown) => {
        failure ??= e;
        stream.resume();
        extract.destroy(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
  try {
    // Fed by hand rather than piped, so that a cap or read error ends the loop at once.
    for await (const chunk of counted()) {
      if (failure !== undefined) break;
      if (!extract.write(chunk)) await Promise.race([once(extract, "drain"), finished]);
    }
    if (failure === undefined) {
      extract.end(undefined);
      await finished;
    }
  } catch (e) {
    throw failure ?? (e instanceof UnpackError ? e : new UnpackError(`layer ${options.diffId}: ${(e as Error).message}`));
  }
  if (failure !== undefined) throw failure;
  const digest = `sha256:${hash.digest("hex")}`;
  if (digest !== options.diffId) throw new UnpackError(`layer content has diff_id ${digest}, the image config says ${options.diffId}`);
  return { entries, skipped };
};
