/**
 * Where `sync` puts each image, as skopeo sync names it: the source image's
 * name (or, from a directory, its path under the source directory) appended
 * to the destination, only its last part unless scoped, then the suffix.
 */
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../failure.ts";
import { parseNormalizedNamed, referenceString, type Reference } from "../reference/index.ts";

/** skopeo sync's `--src`: a registry repository (or one image), a directory of `dir:` images, or a YAML file naming images. */
export type SyncSourceKind = "docker" | "dir" | "yaml";
/** skopeo sync's `--dest`. */
export type SyncDestinationKind = "docker" | "dir";

/** One image a sync source holds. */
export type SourceImage =
  /** An image in a registry, by tag or digest. */
  | { readonly kind: "docker"; readonly ref: Reference }
  /** A `dir:` image at `path`, found under the source directory `base`. */
  | { readonly kind: "dir"; readonly path: string; readonly base: string };

/** How destination names are made. */
export interface Naming {
  readonly kind: SyncDestinationKind;
  /** A registry (and namespace) or a directory. */
  readonly destination: string;
  /** Keep the source's whole name (registry included) under the destination, not only its last part. */
  readonly scoped: boolean;
  /** Appended to every destination name (a registry tag suffix: `1.0` → `1.0-mirror`). */
  readonly appendSuffix: string;
}

/** Path joining as Go's `path.Join`: empty parts dropped, `.` and `..` resolved, slashes collapsed. */
export const joinPath = (...parts: ReadonlyArray<string>): string => {
  const joined = parts.filter((p) => p !== "").join("/");
  if (joined === "") return "";
  const absolute = joined.startsWith("/");
  const out: string[] = [];
  for (const seg of joined.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(seg);
  }
  const body = out.join("/");
  return absolute ? `/${body}` : body === "" ? "." : body;
};

/** The last element of a path, as Go's `path.Base`. */
export const basePath = (p: string): string => {
  const trimmed = p.replace(/\/+$/, "");
  if (trimmed === "") return p === "" ? "." : "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
};

/** The transport-qualified name an image of the source is written to, or why it cannot be. */
export const destinationOf =
  (naming: Naming) =>
  (image: SourceImage): E.Either<Failure, string> => {
    let suffix: string;
    if (image.kind === "docker") suffix = referenceString(image.ref);
    else {
      const rel = image.path.startsWith(image.base) ? image.path.slice(image.base.length) : image.path;
      suffix = rel === "" || rel === "/" ? basePath(image.base) : rel;
    }
    if (!naming.scoped) suffix = basePath(suffix);
    const name = joinPath(naming.destination, suffix) + naming.appendSuffix;
    if (naming.kind === "dir") return E.right(`dir:${name}`);
    const parsed = parseNormalizedNamed(name);
    if (E.isLeft(parsed)) return E.left(failure("INVALID_REFERENCE", `destination "${name}": ${parsed.left.message}`));
    return E.right(`docker://${name}`);
  };
