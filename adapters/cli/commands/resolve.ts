import * as E from "fp-ts/lib/Either.js";
import { resolveShortName, type ResolutionPlan } from "../../../core/registries/index.ts";
import { hostEnvironment } from "../../config/environment.ts";
import { loadAliasCache, loadRegistries } from "../../config/registries.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";
import { usageError } from "../usage.ts";

/** The JSON shape of `berth resolve --format json`. */
export const planJson = (plan: ResolutionPlan) => ({
  mode: plan.mode,
  ask: plan.ask,
  candidates: plan.candidates.map((c) => ({
    name: c.name,
    origin: c.origin,
    file: c.file ?? null,
    ...(c.blocked === undefined ? {} : { blocked: c.blocked }),
    record: c.record,
    sources: c.sources.map((s) => ({ reference: s.reference, insecure: s.insecure, mirror: s.mirror })),
  })),
});

const headline = (plan: ResolutionPlan): string => {
  const first = plan.candidates[0];
  if (first?.origin === "alias") return `Resolved "${plan.shortName ?? plan.input}" as an alias (${first.file ?? ""})`;
  if (first?.origin === "search") return `Resolving "${plan.shortName ?? plan.input}" using unqualified-search registries (${first.file ?? ""})`;
  return `"${plan.input}" is fully qualified`;
};

const describe = (plan: ResolutionPlan): string =>
  [
    headline(plan),
    ...plan.candidates.flatMap((c) => [
      `  ${c.name}`,
      ...(c.blocked !== undefined
        ? [`    blocked: ${c.blocked}`]
        : c.sources.map((s) => `    ${s.mirror ? "mirror " : "primary"} ${s.reference}${s.insecure ? " (insecure)" : ""}`)),
    ]),
    ...(plan.ask ? [`short-name-mode ${plan.mode}: a pull from a terminal asks which one to use and records the choice`] : []),
    "",
  ].join("\n");

const help = `Usage: berth resolve [options] NAME

Shows where NAME would be pulled from: each candidate name in order, where it
came from (alias, search registries, fully qualified), and its mirrors and
primary location.

Options:
  --format json            Print the resolution plan as JSON
  --registries-conf FILE   Use FILE instead of the default registries.conf
`;

const fail = (io: CliIO, message: string) => {
  io.stderr(`Error: ${message}\n`);
  return exitCodes.failure;
};

const run = async (parsed: { values: Readonly<Record<string, unknown>>; positionals: ReadonlyArray<string> }, io: CliIO, globals: { registriesConf?: string }) => {
  const format = stringOption(parsed.values, "format");
  if (format !== undefined && format !== "json") return usageError(io, `unknown --format "${format}": use json`);
  if (parsed.positionals.length !== 1) return usageError(io, "resolve takes exactly one NAME");
  const host = hostEnvironment();
  const file = stringOption(parsed.values, "registries-conf") ?? globals.registriesConf;
  const options = file === undefined ? {} : { file };
  const loaded = await loadRegistries(host, options);
  if (E.isLeft(loaded)) return fail(io, loaded.left.message);
  for (const w of loaded.right.warnings) io.stderr(`Warning: ${w}\n`);
  const cache = await loadAliasCache(host, options);
  if (E.isLeft(cache)) return fail(io, cache.left.message);
  const plan = resolveShortName(parsed.positionals[0] ?? "", loaded.right.config, { tty: io.isTerminal, aliasCache: cache.right });
  if (E.isLeft(plan)) return fail(io, plan.left.message);
  io.stdout(format === "json" ? `${JSON.stringify(planJson(plan.right), null, 2)}\n` : describe(plan.right));
  return exitCodes.ok;
};

/** `berth resolve NAME`: shows why a name goes where it goes. */
export const resolveCommand = defineCommand({
  usage: help,
  options: { format: { type: "string" }, "registries-conf": { type: "string" } },
  run,
});
