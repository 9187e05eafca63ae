import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import * as E from "fp-ts/lib/Either.js";
import { failure } from "../../../core/failure.ts";
import { loadArchive } from "../../api/load.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { policyFlags, policyFromFlags, policyHelp } from "../policy-flags.ts";
import { failed, openSession, report } from "../session.ts";

/** `berth load [-i FILE]`: every image and every name in an archive or layout; standard input when no file is given. */
export const loadCommand = defineCommand({
  usage: `Usage: berth load [-q] [-i FILE]

Loads a docker archive, an OCI archive (either may be gzip-compressed) or an OCI layout directory (standard input when -i is not given).

${policyHelp}`,
  options: { input: { type: "string", short: "i" }, quiet: { type: "boolean", short: "q" }, ...policyFlags },
  run: async (p, io, globals) => {
    const session = await openSession(io, globals);
    if (failed(session)) return session;
    const signaturePolicy = await policyFromFlags(session.host, p.values);
    if (E.isLeft(signaturePolicy)) return report(io, signaturePolicy.left);
    let path = stringOption(p.values, "input");
    let spool: string | undefined;
    if (path === undefined) {
      if (process.stdin.isTTY) return report(io, failure("INVALID_ARCHIVE", "refusing to read an archive from a terminal; use -i FILE or pipe one in"));
      // Archives are read in place by offset, so a pipe is first copied to a file.
      spool = await mkdtemp(join(tmpdir(), "berth-load-"));
      path = join(spool, "input.tar");
      await pipeline(process.stdin, createWriteStream(path));
    }
    try {
      const r = await loadArchive(session, signaturePolicy.right, path, (name) => io.stdout(`Loaded image: ${name}\n`));
      return E.isLeft(r) ? report(io, r.left) : exitCodes.ok;
    } finally {
      if (spool !== undefined) await rm(spool, { recursive: true, force: true });
    }
  },
});
