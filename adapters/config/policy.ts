import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";
import { evaluate, parsePolicy, requirementsFor, type Policy, type PolicyTarget, type Requirement, type ScopeRules, type SignatureEvidence } from "../../core/policy/index.ts";
import type { StoredSignature } from "../../core/signature/index.ts";
import { verifySimpleSigning } from "../signature/gpg.ts";
import { loadPublicKeys, verifySigstore, type SigstoreSignature } from "../signature/sigstore.ts";
import type { HostEnvironment } from "./environment.ts";
import { isReadError, readConfigText } from "./read.ts";

/** How a command chose its policy, and which transports (with their scope rules) a policy may name. */
export interface PolicyOptions {
  /** `--signature-policy FILE`. */
  readonly signaturePolicy?: string;
  /** `--insecure-policy`: accept anything, without reading a file. */
  readonly insecurePolicy?: boolean;
  /** The transports a policy may name, as their plugins say (see {@link ScopeRules}). */
  readonly rules: ScopeRules;
}

/** A policy and the file it came from (`undefined` for `--insecure-policy`). */
export interface LoadedPolicy {
  readonly policy: Policy;
  readonly path: string | undefined;
}

/** Where policy.json is looked for, in order, when no file is given: the user's, then the system's. */
export const policyPaths = (host: HostEnvironment): ReadonlyArray<string> => {
  const system = host.env["BERTH_SYSTEM_CONFIG_DIR"];
  return [`${host.home}/.config/containers/policy.json`, `${system === undefined || system === "" ? "/etc/containers" : system}/policy.json`];
};

/**
 * Reads the signature policy as podman does: `--signature-policy FILE`, else
 * `~/.config/containers/policy.json` if it exists, else the system's. No file
 * at all is an error, never an implicit "accept anything".
 */
export const loadPolicy = async (host: HostEnvironment, options: PolicyOptions): Promise<E.Either<Failure, LoadedPolicy>> => {
  if (options.insecurePolicy === true) return E.right({ policy: { default: [{ type: "insecureAcceptAnything" }], transports: {} }, path: undefined });
  const candidates = options.signaturePolicy === undefined ? policyPaths(host) : [options.signaturePolicy];
  for (const path of candidates) {
    const text = await readConfigText(path);
    if (isReadError(text)) return E.left(text);
    if (text === undefined) {
      if (options.signaturePolicy !== undefined) return E.left(failure("CONFIG_NOT_FOUND", `${path}: no such signature policy file`));
      continue;
    }
    const policy = parsePolicy(path, options.rules)(text);
    return E.isLeft(policy) ? policy : E.right({ policy: policy.right, path });
  }
  return E.left(
    failure("CONFIG_NOT_FOUND", `no signature policy: none of ${candidates.join(", ")} exists; give --signature-policy FILE, or --insecure-policy to accept any image`),
  );
};

/** What the policy is asked about: the source of a copy as its transport identifies it, and its name as shown in messages. */
export interface PolicySubject extends PolicyTarget {
  readonly shown: string;
}

/** Where the signatures of the image being judged can be read. */
export interface SignatureSources {
  /** Sigstore attachments, when registries.d enables them for the image's registry. */
  readonly sigstore?: (manifestDigest: string) => Promise<E.Either<Failure, ReadonlyArray<SigstoreSignature>>>;
  /** GPG simple signatures (from a lookaside store). */
  readonly simple?: (manifestDigest: string) => Promise<E.Either<Failure, ReadonlyArray<Uint8Array>>>;
}

/** Reads the signatures stored for a manifest digest. */
export type SignatureReader = (manifestDigest: string) => Promise<E.Either<Failure, ReadonlyArray<StoredSignature>>>;

/** The signature sources over a transport's reader (none when it keeps no signatures), read once and split by kind. */
export const signatureSourcesOf = (read: SignatureReader | undefined): SignatureSources => (read === undefined ? {} : splitSignatures(read, true));

/** Sources over one reader of stored signatures, read once and split by kind; sigstore only where `withSigstore`. */
export const splitSignatures = (read: SignatureReader, withSigstore: boolean): SignatureSources => {
  let cached: Promise<E.Either<Failure, ReadonlyArray<StoredSignature>>> | undefined;
  const all = (digest: string) => (cached ??= read(digest));
  return {
    simple: async (digest) => {
      const r = await all(digest);
      return E.isLeft(r) ? r : E.right(r.right.flatMap((s) => (s.kind === "simple" ? [s.bytes] : [])));
    },
    ...(withSigstore
      ? {
          sigstore: async (digest: string) => {
            const r = await all(digest);
            return E.isLeft(r) ? r : E.right(r.right.flatMap((s) => (s.kind === "sigstore" ? [{ payload: s.payload, signature: s.signature }] : [])));
          },
        }
      : {}),
  };
};

/** What the adapters found for each requirement: verified claims, or why each signature was refused. */
const gatherEvidence = async (requirements: ReadonlyArray<Requirement>, sources: SignatureSources, manifestDigest: string): Promise<SignatureEvidence[]> => {
  let sigstore: Promise<E.Either<Failure, ReadonlyArray<SigstoreSignature>>> | undefined;
  let simple: Promise<E.Either<Failure, ReadonlyArray<Uint8Array>>> | undefined;
  const out: SignatureEvidence[] = [];
  for (const r of requirements) {
    if (r.type === "signedBy") {
      if (sources.simple === undefined) {
        out.push({ verified: [], refused: ["a signature was required, but this transport has no signature store berth reads"] });
        continue;
      }
      simple ??= sources.simple(manifestDigest);
      const found = await simple;
      out.push(E.isLeft(found) ? { verified: [], refused: [`reading signatures: ${found.left.message}`] } : await verifySimpleSigning(r.keys, found.right));
      continue;
    }
    if (r.type !== "sigstoreSigned" || r.keys === undefined) {
      out.push({ verified: [], refused: [] });
      continue;
    }
    if (sources.sigstore === undefined) {
      out.push({ verified: [], refused: ["a signature was required, but sigstore attachments are not enabled for this registry (use-sigstore-attachments in registries.d)"] });
      continue;
    }
    sigstore ??= sources.sigstore(manifestDigest);
    const found = await sigstore;
    if (E.isLeft(found)) {
      out.push({ verified: [], refused: [`reading signatures: ${found.left.message}`] });
      continue;
    }
    const keys = await loadPublicKeys(r.keys);
    out.push(E.isLeft(keys) ? { verified: [], refused: [keys.left.message] } : verifySigstore(keys.right, found.right));
  }
  return out;
};

/**
 * The check the copy engine runs on a source's manifest before anything is
 * written: the policy's decision for that image, or a rejection naming why
 * (podman's "Source image rejected: …"). Sigstore signatures are read from
 * `sources` only when a requirement asks for them.
 */
export const policyCheck =
  (loaded: LoadedPolicy, subject: PolicySubject, sources: SignatureSources = {}) =>
  async (manifestDigest: string): Promise<E.Either<Failure, void>> => {
    const applicable = requirementsFor(subject)(loaded.policy);
    const evidence = await gatherEvidence(applicable.requirements, sources, manifestDigest);
    const decision = evaluate(applicable, { shown: subject.shown, ...(subject.reference === undefined ? {} : { reference: subject.reference }), manifestDigest }, evidence);
    if (decision.accepted) return E.right(undefined);
    const reasons = decision.reasons.filter((r) => !r.startsWith("insecureAcceptAnything") && !r.endsWith("a signature verified"));
    return E.left(failure("POLICY_REJECTED", `Source image rejected: ${reasons.join("; ")}`));
  };
