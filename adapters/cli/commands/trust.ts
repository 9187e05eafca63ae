import { readFile } from "node:fs/promises";
import * as E from "fp-ts/lib/Either.js";
import { failure } from "../../../core/failure.ts";
import { parsePolicy, parseStrictJson, type Requirement } from "../../../core/policy/index.ts";
import { hostEnvironment } from "../../config/environment.ts";
import { loadPolicy, policyPaths } from "../../config/policy.ts";
import { writeFileAtomic } from "../../fs/atomic.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { report } from "../session.ts";
import { usageError } from "../usage.ts";

/** One requirement in words: its type as podman names it, and its keys. */
const inWords = (r: Requirement): { type: string; keys: string } => {
  switch (r.type) {
    case "insecureAcceptAnything":
      return { type: "accept", keys: "" };
    case "reject":
      return { type: "reject", keys: "" };
    case "signedBy":
      return { type: "signed", keys: r.keys.kind === "paths" ? r.keys.paths.join(", ") : "(key data)" };
    case "sigstoreSigned":
      return { type: "sigstoreSigned", keys: r.keys === undefined ? (r.unsupported ?? "") : r.keys.kind === "paths" ? r.keys.paths.join(", ") : "(key data)" };
  }
};

/** `berth trust show [--raw] [--signature-policy FILE]`: the effective policy, one line per transport, scope and requirement. */
export const trustShowCommand = defineCommand({
  usage: `Usage: berth trust show [--raw] [--signature-policy FILE]

Shows the signature policy: for each transport and scope, what it requires.
`,
  options: { raw: { type: "boolean" }, "signature-policy": { type: "string" } },
  run: async (p, io) => {
    const host = hostEnvironment();
    const file = stringOption(p.values, "signature-policy");
    const loaded = await loadPolicy(host, file === undefined ? {} : { signaturePolicy: file });
    if (E.isLeft(loaded)) return report(io, loaded.left);
    if (p.values["raw"] === true && loaded.right.path !== undefined) {
      io.stdout(await readFile(loaded.right.path, "utf8"));
      return exitCodes.ok;
    }
    const rows: string[][] = [["TRANSPORT", "SCOPE", "TYPE", "KEYS"]];
    for (const r of loaded.right.policy.default) rows.push(["all", "", inWords(r).type, inWords(r).keys]);
    for (const [transport, scopes] of Object.entries(loaded.right.policy.transports)) {
      for (const [scope, reqs] of Object.entries(scopes)) {
        for (const r of reqs) rows.push([transport, scope === "" ? "(default)" : scope, inWords(r).type, inWords(r).keys]);
      }
    }
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
  usage: `Usage: berth trust set --type TYPE [--pubkeysfile FILE]... [--signature-policy FILE] SCOPE

TYPE is accept, reject, signedBy (GPG keyrings) or sigstoreSigned (public keys).
SCOPE is "default" for the global default, else a registry, namespace or repository.
`,
  options: { type: { type: "string", short: "t" }, pubkeysfile: { type: "string", short: "f", multiple: true }, "signature-policy": { type: "string" } },
  run: async (p, io) => {
    const [scope, ...extra] = p.positionals;
    if (scope === undefined || extra.length > 0) return usageError(io, "trust set takes one SCOPE");
    const type = stringOption(p.values, "type");
    const keys = ((p.values["pubkeysfile"] as string[] | undefined) ?? []).filter((k) => k !== "");
    let requirement: Record<string, unknown>;
    if (type === "accept") requirement = { type: "insecureAcceptAnything" };
    else if (type === "reject") requirement = { type: "reject" };
    else if (type === "signedBy" || type === "sigstoreSigned") {
      if (keys.length === 0) return usageError(io, `--type ${type} needs at least one --pubkeysfile`);
      requirement = type === "signedBy" ? { type, keyType: "GPGKeys", ...(keys.length === 1 ? { keyPath: keys[0] } : { keyPaths: keys }) } : { type, ...(keys.length === 1 ? { keyPath: keys[0] } : { keyPaths: keys }) };
    } else return usageError(io, "--type takes accept, reject, signedBy or sigstoreSigned");
    const host = hostEnvironment();
    const path = stringOption(p.values, "signature-policy") ?? policyPaths(host).at(-1) ?? "/etc/containers/policy.json";
    const text = await readFile(path, "utf8").catch(() => undefined);
    const doc = text === undefined ? E.right<never, unknown>({ default: [{ type: "insecureAcceptAnything" }] }) : parseStrictJson(path)(text);
    if (E.isLeft(doc)) return report(io, doc.left);
    const policy = (typeof doc.right === "object" && doc.right !== null ? doc.right : {}) as { default?: unknown; transports?: Record<string, Record<string, unknown>> };
    if (scope === "default") policy.default = [requirement];
    else {
      policy.transports ??= {};
      policy.transports["docker"] ??= {};
      Object.defineProperty(policy.transports["docker"], scope, { value: [requirement], enumerable: true, writable: true, configurable: true });
    }
    const next = `${JSON.stringify(policy, null, 4)}\n`;
    const valid = parsePolicy(path)(next);
    if (E.isLeft(valid)) return report(io, failure("INVALID_CONFIG", `refusing to write an invalid policy: ${valid.left.message}`));
    await writeFileAtomic(path, next);
    return exitCodes.ok;
  },
});
