import * as E from "fp-ts/lib/Either.js";
import { failure } from "../../../core/failure.ts";
import { registryKey } from "../../api/login.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { ask } from "../prompt.ts";
import { tlsVerifyOption } from "../flags.ts";
import { failed, openFor, report } from "../session.ts";
import { usageError } from "../usage.ts";

const readStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
};

/** The registry part of what a user typed: `https://quay.io/` → `quay.io`, `docker.io` stays. */

/** `berth login REGISTRY`: checks the credentials against the registry before saving them. */
export const loginCommand = defineCommand({
  usage: `Usage: berth login [options] REGISTRY

Options:
  -u, --username USER      User name (asked on a terminal when missing)
  -p, --password PASS      Password (prefer --password-stdin)
      --password-stdin     Read the password from standard input
      --authfile FILE      Where to save (default as podman)
      --tls-verify=false   Allow plain HTTP and unverified TLS
      --cert-dir DIR       Trust the CA certificates (*.crt) in DIR (default: certs.d)
`,
  options: {
    username: { type: "string", short: "u" },
    password: { type: "string", short: "p" },
    "password-stdin": { type: "boolean" },
    authfile: { type: "string" },
    "tls-verify": { type: "string" },
    "cert-dir": { type: "string" },
  },
  run: async (p, io, globals) => {
    const [registry, ...extra] = p.positionals;
    if (registry === undefined || extra.length > 0) return usageError(io, "login takes one REGISTRY");
    const tlsVerify = tlsVerifyOption(stringOption(p.values, "tls-verify"));
    if (tlsVerify === "invalid") return usageError(io, "--tls-verify takes true or false");
    const key = registryKey(registry);
    const username = stringOption(p.values, "username") ?? (io.isTerminal ? await ask("Username: ") : undefined);
    if (username === undefined || username === "") return usageError(io, "login needs --username when there is no terminal to ask on");
    const fromStdin = p.values["password-stdin"] === true;
    const password = fromStdin ? await readStdin() : (stringOption(p.values, "password") ?? (io.isTerminal ? await ask("Password: ") : undefined));
    if (password === undefined || password === "") return usageError(io, "login needs --password-stdin (or --password) when there is no terminal to ask on");
    const authFile = stringOption(p.values, "authfile");
    const certDir = stringOption(p.values, "cert-dir");
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const saved = await berth.te.login(key, username, password, {
      ...(tlsVerify === undefined ? {} : { tlsVerify }),
      ...(certDir === undefined ? {} : { certDir }),
      ...(authFile === undefined ? {} : { authFile }),
    })();
    if (E.isLeft(saved)) return report(io, saved.left);
    io.stdout("Login Succeeded!\n");
    return exitCodes.ok;
  },
});

/** `berth logout REGISTRY | --all` */
export const logoutCommand = defineCommand({
  usage: "Usage: berth logout [--authfile FILE] REGISTRY | --all",
  options: { all: { type: "boolean", short: "a" }, authfile: { type: "string" } },
  run: async (p, io, globals) => {
    const authFile = stringOption(p.values, "authfile");
    const options = authFile === undefined ? {} : { authFile };
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    if (p.values["all"] === true) {
      if (p.positionals.length > 0) return usageError(io, "when using --all, give no registry");
      const r = await berth.te.logout(undefined, options)();
      if (E.isLeft(r)) return report(io, r.left);
      io.stdout("Removed login credentials for all registries\n");
      return exitCodes.ok;
    }
    const [registry, ...extra] = p.positionals;
    if (registry === undefined || extra.length > 0) return usageError(io, "logout takes one REGISTRY, or --all");
    const key = registryKey(registry);
    const r = await berth.te.logout(key, options)();
    if (E.isLeft(r)) return report(io, r.left);
    if (!r.right) return report(io, failure("NOT_LOGGED_IN", `not logged into ${key}`));
    io.stdout(`Removed login credentials for ${key}\n`);
    return exitCodes.ok;
  },
});
