import * as E from "fp-ts/lib/Either.js";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { failed, openFor, report } from "../session.ts";

/** `berth check [--repair]` */
export const checkCommand = defineCommand({
  usage:
    "Usage: berth check [--repair]\n\nChecks every image's blobs, index.json and containers; --repair rolls back what is incomplete and sweeps leftovers.\n",
  options: { repair: { type: "boolean" } },
  run: async (p, io, globals) => {
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const repair = p.values["repair"] === true;
    const r = await berth.te.check({ repair })();
    if (E.isLeft(r)) return report(io, r.left);
    for (const f of r.right.findings) io.stdout(`${f.severity === "error" ? "error" : "leftover"}: ${f.message}\n`);
    for (const done of r.right.repaired) io.stdout(`repaired: ${done}\n`);
    const errors = r.right.findings.filter((f) => f.severity === "error").length;
    if (errors > 0 && !repair) {
      io.stderr(`Error: the store has ${errors} problem(s); run berth check --repair\n`);
      return exitCodes.failure;
    }
    if (r.right.findings.length === 0) io.stdout("the store is consistent\n");
    return exitCodes.ok;
  },
});
