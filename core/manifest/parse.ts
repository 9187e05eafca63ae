import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { decodeDocument } from "../codec.ts";
import { failure, type Failure } from "../failure.ts";
import { descriptor, imageManifest, type ImageManifest } from "./documents.ts";
import { mediaTypes } from "./media-types.ts";

/** Largest manifest berth reads: upstream registries cap them at 4 MiB. */
export const maxManifestBytes = 4 * 1024 * 1024;

const platform = t.intersection([t.type({ architecture: t.string, os: t.string }), t.partial({ variant: t.string, "os.version": t.string })], "a platform");

/** An image index (OCI) or manifest list (Docker). */
export const imageIndex = t.intersection(
  [
    t.type({ schemaVersion: t.literal(2), manifests: t.array(t.intersection([descriptor, t.partial({ platform })])) }),
    t.partial({ mediaType: t.string, annotations: t.record(t.string, t.string) }),
  ],
  "an image index",
);
/** An image index. */
export type ImageIndex = t.TypeOf<typeof imageIndex>;
/** An entry of an index, with its platform if it says one. */
export type IndexEntry = ImageIndex["manifests"][number];

/** A parsed manifest: one image, or an index of images. */
export type ParsedManifest =
  | { readonly kind: "image"; readonly mediaType: string; readonly manifest: ImageManifest }
  | { readonly kind: "index"; readonly mediaType: string; readonly index: ImageIndex };

const isIndexType = (m: string): boolean => m === mediaTypes.ociIndex || m === mediaTypes.dockerManifestList;
const isImageType = (m: string): boolean => m === mediaTypes.ociManifest || m === mediaTypes.dockerManifest;

/**
 * Reads manifest bytes as the media type says (or, without one, as the
 * document's fields say). Schema 1 is refused, and so is a document that is
 * both an image and an index (an ambiguity attackers use).
 */
export const parseManifest = (bytes: Uint8Array, declaredType: string, where: string): E.Either<Failure, ParsedManifest> => {
  if (bytes.byteLength > maxManifestBytes) return E.left(failure("MANIFEST_TOO_LARGE", `${where}: manifest is larger than ${maxManifestBytes} bytes`));
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    return E.left(failure("INVALID_MANIFEST", `${where}: manifest is not valid JSON: ${(e as Error).message}`));
  }
  if (typeof doc !== "object" || doc === null) return E.left(failure("INVALID_MANIFEST", `${where}: manifest is not a JSON object`));
  const d = doc as Record<string, unknown>;
  if (d["schemaVersion"] === 1 || declaredType.includes("signed+json") || declaredType === "application/vnd.docker.distribution.manifest.v1+json") {
    return E.left(failure("UNSUPPORTED_MANIFEST", `${where}: Docker schema 1 manifests are not supported; push the image again with a current client`));
  }
  const hasLayers = "layers" in d || "config" in d;
  const hasManifests = "manifests" in d;
  if (hasLayers && hasManifests) return E.left(failure("INVALID_MANIFEST", `${where}: document is both an image manifest and an index`));
  const inner = typeof d["mediaType"] === "string" ? (d["mediaType"] as string) : undefined;
  const mediaType = declaredType !== "" && declaredType !== "application/json" ? declaredType : (inner ?? (hasManifests ? mediaTypes.ociIndex : mediaTypes.ociManifest));
  if (inner !== undefined && inner !== mediaType) return E.left(failure("INVALID_MANIFEST", `${where}: served as ${mediaType} but says it is ${inner}`));
  if (isIndexType(mediaType)) {
    const r = decodeDocument(imageIndex, where)(doc);
    return E.isLeft(r) ? E.left(failure("INVALID_MANIFEST", r.left.message)) : E.right({ kind: "index", mediaType, index: r.right });
  }
  if (isImageType(mediaType)) {
    const r = decodeDocument(imageManifest, where)(doc);
    return E.isLeft(r) ? E.left(failure("INVALID_MANIFEST", r.left.message)) : E.right({ kind: "image", mediaType, manifest: r.right });
  }
  return E.left(failure("UNSUPPORTED_MANIFEST", `${where}: unsupported manifest type "${mediaType}"`));
};

/** A platform as the user gives it: `os/arch[/variant]`. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** `linux/arm64/v8` → a {@link Platform}; `undefined` when malformed. */
export const parsePlatform = (s: string): Platform | undefined => {
  const [os, architecture, variant, ...rest] = s.split("/");
  if (os === undefined || os === "" || architecture === undefined || architecture === "" || rest.length > 0) return undefined;
  return variant === undefined || variant === "" ? { os, architecture } : { os, architecture, variant };
};

/** Variants an arm machine of `variant` can run, best first (v8 runs v7 runs v6 runs v5). */
const compatibleVariants = (architecture: string, variant: string | undefined): ReadonlyArray<string | undefined> => {
  if (architecture === "arm64") return variant === undefined || variant === "v8" ? [variant, "v8", undefined] : [variant, undefined];
  if (architecture !== "arm") return [variant, undefined];
  const order = ["v8", "v7", "v6", "v5"];
  const from = variant === undefined ? 1 : Math.max(0, order.indexOf(variant));
  return [...order.slice(from), undefined];
};

/**
 * The entry of an index for `want`: same os and architecture, the best
 * compatible variant; entries without a platform come last.
 */
export const choosePlatform = (index: ImageIndex, want: Platform): IndexEntry | undefined => {
  const candidates = index.manifests.filter((m) => m.platform?.os === want.os && m.platform.architecture === want.architecture);
  for (const v of compatibleVariants(want.architecture, want.variant)) {
    const hit = candidates.find((m) => m.platform?.variant === v || (v === undefined && m.platform?.variant === undefined));
    if (hit !== undefined) return hit;
  }
  return candidates[0] ?? index.manifests.find((m) => m.platform === undefined);
};
