/** GPG simple signatures made on request: skopeo's standalone-sign and standalone-verify (manifest files) and podman's image sign (images in a registry). */
import * as E from "fp-ts/lib/Either.js";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { failed, openFor, report } from "../session.ts";
import { usageError } from "../usage.ts";
import { registryFlags, registryHelp, registryOptionsOf } from "../flags.ts";
import { failure } from "../../../core/failure.ts";

/** `berth standalone-sign MANIFEST NAME FINGERPRINT -o SIGNATURE`, as skopeo's. */
export const standaloneSignCommand = defineCommand({
  usage: `Usage: berth standalone-sign [--passphrase-file FILE] MANIFEST DOCKER-REFERENCE KEY-FINGERPRINT --output|-o SIGNATURE

Signs the manifest in the file MANIFEST for the image DOCKER-REFERENCE with the
GPG key KEY-FINGERPRINT of your keyring (GNUPGHOME), as skopeo standalone-sign:
a simple-signing signature written to SIGNATURE.
`,
  options: { output: { type: "string", short: "o" }, "passphrase-file": { type: "string" } },
  run: async (p, io, globals) => {
    const [manifest, name, fingerprint, ...extra] = p.positionals;
    const output = stringOption(p.values, "output");
    if (manifest === undefined || name === undefined || fingerprint === undefined || extra.length > 0) return usageError(io, "standalone-sign takes MANIFEST DOCKER-REFERENCE KEY-FINGERPRINT");
    if (output === undefined) return usageError(io, "standalone-sign needs --output SIGNATURE");
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const passphraseFile = stringOption(p.values, "passphrase-file");
    const r = await berth.te.standaloneSign(manifest, name, fingerprint, output, passphraseFile === undefined ? {} : { passphraseFile })();
    return E.isLeft(r) ? report(io, r.left) : exitCodes.ok;
  },
});

/** `berth standalone-verify MANIFEST NAME FINGERPRINTS SIGNATURE`, as skopeo's. */
export const standaloneVerifyCommand = defineCommand({
  usage: `Usage: berth standalone-verify MANIFEST DOCKER-REFERENCE KEY-FINGERPRINTS SIGNATURE

Checks that SIGNATURE, verified with your GPG keyring (GNUPGHOME), was made by
one of KEY-FINGERPRINTS (comma-separated) for the image DOCKER-REFERENCE and the
manifest in the file MANIFEST, as skopeo standalone-verify.
`,
  options: {},
  run: async (p, io, globals) => {
    const [manifest, name, fingerprints, signature, ...extra] = p.positionals;
    if (manifest === undefined || name === undefined || fingerprints === undefined || signature === undefined || extra.length > 0) {
      return usageError(io, "standalone-verify takes MANIFEST DOCKER-REFERENCE KEY-FINGERPRINTS SIGNATURE");
    }
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const r = await berth.te.standaloneVerify(manifest, name, fingerprints.split(",").filter((f) => f !== ""), signature)();
    if (E.isLeft(r)) return report(io, r.left);
    // skopeo 1.9.3's words, which scripts read.
    io.stdout(`Signature verified, digest ${r.right.digest}\n`);
    return exitCodes.ok;
  },
});

/** `berth image sign --sign-by KEY [--directory DIR] [-a] docker://NAME...`, as podman's. */
export const imageSignCommand = defineCommand({
  usage: `Usage: berth image sign [options] docker://NAME [docker://NAME...]

Signs images in a registry (their manifests are read from it) with a GPG key
of your keyring, as podman image sign: simple signatures written to a
lookaside directory, --directory DIR (which must exist), else where
registries.d stages signatures for the registry.

Options:
      --sign-by KEY                  The GPG key to sign with (required)
  -d, --directory DIR                Where to write the signatures
  -a, --all                          For an index, sign every image of it too
${registryHelp}`,
  options: { "sign-by": { type: "string" }, directory: { type: "string", short: "d" }, all: { type: "boolean", short: "a" }, ...registryFlags },
  run: async (p, io, globals) => {
    if (p.positionals.length === 0) return usageError(io, "image sign takes at least one docker://NAME");
    const signBy = stringOption(p.values, "sign-by");
    if (signBy === undefined) return report(io, failure("INVALID_ARGUMENT", "please provide an identity (--sign-by)"));
    const registry = registryOptionsOf(p.values);
    if (typeof registry === "string") return usageError(io, registry);
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const directory = stringOption(p.values, "directory");
    for (const name of p.positionals) {
      const r = await berth.te.signImage(name, { ...registry, signBy, all: p.values["all"] === true, ...(directory === undefined ? {} : { directory }) })();
      if (E.isLeft(r)) return report(io, r.left, exitCodes.failure);
    }
    return exitCodes.ok;
  },
});
