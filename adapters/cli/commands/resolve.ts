import * as E from "fp-ts/lib/Either.js";
import type { ResolutionPlan } from "../../../core/registries/index.ts";
import { stringOption } from "../args.ts";
import { defineCommand, type GlobalOptions } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";
import { failed, openFor, report } from "../session.ts";
import { usageError } from "../usage.ts";
import { documentFormat, renderDocument } from "../document-format.ts";

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
  --format FORMAT          json, or a Go template over it ("{{range .candidates}}{{.name}}\\n{{end}}")
  --registries-conf FILE   Use FILE instead of the default registries.conf
`;

const run = async (parsed: { values: Readonly<Record<string, unknown>>; positionals: ReadonlyArray<string> }, io: CliIO, globals: GlobalOptions) => {
  const given = stringOption(parsed.values, "format");
  const format = documentFormat(given);
  if (E.isLeft(format)) return report(io, format.left);
  if (parsed.positionals.length !== 1) return usageError(io, "resolve takes exactly one NAME");
  const file = stringOption(parsed.values, "registries-conf") ?? globals.registriesConf;
  const berth = await openFor(io, { ...globals, ...(file === undefined ? {} : { registriesConf: file }) });
  if (failed(berth)) return berth;
  const plan = await berth.te.resolve(parsed.positionals[0] ?? "", { tty: io.isTerminal })();
  if (E.isLeft(plan)) return report(io, plan.left, exitCodes.failure);
  const text = given === undefined ? E.right(describe(plan.right)) : renderDocument(format.right, planJson(plan.right), "resolve", 2);
  if (E.isLeft(text)) return report(io, text.left);
  io.stdout(text.right);
  return exitCodes.ok;
};

/** `berth resolve NAME`: shows why a name goes where it goes. */
export const resolveCommand = defineCommand({
  usage: help,
  options: { format: { type: "string" }, "registries-conf": { type: "string" } },
  run,
});
