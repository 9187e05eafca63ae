import { readFile } from "node:fs/promises";
import { failure } from "../../../core/failure.ts";
import { writeFileAtomic } from "../../fs/atomic.ts";
import { generateSigstoreKey } from "../../signature/sigstore-keys.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { ask } from "../prompt.ts";
import { report } from "../session.ts";
import { usageError } from "../usage.ts";

/** `berth generate-sigstore-key --output-prefix P`: P.pub and P.private, in the format skopeo and cosign read. */
export const generateSigstoreKeyCommand = defineCommand({
  usage: `Usage: berth generate-sigstore-key --output-prefix PREFIX [--passphrase-file FILE]

Writes PREFIX.pub (public key) and PREFIX.private (private key sealed with a passphrase).
The passphrase is read from FILE (its first line), else asked for on a terminal.
`,
  options: { "output-prefix": { type: "string" }, "passphrase-file": { type: "string" } },
  run: async (p, io) => {
    const prefix = stringOption(p.values, "output-prefix");
    if (prefix === undefined || p.positionals.length > 0) return usageError(io, "generate-sigstore-key needs --output-prefix PREFIX");
    const file = stringOption(p.values, "passphrase-file");
    let passphrase: string | undefined;
    if (file !== undefined) {
      const text = await readFile(file, "utf8").catch(() => undefined);
      if (text === undefined) return report(io, failure("CONFIG_NOT_FOUND", `${file}: cannot read the passphrase file`));
      passphrase = text.split("\n")[0] ?? "";
    } else if (io.isTerminal) passphrase = await ask("Passphrase for the private key: ");
    if (passphrase === undefined) return usageError(io, "give --passphrase-file FILE when there is no terminal to ask on");
    const pair = await generateSigstoreKey(new TextEncoder().encode(passphrase));
    try {
      await writeFileAtomic(`${prefix}.private`, pair.privatePem, { mode: 0o600 });
      await writeFileAtomic(`${prefix}.pub`, pair.publicPem, { mode: 0o644 });
    } catch (e) {
      return report(io, failure("KEY_WRITE", `${prefix}: ${(e as Error).message}`));
    }
    io.stdout(`Key written to "${prefix}.private" and "${prefix}.pub"\n`);
    return exitCodes.ok;
  },
});
