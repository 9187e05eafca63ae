import * as E from "fp-ts/lib/Either.js";
import { failure } from "../../../core/failure.ts";
import { parseNormalizedNamed, repositoryName, tagNameOnly } from "../../../core/reference/index.ts";
import { pullSources } from "../../../core/registries/index.ts";
import { registryDestination } from "../../../plugins/docker/transport.ts";
import { storeSource } from "../../../plugins/store/transport.ts";
import { credentialsFor } from "../../config/auth.ts";
import { copyImage } from "../../copy/engine.ts";
import { policyCheck } from "../../config/policy.ts";
import { registryCas } from "../../http/certs.ts";
import { policyFlags, policyFromFlags, policyHelp } from "../policy-flags.ts";
import { signerFromFlags, signingFlags, signingHelp } from "../signing-flags.ts";
import { signPushed } from "../../signature/signer.ts";
import { registryClient } from "../../../plugins/docker/registry.ts";
import { httpClient } from "../../http/client.ts";
import { readState } from "../../store/store.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { failed, openSession, report } from "../session.ts";
import { interrupted, interruptSignal } from "../interrupt.ts";
import { progressReporter } from "../progress.ts";
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
    const signaturePolicy = await policyFromFlags(session.host, p.values);
    if (E.isLeft(signaturePolicy)) return report(io, signaturePolicy.left);
    const signer = await signerFromFlags(p.values);
    if (E.isLeft(signer)) return report(io, signer.left);
    const state = await readState(session.store);
    if (E.isLeft(state)) return report(io, state.left);
    const found = session.lookup(image, state.right.images);
    if (E.isLeft(found)) return report(io, found.left, found.left.code === "IMAGE_NOT_FOUND" ? exitCodes.notFound : exitCodes.failure);
    const target = (destination ?? found.right.name ?? image).replace(/^docker:\/\//, "");
    const ref = parseNormalizedNamed(target);
    if (E.isLeft(ref)) return report(io, failure("INVALID_REFERENCE", `"${target}": ${ref.left.message}`));
    const dest = tagNameOnly(ref.right);
    const sources = pullSources(session.config)(dest);
    if (E.isLeft(sources)) return report(io, sources.left);
    const insecureByConfig = sources.right[sources.right.length - 1]?.insecure ?? false;
    const creds = credsOption(stringOption(p.values, "creds"));
    const authFile = stringOption(p.values, "authfile");
    const found2 = creds === undefined ? await credentialsFor(session.host, repositoryName(dest), authFile === undefined ? {} : { authFile }) : E.right(creds);
    if (E.isLeft(found2)) return report(io, found2.left);
    const certDir = stringOption(p.values, "cert-dir");
    const signal = interruptSignal();
    const http = httpClient({ insecureSkipVerify: tlsVerify === false, caFor: registryCas(session.host, certDir) }, signal);
    try {
      // Repositories of the same registry this image is known by can lend their blobs (cross-repository mount).
      const mountFrom = found.right.image.names.flatMap((n) => {
        const r = parseNormalizedNamed(n);
        return E.isRight(r) && r.right.domain === dest.domain ? [r.right.path] : [];
      });
      const ctx = { http, ...(found2.right === undefined ? {} : { credentials: found2.right }) };
      const insecure = tlsVerify === false || (tlsVerify === undefined && insecureByConfig);
      const dst = registryDestination(dest, ctx, insecure, mountFrom);
      const r = await copyImage(storeSource(session.store, found.right.image), dst, {
        platform: { os: found.right.image.os, architecture: found.right.image.architecture },
        signal,
        onEvent: progressReporter(io, p.values["quiet"] === true),
        ...(format === undefined ? {} : { format }),
        allow: policyCheck(signaturePolicy.right, { transport: "containers-storage", shown: `store:${image}` }),
      });
      if (E.isLeft(r)) return interrupted() ? report(io, failure("INTERRUPTED", "interrupted"), exitCodes.interrupted) : report(io, r.left);
      if (signer.right !== undefined) {
        if (p.values["quiet"] !== true) io.stderr("Creating signature: Signing image using a sigstore signature\n");
        const signed = await signPushed(session.host, signer.right, dest, r.right.manifestDigest, () => registryClient({ registry: dest.domain, repository: dest.path, insecure }, ctx, true), stringOption(p.values, "registries.d"));
        if (E.isLeft(signed)) return report(io, signed.left);
      }
      if (p.values["quiet"] !== true) io.stderr(`Writing manifest to image destination\n`);
      return exitCodes.ok;
    } finally {
      await http.close();
    }
  },
});
