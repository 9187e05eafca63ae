/** skopeo's standalone-sign and standalone-verify: GPG signatures of manifest files, no registry or store involved. */
import * as E from "fp-ts/lib/Either.js";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { failed, openFor, report } from "../session.ts";
import { usageError } from "../usage.ts";

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
