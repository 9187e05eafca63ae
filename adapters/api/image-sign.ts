/**
 * podman's `image sign`: GPG simple signatures of images in a registry (their
 * manifests are read from it), written to a lookaside directory: `--directory`,
 * else where registries.d stages signatures for the registry.
 */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { parseManifest } from "../../core/manifest/index.ts";
import { parseNormalizedNamed, referenceString, tagNameOnly } from "../../core/reference/index.ts";
import { lookasideWriteBase, signIntoLookaside } from "../../plugins/docker/signature-store.ts";
import type { BerthContext, RegistryAccess } from "./context.ts";
import { remoteManifest, withRemote } from "./remote.ts";

/** `image sign`'s options. */
export interface SignImageOptions {
  /** The GPG key (fingerprint or user ID) of the user's keyring. */
  readonly signBy: string;
  readonly passphraseFile?: string;
  /** A lookaside directory to write to, which must exist (default: registries.d's). */
  readonly directory?: string;
  /** For an index: every image of it too, not only the index. */
  readonly all?: boolean;
}

/** Signs `name` (`docker://NAME`), and with `all` every image of its index; gives the digests signed. */
export const signRegistryImage = async (ctx: BerthContext, name: string, access: RegistryAccess, o: SignImageOptions): Promise<E.Either<Failure, ReadonlyArray<string>>> => {
  if (!name.startsWith("docker://")) return E.left(failure("INVALID_IMAGE_NAME", `Invalid image name "${name}", expected colon-separated transport:reference (docker://NAME)`));
  const parsed = parseNormalizedNamed(name.slice("docker://".length));
  if (E.isLeft(parsed)) return E.left(failure("INVALID_REFERENCE", `"${name}": ${parsed.left.message}`));
  const ref = tagNameOnly(parsed.right);
  let base: E.Either<Failure, string>;
  if (o.directory !== undefined) {
    const dir = resolve(o.directory);
    const s = await stat(dir).catch(() => undefined);
    if (s === undefined || !s.isDirectory()) return E.left(failure("SIGNATURE_WRITE", `${o.directory}: no such directory (image sign writes into an existing one)`));
    base = E.right(pathToFileURL(dir).toString());
  } else base = await lookasideWriteBase(ctx.host, ref, ctx.options.registriesD);
  if (E.isLeft(base)) return base;
  const digests = await withRemote(ctx, name, access, false, async (r) => {
    const m = await remoteManifest(r);
    if (E.isLeft(m)) return m;
    if (o.all !== true) return E.right([m.right.digest]);
    const doc = parseManifest(m.right.bytes, m.right.mediaType, name);
    if (E.isLeft(doc)) return doc;
    return E.right([m.right.digest, ...(doc.right.kind === "index" ? doc.right.index.manifests.map((d) => d.digest) : [])]);
  });
  if (E.isLeft(digests)) return digests;
  const signer = { fingerprint: o.signBy, ...(o.passphraseFile === undefined ? {} : { passphraseFile: o.passphraseFile }) };
  for (const digest of digests.right) {
    const signed = await signIntoLookaside(base.right, signer, ref, { dockerReference: referenceString(ref), manifestDigest: digest });
    if (E.isLeft(signed)) return signed;
  }
  return E.right(digests.right);
};
