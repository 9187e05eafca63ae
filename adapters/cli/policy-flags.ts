import type * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../../core/failure.ts";
import type { HostEnvironment } from "../config/environment.ts";
import { loadPolicy, type LoadedPolicy } from "../config/policy.ts";
import { stringOption } from "./args.ts";

/** The flags of every command that copies an image: which signature policy decides. */
export const policyFlags = {
  "signature-policy": { type: "string" },
  "insecure-policy": { type: "boolean" },
  "registries.d": { type: "string" },
} as const;

/** Their help lines. */
export const policyHelp = `      --signature-policy FILE        Signature policy (default ~/.config/containers/policy.json, else /etc/containers/policy.json)
      --insecure-policy              Accept any image, whatever the policy says
      --registries.d DIR             Where signatures are stored, per registry (default ~/.config/containers/registries.d, else /etc/containers/registries.d)
`;

/** The policy the flags choose. */
export const policyFromFlags = (host: HostEnvironment, values: Readonly<Record<string, unknown>>): Promise<E.Either<Failure, LoadedPolicy>> => {
  const file = stringOption(values, "signature-policy");
  return loadPolicy(host, { ...(file === undefined ? {} : { signaturePolicy: file }), insecurePolicy: values["insecure-policy"] === true });
};
