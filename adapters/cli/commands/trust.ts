import * as E from "fp-ts/lib/Either.js";

import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { failed, openFor, report } from "../session.ts";
import { usageError } from "../usage.ts";

/** `berth trust show [--raw] [--signature-policy FILE]`: the effective policy, one line per transport, scope and requirement. */
export const trustShowCommand = defineCommand({
  usage: `Usage: berth trust show [--raw] [--signature-policy|--policypath FILE]

Shows the signature policy: for each transport and scope, what it requires.
`,
  options: { raw: { type: "boolean" }, "signature-policy": { type: "string" }, policypath: { type: "string" } },
  run: async (p, io, globals) => {
    // podman's image trust calls it --policypath.
    const file = stringOption(p.values, "signature-policy") ?? stringOption(p.values, "policypath");
    const berth = await openFor(io, globals, file === undefined ? {} : { signaturePolicy: file });
    if (failed(berth)) return berth;
    const shown = await berth.te.trust()();
    if (E.isLeft(shown)) return report(io, shown.left);
    if (p.values["raw"] === true && shown.right.raw !== undefined) {
      io.stdout(shown.right.raw);
      return exitCodes.ok;
    }
    const rows: string[][] = [["TRANSPORT", "SCOPE", "TYPE", "KEYS"], ...shown.right.rows.map((r) => [r.transport, r.scope, r.type, r.keys])];
    const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length))) ?? [];
    for (const row of rows) io.stdout(`${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 2))).join("").trimEnd()}\n`);
    return exitCodes.ok;
  },
});

/**
 * `berth trust set --type accept|reject|signedBy|sigstoreSigned [--pubkeysfile F]… SCOPE`,
 * as `podman image trust set`: SCOPE `default` is the global default, anything
 * else a `docker` scope. The file is rewritten atomically and must stay valid.
 */
export const trustSetCommand = defineCommand({
  usage: `Usage: berth trust set --type TYPE [--pubkeysfile FILE]... [--signature-policy|--policypath FILE] SCOPE

TYPE is accept, reject, signedBy (GPG keyrings) or sigstoreSigned (public keys).
SCOPE is "default" for the global default, else a registry, namespace or repository.
`,
  options: { type: { type: "string", short: "t" }, pubkeysfile: { type: "string", short: "f", multiple: true }, "signature-policy": { type: "string" }, policypath: { type: "string" } },
  run: async (p, io, globals) => {
    const [scope, ...extra] = p.positionals;
    if (scope === undefined || extra.length > 0) return usageError(io, "trust set takes one SCOPE");
    const type = stringOption(p.values, "type");
    if (type !== "accept" && type !== "reject" && type !== "signedBy" && type !== "sigstoreSigned") return usageError(io, "--type takes accept, reject, signedBy or sigstoreSigned");
    const keys = ((p.values["pubkeysfile"] as string[] | undefined) ?? []).filter((k) => k !== "");
    if ((type === "signedBy" || type === "sigstoreSigned") && keys.length === 0) return usageError(io, `--type ${type} needs at least one --pubkeysfile`);
    // podman's image trust calls it --policypath.
    const file = stringOption(p.values, "signature-policy") ?? stringOption(p.values, "policypath");
    const berth = await openFor(io, globals, file === undefined ? {} : { signaturePolicy: file });
    if (failed(berth)) return berth;
    const r = await berth.te.setTrust(scope, type, keys)();
    return E.isLeft(r) ? report(io, r.left) : exitCodes.ok;
  },
});
