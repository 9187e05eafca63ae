import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../../core/failure.ts";
import { parseImageName } from "../../../core/transport/index.ts";
import type { BuiltinContext } from "../../../plugins/builtin-context.ts";
import type { BuiltinReference } from "../../../plugins/builtin.ts";
import { builtinPlugins } from "../../../plugins/plugins.ts";
import type { ImageDestination, ImageSource, TransportPlugin } from "../../../plugins/contract.ts";
import { copyImage } from "../../copy/engine.ts";
import { repositoryName } from "../../../core/reference/index.ts";
import { registryClient } from "../../../plugins/docker/registry.ts";
import { credentialsFor } from "../../config/auth.ts";
import { policyCheck, signatureSourcesOf, type PolicySubject } from "../../config/policy.ts";
import { signerFromFlags, signingFlags, signingHelp, signPushed } from "../signing-flags.ts";
import { registryCas } from "../../http/certs.ts";
import { policyFlags, policyFromFlags, policyHelp } from "../policy-flags.ts";
import { undiciClient, type HttpClient } from "../../http/client.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { failed, openSession, report } from "../session.ts";
import { interrupted, interruptSignal } from "../interrupt.ts";
import { progressReporter } from "../progress.ts";
import { usageError } from "../usage.ts";
import { credsOption, formatOption, platformOption, tlsVerifyOption } from "./pull.ts";

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

/** What the signature policy is asked about for a source name (store images are `containers-storage` to policy.json, as podman's are). */
const policySubject = (text: string, plugins: ReadonlyArray<TransportPlugin<BuiltinReference, BuiltinContext>>): PolicySubject => {
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
    const signaturePolicy = await policyFromFlags(session.host, p.values);
    if (E.isLeft(signaturePolicy)) return report(io, signaturePolicy.left);
    const signer = await signerFromFlags(p.values);
    if (E.isLeft(signer)) return report(io, signer.left);
    const target = policySubject(dest, builtinPlugins);
    const destRef = target.transport === "docker" && "reference" in target ? target.reference : undefined;
    if (signer.right !== undefined && destRef === undefined) return report(io, failure("UNSUPPORTED", "signing is supported only when copying to docker://"));
    const signal = interruptSignal();
    const srcHttp = undiciClient({ insecureSkipVerify: srcTls === false, caFor: registryCas(session.host, stringOption(p.values, "src-cert-dir")) }, signal);
    const destHttp = undiciClient({ insecureSkipVerify: destTls === false, caFor: registryCas(session.host, stringOption(p.values, "dest-cert-dir")) }, signal);
    try {
      const registriesD = stringOption(p.values, "registries.d");
      const side = { host: session.host, store: session.store, lookup: session.lookup, ...(registriesD === undefined ? {} : { registriesD }) };
      const source = await open("openSource", src, { ...side, http: srcHttp, tlsVerify: srcTls, creds: credsOption(stringOption(p.values, "src-creds")) }, builtinPlugins);
      if (E.isLeft(source)) return report(io, source.left);
      const destination = await open("openDestination", dest, { ...side, http: destHttp, tlsVerify: destTls, creds: credsOption(stringOption(p.values, "dest-creds")) }, builtinPlugins);
      if (E.isLeft(destination)) return report(io, destination.left);
      const subject = policySubject(src, builtinPlugins);
      // Signatures come from where the source keeps them (registries.d for docker://, signature-N files for dir:).
      const signatures = signatureSourcesOf(source.right);
      const r = await copyImage(source.right, destination.right, {
        platform,
        signal,
        onEvent: progressReporter(io, p.values["quiet"] === true),
        all: p.values["all"] === true,
        preserveDigests: p.values["preserve-digests"] === true,
        ...(format === undefined ? {} : { format }),
        allow: policyCheck(signaturePolicy.right, subject, signatures),
        removeSignatures: p.values["remove-signatures"] === true,
      });
      if (E.isLeft(r)) return interrupted() ? report(io, failure("INTERRUPTED", "interrupted"), exitCodes.interrupted) : report(io, r.left);
      if (signer.right !== undefined && destRef !== undefined) {
        const creds = credsOption(stringOption(p.values, "dest-creds"));
        const found = creds === undefined ? await credentialsFor(session.host, repositoryName(destRef)) : E.right(creds);
        if (E.isLeft(found)) return report(io, found.left);
        const ctx = { http: destHttp, ...(found.right === undefined ? {} : { credentials: found.right }) };
        const signed = await signPushed(session.host, signer.right, destRef, r.right.manifestDigest, () => registryClient({ registry: destRef.domain, repository: destRef.path, insecure: destTls === false }, ctx, true), stringOption(p.values, "registries.d"));
        if (E.isLeft(signed)) return report(io, signed.left);
      }
      if (p.values["quiet"] !== true) io.stderr("Writing manifest to image destination\n");
      return exitCodes.ok;
    } finally {
      await srcHttp.close();
      await destHttp.close();
    }
  },
});
