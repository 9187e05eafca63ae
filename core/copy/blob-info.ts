import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import * as t from "io-ts";
import { digestCodec, sizeCodec, type Descriptor } from "../manifest/index.ts";
import type { Digest } from "../reference/index.ts";
import type { LayerCompression } from "./compression.ts";
import type { Counterpart, Location } from "./plan.ts";

/**
 * What the blob-info cache knows of one blob, as containers/image's cache
 * knows it: the uncompressed blob it is a compression of, the compressions
 * made of it, and where in registries it was seen.
 */
export interface BlobInfoEntry {
  readonly uncompressed?: Digest;
  readonly variants?: ReadonlyArray<Descriptor & { readonly compression: LayerCompression }>;
  readonly locations?: ReadonlyArray<Location>;
}

const compressionCodec = t.keyof({ none: null, gzip: null, zstd: null }, "a compression");
const locationCodec = t.type({ registry: t.string, repository: t.string }, "a location");

/** The document of one blob's entry, as read back from disk. */
export const blobInfoEntry: t.Decoder<unknown, BlobInfoEntry> = t.partial(
  {
    uncompressed: digestCodec,
    variants: t.readonlyArray(t.type({ mediaType: t.string, digest: digestCodec, size: sizeCodec, compression: compressionCodec })),
    locations: t.readonlyArray(locationCodec),
  },
  "a blob-info entry",
);

/** An entry from untrusted JSON: anything that is not one is an empty entry (a lost entry only costs work). */
export const decodeBlobInfo = (value: unknown): BlobInfoEntry =>
  pipe(
    blobInfoEntry.decode(value),
    E.getOrElse((): BlobInfoEntry => ({})),
  );

/** How many of each list an entry keeps: the newest. */
export const blobInfoLimits = { variants: 8, locations: 16 } as const;

const sameLocation = (a: Location, b: Location): boolean => a.registry === b.registry && a.repository === b.repository;

/** The entry with a place where the blob was seen, newest first. */
export const withLocation =
  (at: Location) =>
  (entry: BlobInfoEntry): BlobInfoEntry => ({
    ...entry,
    locations: [at, ...(entry.locations ?? []).filter((l) => !sameLocation(l, at))].slice(0, blobInfoLimits.locations),
  });

/** The entry of an uncompressed blob with a compression of it, newest first. */
export const withVariant =
  (variant: Descriptor & { readonly compression: LayerCompression }) =>
  (entry: BlobInfoEntry): BlobInfoEntry => ({
    ...entry,
    variants: [{ mediaType: variant.mediaType, digest: variant.digest, size: variant.size, compression: variant.compression }, ...(entry.variants ?? []).filter((v) => v.digest !== variant.digest)].slice(
      0,
      blobInfoLimits.variants,
    ),
  });

/**
 * The counterparts of `digest`: the other compressions of its uncompressed
 * content (found through `uncompressed` when it is itself a compression),
 * each with where it was seen. `read` gives any blob's entry.
 */
export const counterpartsOf = (digest: string, read: (digest: string) => BlobInfoEntry): ReadonlyArray<Counterpart> => {
  const own = read(digest);
  const base = own.uncompressed ?? digest;
  const of = base === digest ? own : read(base);
  return (of.variants ?? [])
    .filter((v) => v.digest !== digest)
    .map((v) => ({ descriptor: { mediaType: v.mediaType, digest: v.digest, size: v.size }, compression: v.compression, locations: read(v.digest).locations ?? [] }));
};
