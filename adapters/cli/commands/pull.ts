import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../../core/failure.ts";
import { parsePlatform, type ManifestFormat, type Platform } from "../../../core/manifest/index.ts";
import { parseNormalizedNamed, repositoryName } from "../../../core/reference/index.ts";
import { chooseCandidate, type ResolutionPlan } from "../../../core/registries/index.ts";
import { registryClient } from "../../../plugins/docker/registry.ts";
import { credentialsFor, type Credentials } from "../../config/auth.ts";
import { registryCas } from "../../http/certs.ts";
import { policyFlags, policyFromFlags, policyHelp } from "../policy-flags.ts";
import { httpClient } from "../../http/client.ts";
import { hostArchitecture } from "../../platform.ts";
import { readState } from "../../store/store.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";
import { interrupted, interruptSignal } from "../interrupt.ts";
import { ask } from "../prompt.ts";
import { progressReporter } from "../progress.ts";
import { failed, openSession, report, type Session } from "../session.ts";
import { pullName as pullWith, type PullOptions } from "../../api/pull.ts";
import { usageError } from "../usage.ts";

/** The platform to pull: `--platform`, else this machine's. */
export const platformOption = (value: string | undefined): Platform | undefined =>
  value === undefined ? { os: "linux", architecture: hostArchitecture() } : parsePlatform(value);

/** `--tls-verify[=true|false]`; `undefined` means what registries.conf says. */
export const tlsVerifyOption = (value: string | undefined): boolean | undefined | "invalid" =>
  value === undefined ? undefined : value === "true" ? true : value === "false" ? false : "invalid";

/** `--format oci|v2s2` , the names podman and skopeo use. */
export const formatOption = (value: string | undefined): ManifestFormat | undefined | "invalid" =>
  value === undefined ? undefined : value === "oci" || value === "v2s2" ? value : "invalid";

/** `--creds USER[:PASSWORD]` */
export const credsOption = (value: string | undefined): Credentials | undefined => {
  if (value === undefined) return undefined;
  const colon = value.indexOf(":");
  return colon < 0 ? { username: value, password: "" } : { username: value.slice(0, colon), password: value.slice(colon + 1) };
};

/** Lets a person at a terminal pick one of several candidates, as podman's prompt does. */
const choose = async (io: CliIO, plan: ResolutionPlan): Promise<ResolutionPlan | undefined> => {
  const list = plan.candidates.map((c, i) => `  ${i + 1}) ${c.name}`).join("\n");
  const answer = await ask(`? Please select an image:\n${list}\nNumber: `);
  const n = Number(answer);
  return Number.isInteger(n) && n >= 1 && n <= plan.candidates.length ? chooseCandidate(n - 1)(plan) : undefined;
};

/** Pulls a name with the CLI's terminal: prompts, `Trying to pull` lines and progress unless quiet. */
export const pullName = (
  session: Session,
  io: CliIO,
  input: string,
  options: Omit<PullOptions, "choose" | "onMessage" | "onEvent" | "signal"> & { readonly quiet: boolean },
): Promise<E.Either<ReadonlyArray<Failure>, string>> =>
  pullWith(session, input, {
    ...options,
    signal: interruptSignal(),
    ...(io.isTerminal ? { choose: (plan: ResolutionPlan) => choose(io, plan) } : {}),
    ...(options.quiet ? {} : { onMessage: (line: string) => io.stderr(`${line}\n`) }),
    onEvent: progressReporter(io, options.quiet),
  });

/**
 * `--all-tags`: every tag of the repository a fully-qualified NAME (without
 * tag or digest) names, as `repo:tag` names to pull one by one.
 */
const allTags = async (
  session: Session,
  name: string,
  options: { tlsVerify: boolean | undefined; creds: Credentials | undefined; authFile: string | undefined; caFor: (hostPort: string) => Promise<ReadonlyArray<string>> },
): Promise<E.Either<Failure, ReadonlyArray<string>>> => {
  const typed = parseNormalizedNamed(name.replace(/^docker:\/\//, ""));
  if (E.isLeft(typed)) return E.left(failure("INVALID_REFERENCE", `"${name}": ${typed.left.message}`));
  if (typed.right.tag !== undefined || typed.right.digest !== undefined) return E.left(failure("INVALID_ARGUMENT", `--all-tags takes a repository without a tag or digest, not "${name}"`));
  const repo = repositoryName(typed.right);
  const creds = options.creds === undefined ? await credentialsFor(session.host, repo, options.authFile === undefined ? {} : { authFile: options.authFile }) : E.right(options.creds);
  if (E.isLeft(creds)) return creds;
  const http = httpClient({ insecureSkipVerify: options.tlsVerify === false, caFor: options.caFor }, interruptSignal(), session.timeouts);
  try {
    const client = registryClient({ registry: typed.right.domain, repository: typed.right.path, insecure: options.tlsVerify === false }, { http, ...(creds.right === undefined ? {} : { credentials: creds.right }) });
    const tags = await client.listTags();
    return E.isLeft(tags) ? tags : E.right(tags.right.map((t) => `${repo}:${t}`));
  } finally {
    await http.close();
  }
};

const help = `Usage: berth pull [options] NAME

Pulls an image from a registry into the local store. A short name goes through
registries.conf (aliases, search registries, short-name-mode); each candidate
is tried in order, mirrors first.

Options:
      --platform OS/ARCH[/VARIANT]   Which image of a multi-platform index (default this machine's)
      --policy always|missing|never  Pull always (default), only when missing, or never
      --tls-verify=false             Allow plain HTTP and unverified TLS
      --cert-dir DIR                 Trust the CA certificates (*.crt) in DIR (default: certs.d)
      --retry N                      Retries after 429, 5xx and dropped connections (default 3)
      --all-tags                     Pull every tag of the repository
      --authfile FILE                Credentials file (default as podman)
      --creds USER:PASSWORD          Credentials for this pull
  -q, --quiet                        Print only the image ID
${policyHelp}`;

/** `berth pull NAME` */
export const pullCommand = defineCommand({
  usage: help,
  options: {
    platform: { type: "string" },
    policy: { type: "string" },
    "tls-verify": { type: "string" },
    "cert-dir": { type: "string" },
    retry: { type: "string" },
    "all-tags": { type: "boolean", short: "a" },
    authfile: { type: "string" },
    creds: { type: "string" },
    quiet: { type: "boolean", short: "q" },
    ...policyFlags,
  },
  run: async (p, io, globals) => {
    const [name, ...extra] = p.positionals;
    if (name === undefined || extra.length > 0) return usageError(io, "pull takes one NAME");
    const platform = platformOption(stringOption(p.values, "platform"));
    if (platform === undefined) return usageError(io, `invalid --platform "${stringOption(p.values, "platform") ?? ""}": use OS/ARCH[/VARIANT]`);
    const tlsVerify = tlsVerifyOption(stringOption(p.values, "tls-verify"));
    if (tlsVerify === "invalid") return usageError(io, "--tls-verify takes true or false");
    const policy = stringOption(p.values, "policy") ?? "always";
    if (!["always", "missing", "never", "newer"].includes(policy)) return usageError(io, `unknown --policy "${policy}": use always, missing, never or newer`);
    const session = await openSession(io, globals);
    if (failed(session)) return session;
    if (policy === "missing" || policy === "never") {
      const state = await readState(session.store);
      if (E.isLeft(state)) return report(io, state.left);
      const local = session.lookup(name, state.right.images);
      if (E.isRight(local)) {
        io.stdout(`${local.right.image.id}\n`);
        return exitCodes.ok;
      }
      if (policy === "never") return report(io, failure("IMAGE_NOT_FOUND", `${name}: image not known, and --policy never forbids pulling it`), exitCodes.notFound);
    }
    const authFile = stringOption(p.values, "authfile");
    const certDir = stringOption(p.values, "cert-dir");
    const retryText = stringOption(p.values, "retry");
    if (retryText !== undefined && !/^\d{1,2}$/.test(retryText)) return usageError(io, "--retry takes a number of retries (0 to 99)");
    const signaturePolicy = await policyFromFlags(session.host, p.values);
    if (E.isLeft(signaturePolicy)) return report(io, signaturePolicy.left);
    const options = {
      policy: signaturePolicy.right,
      registriesD: stringOption(p.values, "registries.d"),
      platform,
      tlsVerify,
      creds: credsOption(stringOption(p.values, "creds")),
      authFile,
      quiet: p.values["quiet"] === true,
      caFor: registryCas(session.host, certDir),
      ...(retryText === undefined ? {} : { retries: Number(retryText) }),
    };
    let names: ReadonlyArray<string> = [name];
    if (p.values["all-tags"] === true) {
      const tags = await allTags(session, name, options);
      if (E.isLeft(tags)) return report(io, tags.left);
      names = tags.right;
    }
    for (const n of names) {
      const r = await pullName(session, io, n, options);
      if (E.isLeft(r)) {
        if (interrupted()) return report(io, failure("INTERRUPTED", "interrupted; nothing was kept"), exitCodes.interrupted);
        for (const e of r.left) io.stderr(`Error: ${e.message}\n`);
        return exitCodes.failure;
      }
      io.stdout(`${r.right}\n`);
    }
    return exitCodes.ok;
  },
});
