import * as E from "fp-ts/lib/Either.js";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { ask } from "../prompt.ts";
import { failed, openFor, report } from "../session.ts";
import { usageError } from "../usage.ts";

/** `berth generate-sigstore-key --output-prefix P`: P.pub and P.private, in the format skopeo and cosign read. */
export const generateSigstoreKeyCommand = defineCommand({
  usage: `Usage: berth generate-sigstore-key --output-prefix PREFIX [--passphrase-file FILE]

Writes PREFIX.pub (public key) and PREFIX.private (private key sealed with a passphrase).
The passphrase is read from FILE (its first line), else asked for on a terminal.
`,
  options: { "output-prefix": { type: "string" }, "passphrase-file": { type: "string" } },
  run: async (p, io, globals) => {
    const prefix = stringOption(p.values, "output-prefix");
    if (prefix === undefined || p.positionals.length > 0) return usageError(io, "generate-sigstore-key needs --output-prefix PREFIX");
    const file = stringOption(p.values, "passphrase-file");
    const typed = file === undefined && io.isTerminal ? await ask("Passphrase for the private key: ") : undefined;
    if (file === undefined && typed === undefined) return usageError(io, "give --passphrase-file FILE when there is no terminal to ask on");
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const r = await berth.te.writeSigstoreKeyPair(prefix, file !== undefined ? { file } : { text: typed ?? "" })();
    if (E.isLeft(r)) return report(io, r.left);
    io.stdout(`Key written to "${r.right.privateKey}" and "${r.right.publicKey}"\n`);
    return exitCodes.ok;
  },
});

