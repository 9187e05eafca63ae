import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import type { ManifestFormat } from "../../core/manifest/index.ts";
import { parseNormalizedNamed, repositoryName, tagNameOnly } from "../../core/reference/index.ts";
import { pullSources } from "../../core/registries/index.ts";
import { registryClient } from "../../plugins/docker/registry.ts";
import { registryDestination } from "../../plugins/docker/transport.ts";
import { storeSource } from "../../plugins/store/transport.ts";
import { credentialsFor, type Credentials } from "../config/auth.ts";
import { policyCheck, type LoadedPolicy } from "../config/policy.ts";
import { copyImage, type CopyEvent, type CopyResult } from "../copy/engine.ts";
import { httpClient } from "../http/client.ts";
import type { Signer } from "../signature/signer.ts";
import { signPushed } from "../../plugins/docker/signature-store.ts";
import { readState } from "../store/store.ts";
import type { Session } from "./session.ts";

/** Pushing one image of the store to a registry. */
export interface PushRequest {
  /** The image, by name or ID. */
  readonly image: string;
  /** Where to (`[docker://]NAME`); default the name the image was found by. */
  readonly destination?: string;
  /** `false` allows plain HTTP and unverified TLS; unset follows registries.conf. */
  readonly tlsVerify?: boolean;
  readonly creds?: Credentials;
  readonly authFile?: string;
  readonly caFor: (hostPort: string) => Promise<ReadonlyArray<string>>;
  readonly format?: ManifestFormat;
  readonly signer?: Signer;
  readonly registriesD?: string;
  readonly onEvent?: (e: CopyEvent) => void;
  /** Called just before signing, so a CLI can say so. */
  readonly onSigning?: () => void;
  readonly signal?: AbortSignal;
}

/**
 * Pushes an image of the store as `podman push`: the destination defaults to
 * the name it was found by, blobs the registry already has under another of
 * the image's repositories are mounted instead of uploaded, the policy judges
 * the image (as `containers-storage`), and the result is signed if asked.
 */
export const pushImage = async (session: Session, policy: LoadedPolicy, req: PushRequest): Promise<E.Either<Failure, CopyResult>> => {
  const state = await readState(session.store);
  if (E.isLeft(state)) return state;
  const found = session.lookup(req.image, state.right.images);
  if (E.isLeft(found)) return found;
  const target = (req.destination ?? found.right.name ?? req.image).replace(/^docker:\/\//, "");
  const ref = parseNormalizedNamed(target);
  if (E.isLeft(ref)) return E.left(failure("INVALID_REFERENCE", `"${target}": ${ref.left.message}`));
  const dest = tagNameOnly(ref.right);
  const sources = pullSources(session.config)(dest);
  if (E.isLeft(sources)) return sources;
  const insecureByConfig = sources.right[sources.right.length - 1]?.insecure ?? false;
  const creds = req.creds === undefined ? await credentialsFor(session.host, repositoryName(dest), req.authFile === undefined ? {} : { authFile: req.authFile }) : E.right(req.creds);
  if (E.isLeft(creds)) return creds;
  const http = httpClient({ insecureSkipVerify: req.tlsVerify === false, caFor: req.caFor }, req.signal, session.timeouts);
  try {
    const ctx = { http, ...(creds.right === undefined ? {} : { credentials: creds.right }) };
    const insecure = req.tlsVerify === false || (req.tlsVerify === undefined && insecureByConfig);
    const r = await copyImage(storeSource(session.store, found.right.image), registryDestination(dest, ctx, insecure), {
      platform: { os: found.right.image.os, architecture: found.right.image.architecture },
      ...(req.signal === undefined ? {} : { signal: req.signal }),
      ...(req.onEvent === undefined ? {} : { onEvent: req.onEvent }),
      ...(req.format === undefined ? {} : { format: req.format }),
      allow: policyCheck(policy, { transport: "containers-storage", shown: `store:${req.image}` }),
    });
    if (E.isLeft(r) || req.signer === undefined) return r;
    req.onSigning?.();
    const signed = await signPushed(session.host, req.signer, dest, r.right.manifestDigest, () => registryClient({ registry: dest.domain, repository: dest.path, insecure }, ctx, true), req.registriesD);
    return E.isLeft(signed) ? signed : r;
  } finally {
    await http.close();
  }
};
