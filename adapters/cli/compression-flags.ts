import type { CompressionFormat, CompressionOptions } from "../../core/copy/index.ts";

/** podman's compression flags, on `push` and `copy`. */
export const podmanCompressionFlags = {
  "compression-format": { type: "string" },
  "compression-level": { type: "string" },
  "force-compression": { type: "boolean" },
} as const;

/** skopeo's compression flags, on `copy`. */
export const skopeoCompressionFlags = {
  "dest-compress": { type: "boolean" },
  "dest-compress-format": { type: "string" },
  "dest-compress-level": { type: "string" },
  "dest-decompress": { type: "boolean" },
} as const;

/** Help lines, the flags aligned at `column`. */
const helpLines =
  (rows: ReadonlyArray<readonly [string, string]>) =>
  (column: number): string =>
    rows.map(([flag, text]) => `      ${`${flag} `.padEnd(column)}${text}\n`).join("");

/** Help lines for podman's compression flags, aligned at `column`. */
export const podmanCompressionHelp = helpLines([
  ["--compression-format gzip|zstd", "Compress layers in this format (default gzip for uncompressed layers; recompresses others)"],
  ["--compression-level N", "Compression level (gzip 1-9, default 3; zstd 1-19, default 3)"],
  ["--force-compression", "Recompress layers compressed in another format"],
]);

/** Help lines for skopeo's compression flags, aligned at `column`. */
export const skopeoCompressionHelp = helpLines([
  ["--dest-compress", "Compress uncompressed layers even where the destination keeps them as they are"],
  ["--dest-compress-format gzip|zstd", "The format for --dest-compress"],
  ["--dest-compress-level N", "The level for --dest-compress"],
  ["--dest-decompress", "Write every layer uncompressed"],
]);

const formatOf = (value: unknown, flag: string): CompressionFormat | undefined | string => {
  if (value === undefined) return undefined;
  return value === "gzip" || value === "zstd" ? value : `--${flag} must be gzip or zstd, not "${String(value)}"`;
};

const levelOf = (value: unknown, flag: string): number | undefined | string => {
  if (value === undefined) return undefined;
  return typeof value === "string" && /^-?\d{1,3}$/.test(value) ? Number(value) : `--${flag} must be a number, not "${String(value)}"`;
};

/**
 * The compression asked for by either tool's flags (they may not be mixed),
 * or why the flags make no sense; `undefined` when none was given.
 */
export const compressionOptionsOf = (values: Readonly<Record<string, unknown>>): CompressionOptions | undefined | string => {
  const podman = Object.keys(podmanCompressionFlags).some((k) => values[k] !== undefined);
  const skopeo = Object.keys(skopeoCompressionFlags).some((k) => values[k] !== undefined);
  if (podman && skopeo) return "podman's --compression-* flags and skopeo's --dest-compress* flags cannot be mixed";
  const format = podman ? formatOf(values["compression-format"], "compression-format") : formatOf(values["dest-compress-format"], "dest-compress-format");
  if (typeof format === "string" && format !== "gzip" && format !== "zstd") return format;
  const level = podman ? levelOf(values["compression-level"], "compression-level") : levelOf(values["dest-compress-level"], "dest-compress-level");
  if (typeof level === "string") return level;
  if (!podman && !skopeo) return undefined;
  return {
    ...(format === undefined ? {} : { format }),
    ...(level === undefined ? {} : { level }),
    ...(values["force-compression"] === true ? { force: true } : {}),
    ...(values["dest-compress"] === true ? { compress: true } : {}),
    ...(values["dest-decompress"] === true ? { decompress: true } : {}),
  };
};
