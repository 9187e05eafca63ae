import * as E from "fp-ts/lib/Either.js";
import { chooseCandidate, type ResolutionPlan } from "../../../core/registries/index.ts";
import type { PullPolicy, PullRequest } from "../../api/berth.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { platformFor, registryFlags, registryHelp, registryOptionsOf, retriesOption } from "../flags.ts";
import { interrupted, interruptSignal } from "../interrupt.ts";
import { policyFlags, policyHelp, policyOptions } from "../policy-flags.ts";
import { ask } from "../prompt.ts";
import { printPlan } from "../plans.ts";
import { progressReporter } from "../progress.ts";
import { failed, openFor, report, reportAll } from "../session.ts";
import { failure, type Failure } from "../../../core/failure.ts";
import { usageError } from "../usage.ts";

/** Lets a person at a terminal pick one of several candidates, as podman's prompt does. */
const choose = async (plan: ResolutionPlan): Promise<ResolutionPlan | undefined> => {
  const list = plan.candidates.map((c, i) => `  ${i + 1}) ${c.name}`).join("\n");
  const answer = await ask(`? Please select an image:\n${list}\nNumber: `);
  const n = Number(answer);
  return Number.isInteger(n) && n >= 1 && n <= plan.candidates.length ? chooseCandidate(n - 1)(plan) : undefined;
};

const policies: ReadonlyArray<PullPolicy> = ["always", "missing", "never", "newer"];

const help = `Usage: berth pull [options] NAME

Pulls an image from a registry into the local store. A short name goes through
registries.conf (aliases, search registries, short-name-mode); each candidate
is tried in order, mirrors first.

Options:
      --platform OS/ARCH[/VARIANT]   Which image of a multi-platform index (default this machine's)
      --policy POLICY                always (default), missing, never, or newer (pull only if the registry's digest differs)
      --retry N                      Retries after 429, 5xx and dropped connections (default 3)
  -a, --all-tags                     Pull every tag of the repository
      --dry-run                      Print the plan (--format json: the plan itself); write nothing
      --format json                  With --dry-run, print the plan as JSON
  -q, --quiet                        Print only the image ID
${registryHelp}${policyHelp}`;

/** `berth pull NAME` */
export const pullCommand = defineCommand({
  usage: help,
  options: {
    platform: { type: "string" },
    policy: { type: "string" },
    retry: { type: "string" },
    "all-tags": { type: "boolean", short: "a" },
    "dry-run": { type: "boolean" },
    format: { type: "string" },
    quiet: { type: "boolean", short: "q" },
    ...registryFlags,
    ...policyFlags,
  },
  run: async (p, io, globals) => {
    const [name, ...extra] = p.positionals;
    if (name === undefined || extra.length > 0) return usageError(io, "pull takes one NAME");
    // Other transports are copied into the store, or loaded: say how, rather than "invalid reference format".
    const transport = /^(dir|oci|oci-archive|docker-archive|docker-daemon|containers-storage|store|tarball):/.exec(name)?.[1];
    if (transport !== undefined) {
      const how = transport === "oci-archive" || transport === "docker-archive" ? `berth load -i ${name.slice(transport.length + 1).split(":")[0] ?? ""}, or berth copy ${name} store:NAME` : `berth copy ${name} store:NAME`;
      return usageError(io, `pull takes an image in a registry, not ${transport}: (use ${how})`);
    }
    const platform = platformFor(p.values, globals);
    if (platform === "invalid") return usageError(io, `invalid --platform "${stringOption(p.values, "platform") ?? ""}": use OS/ARCH[/VARIANT]`);
    const registry = registryOptionsOf(p.values);
    if (typeof registry === "string") return usageError(io, registry);
    const policy = stringOption(p.values, "policy") ?? "always";
    if (!policies.includes(policy as PullPolicy)) return usageError(io, `unknown --policy "${policy}": use always, missing, never or newer`);
    const retries = retriesOption(stringOption(p.values, "retry"));
    if (retries === "invalid") return usageError(io, "--retry takes a number of retries (0 to 99)");
    const format = stringOption(p.values, "format");
    if (format !== undefined && format !== "json") return usageError(io, `unknown --format "${format}": use json (with --dry-run)`);
    const berth = await openFor(io, globals, policyOptions(p.values));
    if (failed(berth)) return berth;
    const quiet = p.values["quiet"] === true;
    const request: PullRequest = {
      ...registry,
      ...(platform === undefined ? {} : { platform }),
      policy: policy as PullPolicy,
      ...(retries === undefined ? {} : { retries }),
      signal: interruptSignal(),
      ...(io.isTerminal ? { choose } : {}),
      ...(quiet ? {} : { onMessage: (line: string) => io.stderr(`${line}\n`) }),
      onEvent: progressReporter(io, quiet),
    };
    const failedWith = (failures: ReadonlyArray<Failure>) =>
      interrupted() ? report(io, failure("INTERRUPTED", "interrupted; nothing was kept")) : reportAll(io, failures);
    if (p.values["dry-run"] === true) {
      const planned = await berth.te.planPull(name, request)();
      if (E.isLeft(planned)) return failedWith(planned.left);
      return printPlan(io, E.right({ plan: planned.right.plan, shown: planned.right, heading: [`pull ${planned.right.name}`] }), format === "json", (f) => report(io, f));
    }
    if (p.values["all-tags"] === true) {
      const pulled = await berth.te.pullAllTags(name, request)();
      if (E.isLeft(pulled)) return failedWith(pulled.left);
      for (const r of pulled.right) io.stdout(`${r.id}\n`);
      return exitCodes.ok;
    }
    const pulled = await berth.te.pull(name, request)();
    if (E.isLeft(pulled)) return failedWith(pulled.left);
    io.stdout(`${pulled.right.id}\n`);
    return exitCodes.ok;
  },
});
