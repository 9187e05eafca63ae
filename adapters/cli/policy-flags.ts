import type { BerthOptions } from "../api/berth.ts";
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

/** What the flags say berth should open with. */
export const policyOptions = (values: Readonly<Record<string, unknown>>): BerthOptions => {
  const file = stringOption(values, "signature-policy");
  const registriesD = stringOption(values, "registries.d");
  return {
    ...(file === undefined ? {} : { signaturePolicy: file }),
    ...(values["insecure-policy"] === true ? { insecurePolicy: true } : {}),
    ...(registriesD === undefined ? {} : { registriesD }),
  };
};
