import * as E from "fp-ts/lib/Either.js";
import { failure } from "../../../core/failure.ts";
import { builtinPlugins } from "../../../plugins/plugins.ts";
import { copyByName } from "../../api/copy.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { interrupted, interruptSignal } from "../interrupt.ts";
import { policyFlags, policyHelp } from "../policy-flags.ts";
import { progressReporter } from "../progress.ts";
import { failed, openSession, report } from "../session.ts";
import { policyAndSigner, signingFlags, signingHelp } from "../signing-flags.ts";
import { usageError } from "../usage.ts";
import { credsOption, formatOption, platformOption, tlsVerifyOption } from "./pull.ts";

/** `berth copy SRC DEST`: one copy engine between any two transports, as `skopeo copy`. */
export const copyCommand = defineCommand({
  usage: `Usage: berth copy [options] SOURCE DESTINATION

SOURCE and DESTINATION are transport-qualified: docker://NAME, store:NAME,
oci:DIR[:NAME], oci-archive:FILE[:NAME], docker-archive:FILE, dir:DIR.

Options:
      --src-tls-verify=false, --dest-tls-verify=false   Allow plain HTTP and unverified TLS
      --src-creds U:P, --dest-creds U:P                 Credentials for each side
      --src-cert-dir DIR, --dest-cert-dir DIR           CA certificates (*.crt) for each side
      --platform OS/ARCH[/VARIANT]                      Which image of an index
  -a, --all                                             Every image of an index, and the index (same digest)
  -f, --format oci|v2s2                                 Manifest format to write (converted if needed)
      --preserve-digests                                Fail rather than change a manifest digest
  -q, --quiet                                           Print nothing but errors
${policyHelp}${signingHelp}`,
  options: {
    "src-tls-verify": { type: "string" },
    "dest-tls-verify": { type: "string" },
    "src-creds": { type: "string" },
    "src-cert-dir": { type: "string" },
    "dest-cert-dir": { type: "string" },
    "dest-creds": { type: "string" },
    platform: { type: "string" },
    all: { type: "boolean", short: "a" },
    format: { type: "string", short: "f" },
    "preserve-digests": { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
    ...policyFlags,
    ...signingFlags,
  },
  run: async (p, io, globals) => {
    const [src, dest, ...extra] = p.positionals;
    if (src === undefined || dest === undefined || extra.length > 0) return usageError(io, "copy takes a SOURCE and a DESTINATION");
    const srcTls = tlsVerifyOption(stringOption(p.values, "src-tls-verify"));
    const destTls = tlsVerifyOption(stringOption(p.values, "dest-tls-verify"));
    if (srcTls === "invalid" || destTls === "invalid") return usageError(io, "--src-tls-verify and --dest-tls-verify take true or false");
    const platform = platformOption(stringOption(p.values, "platform"));
    if (platform === undefined) return usageError(io, "invalid --platform: use OS/ARCH[/VARIANT]");
    const format = formatOption(stringOption(p.values, "format"));
    if (format === "invalid") return usageError(io, "--format takes oci or v2s2");
    const session = await openSession(io, globals);
    if (failed(session)) return session;
    const trust = await policyAndSigner(session.host, p.values);
    if (E.isLeft(trust)) return report(io, trust.left);
    const { policy, signer } = trust.right;
    const srcCreds = credsOption(stringOption(p.values, "src-creds"));
    const destCreds = credsOption(stringOption(p.values, "dest-creds"));
    const srcCertDir = stringOption(p.values, "src-cert-dir");
    const destCertDir = stringOption(p.values, "dest-cert-dir");
    const registriesD = stringOption(p.values, "registries.d");
    const r = await copyByName(session, policy, builtinPlugins, {
      source: src,
      destination: dest,
      platform,
      signal: interruptSignal(),
      onEvent: progressReporter(io, p.values["quiet"] === true),
      all: p.values["all"] === true,
      preserveDigests: p.values["preserve-digests"] === true,
      removeSignatures: p.values["remove-signatures"] === true,
      ...(format === undefined ? {} : { format }),
      ...(srcTls === undefined ? {} : { srcTlsVerify: srcTls }),
      ...(destTls === undefined ? {} : { destTlsVerify: destTls }),
      ...(srcCreds === undefined ? {} : { srcCreds }),
      ...(destCreds === undefined ? {} : { destCreds }),
      ...(srcCertDir === undefined ? {} : { srcCertDir }),
      ...(destCertDir === undefined ? {} : { destCertDir }),
      ...(registriesD === undefined ? {} : { registriesD }),
      ...(signer === undefined ? {} : { signer }),
    });
    if (E.isLeft(r)) return interrupted() ? report(io, failure("INTERRUPTED", "interrupted"), exitCodes.interrupted) : report(io, r.left);
    if (p.values["quiet"] !== true) io.stderr("Writing manifest to image destination\n");
    return exitCodes.ok;
  },
});
