import { printable } from "../text.ts";
import type { Reference } from "../reference/index.ts";
import type { Policy, Requirement } from "./document.ts";
import { identityMatches } from "./identity.ts";
import type { PolicyTarget } from "./scopes.ts";

/** The requirements that apply to an image, and the scope they came from (`""` for the transport's default, `default` for the global one). */
export interface ApplicableRequirements {
  readonly transport: string;
  readonly scope: string;
  readonly requirements: ReadonlyArray<Requirement>;
}

/**
 * Looks up the most specific scope with requirements for the image: its
 * identity, its namespaces, the transport default, the global default.
 * Only that scope's requirements apply; more general ones are ignored.
 */
export const requirementsFor =
  (target: PolicyTarget) =>
  (policy: Policy): ApplicableRequirements => {
    const table = Object.prototype.hasOwnProperty.call(policy.transports, target.transport) ? policy.transports[target.transport] : undefined;
    if (table !== undefined) {
      for (const scope of [...target.scopes, ""]) {
        if (Object.prototype.hasOwnProperty.call(table, scope)) {
          const requirements = table[scope];
          if (requirements !== undefined) return { transport: target.transport, scope, requirements };
        }
      }
    }
    return { transport: target.transport, scope: "default", requirements: policy.default };
  };

/** A signature whose cryptography checked out against a requirement's keys, and what it claims. */
export interface VerifiedSignature {
  /** The `docker-reference` the signature claims. */
  readonly dockerReference: string;
  /** The `docker-manifest-digest` it claims. */
  readonly manifestDigest: string;
}

/** For one signing requirement: the signatures that verified with its keys, and why the others did not. */
export interface SignatureEvidence {
  readonly verified: ReadonlyArray<VerifiedSignature>;
  readonly refused: ReadonlyArray<string>;
}

/** The image being decided on. */
export interface PolicyImage {
  /** How it is shown in messages, e.g. `docker://quay.io/a/b:1`. */
  readonly shown: string;
  /** Its registry identity, if its transport has one. */
  readonly reference?: Reference;
  /** The digest of the manifest as read (what signatures sign). */
  readonly manifestDigest: string;
}

/** Accepted or rejected, with one reason per requirement. */
export interface Decision {
  readonly accepted: boolean;
  readonly reasons: ReadonlyArray<string>;
}

/**
 * Decides on an image: every requirement must be satisfied. A signing
 * requirement is satisfied by at least one signature that verified with its
 * keys, signs this manifest digest, and claims an identity its
 * `signedIdentity` accepts. `evidence[i]` is what the adapter found for
 * `requirements[i]` (ignored for the others).
 */
export const evaluate = (applicable: ApplicableRequirements, image: PolicyImage, evidence: ReadonlyArray<SignatureEvidence | undefined>): Decision => {
  const reasons: string[] = [];
  let accepted = true;
  for (const [i, req] of applicable.requirements.entries()) {
    switch (req.type) {
      case "insecureAcceptAnything":
        reasons.push("insecureAcceptAnything: accepted without checks");
        break;
      case "reject":
        accepted = false;
        reasons.push(`Running image ${image.shown} is rejected by policy.`);
        break;
      case "signedBy":
      case "sigstoreSigned": {
        if (req.type === "sigstoreSigned" && req.unsupported !== undefined) {
          accepted = false;
          reasons.push(`${req.type}: ${req.unsupported}`);
          break;
        }
        const found = evidence[i] ?? { verified: [], refused: [] };
        const matches = identityMatches(req.signedIdentity);
        const why: string[] = [...found.refused];
        const ok = found.verified.some((s) => {
          if (s.manifestDigest !== image.manifestDigest) {
            why.push(`a signature is for manifest ${printable(s.manifestDigest)}, not ${image.manifestDigest}`);
            return false;
          }
          if (!matches(image.reference, s.dockerReference)) {
            why.push(`a signature claims identity "${printable(s.dockerReference)}", which ${req.signedIdentity.type} does not accept`);
            return false;
          }
          return true;
        });
        if (ok) reasons.push(`${req.type}: a signature verified`);
        else {
          accepted = false;
          reasons.push(why.length === 0 ? `${req.type}: a signature was required, but no signature exists` : `${req.type}: ${why.join("; ")}`);
        }
        break;
      }
    }
  }
  return { accepted, reasons };
};
