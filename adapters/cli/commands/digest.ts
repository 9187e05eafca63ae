import * as E from "fp-ts/lib/Either.js";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { registryFlags, registryHelp, registryOptionsOf } from "../flags.ts";
import { failed, openFor, report } from "../session.ts";
import { usageError } from "../usage.ts";

/** `berth digest NAME`: the manifest digest a name points to, as crane digest prints it. */
export const digestCommand = defineCommand({
  usage: `Usage: berth digest [options] NAME

Prints the digest of the manifest NAME points to (an index's, for a
multi-platform image): a transport-qualified NAME (docker://, oci:, dir:, …)
as that transport has it; otherwise an image of the store, else the registry's.

Options:
${registryHelp}`,
  options: { ...registryFlags },
  run: async (p, io, globals) => {
    const [name, ...extra] = p.positionals;
    if (name === undefined || extra.length > 0) return usageError(io, "digest takes one NAME");
    const registry = registryOptionsOf(p.values);
    if (typeof registry === "string") return usageError(io, registry);
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const r = await berth.te.digest(name, registry)();
    if (E.isLeft(r)) return report(io, r.left);
    io.stdout(`${r.right}\n`);
    return exitCodes.ok;
  },
});

/** `berth image exists NAME`: exit 0 if the store has the image, 1 if not; nothing printed, as podman. */
export const imageExistsCommand = defineCommand({
  usage: `Usage: berth image exists IMAGE

Exits 0 if the store has IMAGE (a name or an ID), 1 if it does not.`,
  options: {},
  run: async (p, io, globals) => {
    const [name, ...extra] = p.positionals;
    if (name === undefined || extra.length > 0) return usageError(io, "image exists takes one IMAGE");
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const r = await berth.te.exists(name)();
    if (E.isLeft(r)) return report(io, r.left);
    return r.right ? exitCodes.ok : exitCodes.notFound;
  },
});

/** `berth manifest-digest FILE`, as skopeo's: the digest of the manifest in a file. */
export const manifestDigestCommand = defineCommand({
  usage: `Usage: berth manifest-digest MANIFEST-FILE

Prints the digest of the manifest in MANIFEST-FILE, as skopeo manifest-digest
does (a signed schema 1 manifest is digested without its signatures).
`,
  options: {},
  run: async (p, io, globals) => {
    const [file, ...extra] = p.positionals;
    if (file === undefined || extra.length > 0) return usageError(io, "manifest-digest takes one MANIFEST-FILE");
    const berth = await openFor(io, globals);
    if (failed(berth)) return berth;
    const r = await berth.te.manifestDigest(file)();
    if (E.isLeft(r)) return report(io, r.left);
    io.stdout(`${r.right}\n`);
    return exitCodes.ok;
  },
});
