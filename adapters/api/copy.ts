import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import type { ManifestFormat, Platform } from "../../core/manifest/index.ts";
import { repositoryName } from "../../core/reference/index.ts";
import { parseImageName } from "../../core/transport/index.ts";
import type { BuiltinContext } from "../../plugins/builtin-context.ts";
import type { BuiltinReference } from "../../plugins/builtin.ts";
import type { ImageDestination, ImageSource, TransportPlugin } from "../../plugins/contract.ts";
import { registryClient } from "../../plugins/docker/registry.ts";
import { credentialsFor, type Credentials } from "../config/auth.ts";
import { policyCheck, signatureSourcesOf, type LoadedPolicy, type PolicySubject } from "../config/policy.ts";
import { copyImage, type CopyEvent, type CopyResult } from "../copy/engine.ts";
import { registryCas } from "../http/certs.ts";
import { httpClient } from "../http/client.ts";
import { hostArchitecture } from "../platform.ts";
import type { Signer } from "../signature/signer.ts";
import { signPushed } from "../../plugins/docker/signature-store.ts";
import type { Session } from "./session.ts";

/** A copy between two transport-qualified names, with what each side needs. */
export interface CopyRequest {
  /** e.g. `docker://quay.io/team/app:1`, `oci:DIR:NAME`, `store:NAME`. */
  readonly source: string;
  readonly destination: string;
  /** `false` allows plain HTTP and unverified TLS on that side. */
  readonly srcTlsVerify?: boolean;
  readonly destTlsVerify?: boolean;
  readonly srcCreds?: Credentials;
  readonly destCreds?: Credentials;
  /** Extra CA certificates for that side (else certs.d). */
  readonly srcCertDir?: string;
  readonly destCertDir?: string;
  /** Which image of an index (default: this machine's). */
  readonly platform?: Platform;
  /** Every image of an index, and the index itself. */
  readonly all?: boolean;
  readonly format?: ManifestFormat;
  readonly preserveDigests?: boolean;
  readonly removeSignatures?: boolean;
  /** Sign what was written (docker:// destinations). */
  readonly signer?: Signer;
  /** `--registries.d DIR`. */
  readonly registriesD?: string;
  readonly onEvent?: (e: CopyEvent) => void;
  readonly signal?: AbortSignal;
}

/** Opens one side of a copy through the transport's plugin, looked up by name: a new transport needs no change here. */
const open = async <K extends "openSource" | "openDestination">(
  kind: K,
  text: string,
  ctx: BuiltinContext,
  plugins: ReadonlyArray<TransportPlugin<BuiltinReference, BuiltinContext>>,
): Promise<E.Either<Failure, K extends "openSource" ? ImageSource : ImageDestination>> => {
  const name = parseImageName(text, plugins);
  if (E.isLeft(name)) return name;
  const plugin = plugins.find((p) => p.name === name.right.transport);
  const opener = plugin?.[kind] as ((r: BuiltinReference, c: BuiltinContext) => Promise<E.Either<Failure, K extends "openSource" ? ImageSource : ImageDestination>>) | undefined;
  if (opener === undefined) {
    return E.left(failure("UNSUPPORTED_TRANSPORT", `copying ${kind === "openSource" ? "from" : "to"} ${name.right.transport}: is not supported yet`));
  }
  return opener(name.right.reference, ctx);
};

/** What the signature policy is asked about for a name (store images are `containers-storage` to policy.json, as podman's are). */
export const policySubject = (text: string, plugins: ReadonlyArray<TransportPlugin<BuiltinReference, BuiltinContext>>): PolicySubject => {
  const name = parseImageName(text, plugins);
  if (E.isLeft(name)) return { transport: "", shown: text };
  const { transport, reference } = name.right;
  if (transport === "docker" && "reference" in reference) return { transport: "docker", reference: reference.reference, shown: text };
  if ((transport === "oci" || transport === "oci-archive" || transport === "dir") && "path" in reference) {
    const named = "name" in reference && typeof reference.name === "string" ? { name: reference.name } : {};
    return { transport, path: reference.path, ...named, shown: text };
  }
  return { transport: transport === "store" ? "containers-storage" : transport, shown: text };
};

/**
 * Copies one image (or a whole index) between any two transports, as
 * `skopeo copy`: both sides opened through their plugins, the signature
 * policy asked before anything is written, signatures carried where both
 * sides keep them, and the result signed if asked.
 */
export const copyByName = async (
  session: Session,
  policy: LoadedPolicy,
  plugins: ReadonlyArray<TransportPlugin<BuiltinReference, BuiltinContext>>,
  req: CopyRequest,
): Promise<E.Either<Failure, CopyResult>> => {
  const target = policySubject(req.destination, plugins);
  const destRef = target.transport === "docker" && "reference" in target ? target.reference : undefined;
  if (req.signer !== undefined && destRef === undefined) return E.left(failure("UNSUPPORTED", "signing is supported only when copying to docker://"));
  const srcHttp = httpClient({ insecureSkipVerify: req.srcTlsVerify === false, caFor: registryCas(session.host, req.srcCertDir) }, req.signal, session.timeouts);
  const destHttp = httpClient({ insecureSkipVerify: req.destTlsVerify === false, caFor: registryCas(session.host, req.destCertDir) }, req.signal, session.timeouts);
  try {
    const side = { host: session.host, store: session.store, lookup: session.lookup, ...(req.registriesD === undefined ? {} : { registriesD: req.registriesD }) };
    const source = await open("openSource", req.source, { ...side, http: srcHttp, tlsVerify: req.srcTlsVerify, creds: req.srcCreds }, plugins);
    if (E.isLeft(source)) return source;
    const destination = await open("openDestination", req.destination, { ...side, http: destHttp, tlsVerify: req.destTlsVerify, creds: req.destCreds }, plugins);
    if (E.isLeft(destination)) return destination;
    // Signatures come from where the source keeps them (registries.d for docker://, signature-N files for dir:).
    const r = await copyImage(source.right, destination.right, {
      platform: req.platform ?? { os: "linux", architecture: hostArchitecture() },
      ...(req.signal === undefined ? {} : { signal: req.signal }),
      ...(req.onEvent === undefined ? {} : { onEvent: req.onEvent }),
      all: req.all === true,
      preserveDigests: req.preserveDigests === true,
      removeSignatures: req.removeSignatures === true,
      ...(req.format === undefined ? {} : { format: req.format }),
      allow: policyCheck(policy, policySubject(req.source, plugins), signatureSourcesOf(source.right.signatures)),
    });
    if (E.isLeft(r)) return r;
    if (req.signer !== undefined && destRef !== undefined) {
      const found = req.destCreds === undefined ? await credentialsFor(session.host, repositoryName(destRef)) : E.right(req.destCreds);
      if (E.isLeft(found)) return found;
      const ctx = { http: destHttp, ...(found.right === undefined ? {} : { credentials: found.right }) };
      const signed = await signPushed(session.host, req.signer, destRef, r.right.manifestDigest, () => registryClient({ registry: destRef.domain, repository: destRef.path, insecure: req.destTlsVerify === false }, ctx, true), req.registriesD);
      if (E.isLeft(signed)) return signed;
    }
    return r;
  } finally {
    await srcHttp.close();
    await destHttp.close();
  }
};
