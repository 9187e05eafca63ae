/** OCI layouts built by the tests themselves: several images in one directory, layers shared where the test says. */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const sha256 = (b: Buffer | string): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;

/** One image of a layout: its name (`org.opencontainers.image.ref.name`) and its layers, uncompressed tars. */
export interface LayoutImage {
  readonly name: string;
  readonly layers: ReadonlyArray<Buffer>;
  /** Store the layers gzip-compressed (`tar+gzip`), as registries usually hold them. */
  readonly gzip?: boolean;
  /** Store the layers zstd-compressed (`tar+zstd`) by the zstd program at its highest level. */
  readonly zstd?: boolean;
}

/** `bytes` compressed by the zstd program. */
const zstdOf = (bytes: Buffer): Buffer => {
  const r = spawnSync("zstd", ["-q", "-c", "-19"], { input: bytes, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`zstd: ${r.stderr}`);
  return r.stdout;
};

/** Writes an OCI layout at `dir` holding `images`; a layer given to several images is stored once. */
export const writeLayout = (dir: string, images: ReadonlyArray<LayoutImage>): void => {
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  const put = (bytes: Buffer | string): { digest: string; size: number } => {
    const digest = sha256(bytes);
    writeFileSync(join(dir, "blobs", "sha256", digest.slice("sha256:".length)), bytes);
    return { digest, size: Buffer.byteLength(bytes) };
  };
  const manifests = images.map((image) => {
    const layers = image.layers.map((l) =>
      image.gzip === true
        ? { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...put(gzipSync(l)) }
        : image.zstd === true
          ? { mediaType: "application/vnd.oci.image.layer.v1.tar+zstd", ...put(zstdOf(l)) }
          : { mediaType: "application/vnd.oci.image.layer.v1.tar", ...put(l) },
    );
    const config = put(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        created: "2026-01-01T00:00:00Z",
        rootfs: { type: "layers", diff_ids: image.layers.map((l) => sha256(l)) },
        history: image.layers.map((_, i) => ({ created: "2026-01-01T00:00:00Z", created_by: `layer ${i} of ${image.name}` })),
      }),
    );
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config }, layers });
    return { mediaType: "application/vnd.oci.image.manifest.v1+json", ...put(manifest), annotations: { "org.opencontainers.image.ref.name": image.name } };
  });
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests }));
};

/** `n` bytes that do not compress, different for each `seed`. */
export const noise = (n: number, seed: number): Buffer => {
  const b = Buffer.alloc(n);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i + 4 <= n; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b.writeUInt32LE(x >>> 0, i);
  }
  return b;
};

/** Writes an OCI layout at `dir` holding one image index named `name`, with one image per platform (`os/arch`), each of the given layers plus a layer of its own. */
export const writeIndexLayout = (dir: string, name: string, platforms: ReadonlyArray<string>, shared: ReadonlyArray<Buffer>): { readonly indexDigest: string } => {
  const inner = join(dir, ".inner");
  writeLayout(
    inner,
    platforms.map((p, i) => ({ name: p, layers: [...shared, Buffer.concat([Buffer.from(`${p}\n`), noise(1024, i + 7)])] })),
  );
  const index = JSON.parse(readFileSync(join(inner, "index.json"), "utf8")) as { manifests: { mediaType: string; digest: string; size: number; annotations: Record<string, string> }[] };
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  for (const f of readdirSync(join(inner, "blobs", "sha256"))) copyFileSync(join(inner, "blobs", "sha256", f), join(dir, "blobs", "sha256", f));
  rmSync(inner, { recursive: true });
  const manifests = index.manifests.map((m) => {
    const [os, architecture] = (m.annotations["org.opencontainers.image.ref.name"] ?? "linux/amd64").split("/");
    return { mediaType: m.mediaType, digest: m.digest, size: m.size, platform: { os, architecture } };
  });
  const text = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests });
  const indexDigest = sha256(text);
  writeFileSync(join(dir, "blobs", "sha256", indexDigest.slice("sha256:".length)), text);
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [{ mediaType: "application/vnd.oci.image.index.v1+json", digest: indexDigest, size: Buffer.byteLength(text), annotations: { "org.opencontainers.image.ref.name": name } }] }));
  return { indexDigest };
};
