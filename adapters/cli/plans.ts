/** `--dry-run` as copy, pull and push take it: which `--format` means what, and how a plan is printed. */
import * as E from "fp-ts/lib/Either.js";
import { describePlan, type CopyPlan } from "../../core/copy/index.ts";
import type { Failure } from "../../core/failure.ts";
import type { ManifestFormat } from "../../core/manifest/index.ts";
import { stringOption } from "./args.ts";
import { exitCodes, type ExitCode } from "./exit-codes.ts";
import { formatOption } from "./flags.ts";
import type { CliIO } from "./io.ts";

/**
 * `--format`: with `--dry-run`, `json` asks for the plan as JSON; otherwise
 * (and for `oci`/`v2s2` with --dry-run) it is the manifest format, as
 * skopeo's and podman's. Gives the reading, or why it is wrong.
 */
export const formatWithDryRun = (values: Readonly<Record<string, unknown>>): { readonly dryRun: boolean; readonly planJson: boolean; readonly format: ManifestFormat | undefined } | string => {
  const dryRun = values["dry-run"] === true;
  const planJson = dryRun && stringOption(values, "format") === "json";
  const format = planJson ? undefined : formatOption(stringOption(values, "format"));
  if (format === "invalid") return `--format takes oci or v2s2${dryRun ? " (or json, to print the plan as JSON)" : ""}`;
  return { dryRun, planJson, format };
};

/** Prints a planned copy, in words (after `heading` lines) or as JSON (`shown` itself), or its failure. */
export const printPlan = (io: CliIO, planned: E.Either<Failure, { readonly plan: CopyPlan; readonly shown: unknown; readonly heading?: ReadonlyArray<string> }>, json: boolean, fail: (f: Failure) => ExitCode): ExitCode => {
  if (E.isLeft(planned)) return fail(planned.left);
  const { plan, shown, heading = [] } = planned.right;
  io.stdout(json ? `${JSON.stringify(shown, null, 2)}\n` : [...heading, ...describePlan(plan)].map((l) => `${l}\n`).join(""));
  return exitCodes.ok;
};
