import * as E from "fp-ts/lib/Either.js";
import { failure } from "../../../core/failure.ts";
import { pushImage } from "../../api/push.ts";
import { registryCas } from "../../http/certs.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { interrupted, interruptSignal } from "../interrupt.ts";
import { policyFlags, policyHelp } from "../policy-flags.ts";
import { progressReporter } from "../progress.ts";
import { failed, openSession, report } from "../session.ts";
import { policyAndSigner, signingFlags, signingHelp } from "../signing-flags.ts";
import { usageError } from "../usage.ts";
import { credsOption, formatOption, tlsVerifyOption } from "./pull.ts";

/** `berth push IMAGE [DEST]`: DEST without a transport means docker://, as in the seed. */
export const pushCommand = defineCommand({
  usage: `Usage: berth push [options] IMAGE [DESTINATION]

Options:
      --tls-verify=false      Allow plain HTTP and unverified TLS
      --cert-dir DIR          Trust the CA certificates (*.crt) in DIR (default: certs.d)
      --authfile FILE         Credentials file
      --creds USER:PASSWORD   Credentials for this push
  -f, --format oci|v2s2       Manifest format to push (converted if needed)
  -q, --quiet                 Print nothing but errors
${policyHelp}${signingHelp}`,
  options: { "tls-verify": { type: "string" }, "cert-dir": { type: "string" }, authfile: { type: "string" }, creds: { type: "string" }, format: { type: "string", short: "f" }, quiet: { type: "boolean", short: "q" }, ...policyFlags, ...signingFlags },
  run: async (p, io, globals) => {
    const [image, destination, ...extra] = p.positionals;
    if (image === undefined || extra.length > 0) return usageError(io, "push takes an IMAGE and an optional DESTINATION");
    const tlsVerify = tlsVerifyOption(stringOption(p.values, "tls-verify"));
    const format = formatOption(stringOption(p.values, "format"));
    if (format === "invalid") return usageError(io, "--format takes oci or v2s2");
    if (tlsVerify === "invalid") return usageError(io, "--tls-verify takes true or false");
    const session = await openSession(io, globals);
    if (failed(session)) return session;
    const trust = await policyAndSigner(session.host, p.values);
    if (E.isLeft(trust)) return report(io, trust.left);
    const { policy, signer } = trust.right;
    const creds = credsOption(stringOption(p.values, "creds"));
    const authFile = stringOption(p.values, "authfile");
    const registriesD = stringOption(p.values, "registries.d");
    const quiet = p.values["quiet"] === true;
    const r = await pushImage(session, policy, {
      image,
      ...(destination === undefined ? {} : { destination }),
      ...(tlsVerify === undefined ? {} : { tlsVerify }),
      ...(creds === undefined ? {} : { creds }),
      ...(authFile === undefined ? {} : { authFile }),
      caFor: registryCas(session.host, stringOption(p.values, "cert-dir")),
      ...(format === undefined ? {} : { format }),
      ...(signer === undefined ? {} : { signer }),
      ...(registriesD === undefined ? {} : { registriesD }),
      onEvent: progressReporter(io, quiet),
      onSigning: () => (quiet ? undefined : io.stderr("Creating signature: Signing image using a sigstore signature\n")),
      signal: interruptSignal(),
    });
    if (E.isLeft(r)) {
      if (interrupted()) return report(io, failure("INTERRUPTED", "interrupted"), exitCodes.interrupted);
      return report(io, r.left, r.left.code === "IMAGE_NOT_FOUND" ? exitCodes.notFound : exitCodes.failure);
    }
    if (!quiet) io.stderr(`Writing manifest to image destination\n`);
    return exitCodes.ok;
  },
});
