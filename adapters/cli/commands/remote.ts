import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../../core/failure.ts";
import { repositoryName } from "../../../core/reference/index.ts";
import { deleteRemote, remoteConfig, remoteDetails, remoteManifest, withRemote, type Remote, type RemoteOptions } from "../../api/remote.ts";
import { hostEnvironment } from "../../config/environment.ts";
import { loadRegistries } from "../../config/registries.ts";
import { stringOption } from "../args.ts";
import { defineCommand, type GlobalOptions, type ParsedCommandArgs } from "../command.ts";
import { exitCodes, type ExitCode } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";
import { interruptSignal } from "../interrupt.ts";
import { report } from "../session.ts";
import { sessionTimeouts } from "../../api/session.ts";
import { exitCodeFor } from "../../api/errors.ts";
import { usageError } from "../usage.ts";
import { credsOption, tlsVerifyOption } from "./pull.ts";

/** The options every remote command takes. */
export const remoteOptions = { "tls-verify": { type: "string" }, "cert-dir": { type: "string" }, authfile: { type: "string" }, creds: { type: "string" } } as const;

/** The remote options given on the command line. */
const remoteOptionsOf = (p: ParsedCommandArgs): E.Either<Failure, RemoteOptions> => {
  const tlsVerify = tlsVerifyOption(stringOption(p.values, "tls-verify"));
  if (tlsVerify === "invalid") return E.left(failure("INVALID_ARGUMENT", "--tls-verify takes true or false"));
  const creds = credsOption(stringOption(p.values, "creds"));
  const authFile = stringOption(p.values, "authfile");
  const certDir = stringOption(p.values, "cert-dir");
  return E.right({
    ...(tlsVerify === undefined ? {} : { tlsVerify }),
    ...(creds === undefined ? {} : { creds }),
    ...(authFile === undefined ? {} : { authFile }),
    ...(certDir === undefined ? {} : { certDir }),
  });
};

/** Opens `docker://NAME` with the command's options, runs `body`, and prints its failure as podman does. */
const onRemote = async <A>(
  p: ParsedCommandArgs,
  io: CliIO,
  globals: GlobalOptions,
  text: string,
  push: boolean,
  body: (r: Remote) => Promise<E.Either<Failure, A>>,
  done: (a: A) => void,
): Promise<ExitCode> => {
  if (!text.startsWith("docker://")) return report(io, failure("INVALID_IMAGE_NAME", `"${text}": expected docker://NAME`));
  const options = remoteOptionsOf(p);
  if (E.isLeft(options)) return report(io, options.left);
  const host = hostEnvironment();
  const loaded = await loadRegistries(host, globals.registriesConf === undefined ? {} : { file: globals.registriesConf });
  if (E.isLeft(loaded)) return report(io, loaded.left);
  const r = await withRemote(host, loaded.right.config, text, { ...options.right, timeouts: sessionTimeouts(globals.networkTimeout), signal: interruptSignal() }, push, body);
  if (E.isLeft(r)) return report(io, r.left, exitCodeFor(r.left.code));
  done(r.right);
  return exitCodes.ok;
};

/** `berth tags docker://REPO`, as `skopeo list-tags`. */
export const tagsCommand = defineCommand({
  usage: "Usage: berth tags [--tls-verify=false] [--creds U:P] docker://REPOSITORY",
  options: remoteOptions,
  run: async (p, io, globals) => {
    const [name, ...extra] = p.positionals;
    if (name === undefined || extra.length > 0) return usageError(io, "tags takes one docker://REPOSITORY");
    return onRemote(p, io, globals, name, false, async (r) => {
      const tags = await r.client.listTags();
      return E.isLeft(tags) ? tags : E.right({ Repository: repositoryName(r.ref), Tags: tags.right });
    }, (out) => io.stdout(`${JSON.stringify(out, null, 4)}\n`));
  },
});

/** `berth inspect docker://NAME`: skopeo-like details of an image in a registry, `--raw` or `--config` for the documents. */
export const remoteInspect = async (p: ParsedCommandArgs, io: CliIO, globals: GlobalOptions, name: string): Promise<ExitCode> => {
  if (p.values["raw"] === true) {
    return onRemote(p, io, globals, name, false, remoteManifest, (m) => io.stdout(new TextDecoder().decode(m.bytes)));
  }
  if (p.values["config"] === true) {
    return onRemote(p, io, globals, name, false, (r) => remoteConfig(r, name), (c) => io.stdout(`${c.text}\n`));
  }
  return onRemote(p, io, globals, name, false, (r) => remoteDetails(r, name), (d) => io.stdout(`${JSON.stringify(d, null, 4)}\n`));
};

/** `berth delete docker://NAME`: deletes the manifest the name points to. */
export const deleteCommand = defineCommand({
  usage: "Usage: berth delete [--tls-verify=false] [--creds U:P] docker://NAME",
  options: remoteOptions,
  run: async (p, io, globals) => {
    const [name, ...extra] = p.positionals;
    if (name === undefined || extra.length > 0) return usageError(io, "delete takes one docker://NAME");
    return onRemote(p, io, globals, name, true, deleteRemote, () => undefined);
  },
});
