import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../../core/failure.ts";
import { parseNormalizedNamed, repositoryName } from "../../../core/reference/index.ts";
import type { Berth, RegistryOptions } from "../../api/berth.ts";
import { defineCommand, type GlobalOptions, type ParsedCommandArgs } from "../command.ts";
import { exitCodes, type ExitCode } from "../exit-codes.ts";
import { platformFor, registryFlags, registryHelp, registryOptionsOf } from "../flags.ts";
import type { CliIO } from "../io.ts";
import { failed, openFor, report } from "../session.ts";
import { usageError } from "../usage.ts";
import { stringOption } from "../args.ts";
import { documentFormat, renderDocument, type DocumentFormat } from "../document-format.ts";

/** The options every remote command takes. */
export const remoteOptions = registryFlags;

/** Runs one library call on `docker://NAME` with the command's registry flags, and prints the text `shown` makes of what it gave, or a failure as podman does. */
const onRemote = async <A>(
  p: ParsedCommandArgs,
  io: CliIO,
  globals: GlobalOptions,
  text: string,
  call: (berth: Berth, options: RegistryOptions) => Promise<E.Either<Failure, A>>,
  shown: (a: A) => E.Either<Failure, string>,
): Promise<ExitCode> => {
  if (!text.startsWith("docker://")) return report(io, failure("INVALID_IMAGE_NAME", `"${text}": expected docker://NAME`));
  const options = registryOptionsOf(p.values);
  if (typeof options === "string") return usageError(io, options);
  const berth = await openFor(io, globals);
  if (failed(berth)) return berth;
  const r = await call(berth, options);
  if (E.isLeft(r)) return report(io, r.left);
  const out = shown(r.right);
  if (E.isLeft(out)) return report(io, out.left);
  io.stdout(out.right);
  return exitCodes.ok;
};

/** `berth tags docker://REPO` (skopeo's `list-tags`): a repository's tags, or the names in a docker archive. */
export const tagsCommand = defineCommand({
  usage: `Usage: berth tags [options] docker://REPOSITORY|docker-archive:FILE

Lists the tags of a repository in a registry (or the names of the images in a
docker archive), as skopeo list-tags does. Also spelled \`list-tags\`.

Options:
      --format FORMAT                json (default), or a Go template ("{{range .Tags}}{{.}}\\n{{end}}")
${registryHelp}`,
  options: { ...remoteOptions, format: { type: "string" } },
  run: async (p, io, globals) => {
    const [name, ...extra] = p.positionals;
    if (name === undefined || extra.length > 0) return usageError(io, "tags takes one docker://REPOSITORY or docker-archive:FILE");
    const format = documentFormat(stringOption(p.values, "format"));
    if (E.isLeft(format)) return report(io, format.left);
    if (name.startsWith("docker-archive:")) {
      const berth = await openFor(io, globals);
      if (failed(berth)) return berth;
      const names = await berth.te.tags(name)();
      if (E.isLeft(names)) return report(io, names.left);
      const text = renderDocument(format.right, { Tags: names.right }, "tags");
      if (E.isLeft(text)) return report(io, text.left);
      io.stdout(text.right);
      return exitCodes.ok;
    }
    const parsed = parseNormalizedNamed(name.replace(/^docker:\/\//, ""));
    const repository = E.isRight(parsed) ? repositoryName(parsed.right) : name;
    return onRemote(p, io, globals, name, (b, o) => b.te.tags(name, o)(), (tags) => renderDocument(format.right, { Repository: repository, Tags: tags }, "tags"));
  },
});

/** `berth inspect docker://NAME`: skopeo-like details of an image in a registry, `--raw` or `--config` for the documents. */
export const remoteInspect = (p: ParsedCommandArgs, io: CliIO, globals: GlobalOptions, name: string, format: DocumentFormat): Promise<ExitCode> => {
  if (p.values["config"] === true) return onRemote(p, io, globals, name, (b, o) => b.te.remoteConfig(name, o)(), (text) => E.right(`${text}\n`));
  if (p.values["raw"] === true) return onRemote(p, io, globals, name, (b, o) => b.te.remoteManifest(name, o)(), (m) => E.right(new TextDecoder().decode(m.bytes)));
  const platform = platformFor(p.values, globals);
  if (platform === "invalid") return Promise.resolve(usageError(io, "invalid --platform: use OS/ARCH[/VARIANT]"));
  const shown = { ...(platform === undefined ? {} : { platform }), ...(p.values["no-tags"] === true ? { noTags: true } : {}) };
  return onRemote(p, io, globals, name, (b, o) => b.te.inspectRemote(name, { ...o, ...shown })(), (d) => renderDocument(format, d, "inspect"));
};

/** `berth delete docker://NAME`: deletes the manifest the name points to. */
export const deleteCommand = defineCommand({
  usage: "Usage: berth delete [--tls-verify=false] [--creds U:P] docker://NAME",
  options: remoteOptions,
  run: async (p, io, globals) => {
    const [name, ...extra] = p.positionals;
    if (name === undefined || extra.length > 0) return usageError(io, "delete takes one docker://NAME");
    return onRemote(p, io, globals, name, (b, o) => b.te.deleteRemote(name, o)(), () => E.right(""));
  },
});
