/**
 * The YAML file `sync --src yaml` reads, as skopeo sync reads it: per
 * registry, the repositories to copy (`images`: a list of tags and digests,
 * empty for every tag; `images-by-tag-regex`: the tags a regular expression
 * finds), and how to reach the registry (`credentials`, `tls-verify`,
 * `cert-dir`). The parsed YAML passes this codec before anything is used.
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { decodeDocument } from "../codec.ts";
import { failure, type Failure } from "../failure.ts";
import { isTag, parseDigest, parseNormalizedNamed, type Reference } from "../reference/index.ts";

const isTagList = (u: unknown): u is ReadonlyArray<string> | null => u === null || (Array.isArray(u) && u.every((s) => typeof s === "string"));
/** A repository's tags and digests; empty or null for every tag. One codec, so that a wrong value is named as what the key wants. */
const tagList = new t.Type<ReadonlyArray<string> | null, unknown, unknown>("a list of tags and digests", isTagList, (u, c) => (isTagList(u) ? t.success(u) : t.failure(u, c)), (a) => a);

const registryEntry = t.partial(
  {
    images: t.record(t.string, tagList, "a table of repositories"),
    "images-by-tag-regex": t.record(t.string, t.string, "a table of regular expressions"),
    "images-by-semver": t.record(t.string, t.string, "a table of version constraints"),
    credentials: t.partial({ username: t.string, password: t.string }, "a table with username and password"),
    "tls-verify": t.boolean,
    "cert-dir": t.string,
  },
  "a registry table",
);

/** The file: registry name → what to copy from it. */
export const syncSourceFile = t.record(t.string, registryEntry, "a table of registries");
export type SyncSourceFile = t.TypeOf<typeof syncSourceFile>;

/** How to reach one registry of the file. */
export interface RegistryAccessOf {
  readonly tlsVerify?: boolean;
  readonly certDir?: string;
  readonly credentials?: { readonly username: string; readonly password: string };
}

/** One repository to copy from: every tag, the listed tags and digests, or the tags a pattern finds. */
export interface RepositoryWanted {
  readonly repository: Reference;
  readonly access: RegistryAccessOf;
  readonly wanted: { readonly kind: "all" } | { readonly kind: "list"; readonly refs: ReadonlyArray<Reference> } | { readonly kind: "pattern"; readonly pattern: RegExp; readonly source: string };
}

const repositoryOf = (registry: string, repo: string, where: string): E.Either<Failure, Reference> => {
  const parsed = parseNormalizedNamed(`${registry}/${repo}`);
  if (E.isLeft(parsed)) return E.left(failure("INVALID_CONFIG", `${where}: repository "${registry}/${repo}": ${parsed.left.message}`));
  if (parsed.right.tag !== undefined || parsed.right.digest !== undefined) return E.left(failure("INVALID_CONFIG", `${where}: "${registry}/${repo}" names an image, not a repository`));
  return E.right(parsed.right);
};

/**
 * What a parsed sync file asks for, in the file's order, or the first problem
 * with the place it is at (`FILE: key "reg.images.app": …`). Regular
 * expressions are JavaScript's (RE2's common syntax agrees), matched anywhere
 * in a tag as skopeo does; `images-by-semver` is refused.
 */
export const repositoriesOf =
  (where: string) =>
  (doc: unknown): E.Either<Failure, ReadonlyArray<RepositoryWanted>> => {
    const decoded = decodeDocument(syncSourceFile, where)(doc);
    if (E.isLeft(decoded)) return decoded;
    const out: RepositoryWanted[] = [];
    for (const [registry, entry] of Object.entries(decoded.right)) {
      const credentials = entry.credentials;
      if (credentials !== undefined && (credentials.username === undefined || credentials.password === undefined)) {
        return E.left(failure("INVALID_CONFIG", `${where}: key "${registry}.credentials": needs both username and password`));
      }
      const access: RegistryAccessOf = {
        ...(entry["tls-verify"] === undefined ? {} : { tlsVerify: entry["tls-verify"] }),
        ...(entry["cert-dir"] === undefined ? {} : { certDir: entry["cert-dir"] }),
        ...(credentials?.username === undefined || credentials.password === undefined ? {} : { credentials: { username: credentials.username, password: credentials.password } }),
      };
      if (entry["images-by-semver"] !== undefined && Object.keys(entry["images-by-semver"]).length > 0) {
        return E.left(failure("INVALID_CONFIG", `${where}: key "${registry}.images-by-semver": not supported; list the tags or use images-by-tag-regex`));
      }
      for (const [repo, list] of Object.entries(entry.images ?? {})) {
        const repository = repositoryOf(registry, repo, where);
        if (E.isLeft(repository)) return repository;
        if (list === null || list.length === 0) {
          out.push({ repository: repository.right, access, wanted: { kind: "all" } });
          continue;
        }
        const refs: Reference[] = [];
        for (const item of list) {
          if (isTag(item)) refs.push({ ...repository.right, tag: item });
          else if (E.isRight(parseDigest(item))) refs.push({ ...repository.right, digest: item });
          else return E.left(failure("INVALID_CONFIG", `${where}: key "${registry}.images.${repo}": "${item}" is neither a tag nor a digest`));
        }
        out.push({ repository: repository.right, access, wanted: { kind: "list", refs } });
      }
      for (const [repo, source] of Object.entries(entry["images-by-tag-regex"] ?? {})) {
        const repository = repositoryOf(registry, repo, where);
        if (E.isLeft(repository)) return repository;
        let pattern: RegExp;
        try {
          pattern = new RegExp(source, "u");
        } catch (e) {
          return E.left(failure("INVALID_CONFIG", `${where}: key "${registry}.images-by-tag-regex.${repo}": invalid regular expression: ${(e as Error).message}`));
        }
        out.push({ repository: repository.right, access, wanted: { kind: "pattern", pattern, source } });
      }
    }
    return E.right(out);
  };

/** The references of a repository a wish selects, from the repository's tags (in the registry's order). */
export const selectTags = (wanted: RepositoryWanted, tags: ReadonlyArray<string>): ReadonlyArray<Reference> => {
  const w = wanted.wanted;
  if (w.kind === "list") return w.refs;
  const chosen = w.kind === "all" ? tags : tags.filter((tag) => w.pattern.test(tag));
  return chosen.filter(isTag).map((tag) => ({ ...wanted.repository, tag }));
};
