import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../../core/failure.ts";
import { imageConfig, parseManifest } from "../../../core/manifest/index.ts";
import { decodeDocument } from "../../../core/codec.ts";
import { parseNormalizedNamed, repositoryName, tagNameOnly, type Reference } from "../../../core/reference/index.ts";
import { pullSources } from "../../../core/registries/index.ts";
import { registryClient, type RegistryClient } from "../../../plugins/docker/registry.ts";
import { credentialsFor } from "../../config/auth.ts";
import { hostEnvironment } from "../../config/environment.ts";
import { loadRegistries } from "../../config/registries.ts";
import { registryCas } from "../../http/certs.ts";
import { httpClient, type HttpClient } from "../../http/client.ts";
import { stringOption } from "../args.ts";
import { defineCommand, type GlobalOptions, type ParsedCommandArgs } from "../command.ts";
import { exitCodes, type ExitCode } from "../exit-codes.ts";
import type { CliIO } from "../io.ts";
import { report } from "../session.ts";
import { usageError } from "../usage.ts";
import { credsOption, tlsVerifyOption } from "./pull.ts";

/** The options every remote command takes. */
export const remoteOptions = { "tls-verify": { type: "string" }, "cert-dir": { type: "string" }, authfile: { type: "string" }, creds: { type: "string" } } as const;

/** A registry conversation opened from `docker://NAME` and the remote options. */
export const openRemote = async (
  p: ParsedCommandArgs,
  globals: GlobalOptions,
  text: string,
  push = false,
): Promise<E.Either<Failure, { ref: Reference; client: RegistryClient; http: HttpClient }>> => {
  if (!text.startsWith("docker://")) return E.left(failure("INVALID_IMAGE_NAME", `"${text}": expected docker://NAME`));
  const parsed = parseNormalizedNamed(text.slice("docker://".length));
  if (E.isLeft(parsed)) return E.left(failure("INVALID_REFERENCE", `"${text}": ${parsed.left.message}`));
  const tlsVerify = tlsVerifyOption(stringOption(p.values, "tls-verify"));
  if (tlsVerify === "invalid") return E.left(failure("INVALID_ARGUMENT", "--tls-verify takes true or false"));
  const host = hostEnvironment();
  const loaded = await loadRegistries(host, globals.registriesConf === undefined ? {} : { file: globals.registriesConf });
  if (E.isLeft(loaded)) return loaded;
  const sources = pullSources(loaded.right.config)(parsed.right);
  if (E.isLeft(sources)) return sources;
  const insecure = tlsVerify === false || (tlsVerify === undefined && (sources.right[sources.right.length - 1]?.insecure ?? false));
  const creds = credsOption(stringOption(p.values, "creds"));
  const authFile = stringOption(p.values, "authfile");
  const found = creds === undefined ? await credentialsFor(host, repositoryName(parsed.right), authFile === undefined ? {} : { authFile }) : E.right(creds);
  if (E.isLeft(found)) return found;
  const http = httpClient({ insecureSkipVerify: tlsVerify === false, caFor: registryCas(host, stringOption(p.values, "cert-dir")) });
  const client = registryClient({ registry: parsed.right.domain, repository: parsed.right.path, insecure }, { http, ...(found.right === undefined ? {} : { credentials: found.right }) }, push);
  return E.right({ ref: parsed.right, client, http });
};

const withRemote = async (
  p: ParsedCommandArgs,
  io: CliIO,
  globals: GlobalOptions,
  text: string,
  push: boolean,
  body: (r: { ref: Reference; client: RegistryClient }) => Promise<ExitCode>,
): Promise<ExitCode> => {
  const remote = await openRemote(p, globals, text, push);
  if (E.isLeft(remote)) return report(io, remote.left);
  try {
    return await body(remote.right);
  } finally {
    await remote.right.http.close();
  }
};

/** `berth tags docker://REPO`, as `skopeo list-tags`. */
export const tagsCommand = defineCommand({
  usage: "Usage: berth tags [--tls-verify=false] [--creds U:P] docker://REPOSITORY",
  options: remoteOptions,
  run: async (p, io, globals) => {
    const [name, ...extra] = p.positionals;
    if (name === undefined || extra.length > 0) return usageError(io, "tags takes one docker://REPOSITORY");
    return withRemote(p, io, globals, name, false, async ({ ref, client }) => {
      const tags = await client.listTags();
      if (E.isLeft(tags)) return report(io, tags.left, tags.left.code === "NOT_FOUND" ? exitCodes.notFound : exitCodes.failure);
      io.stdout(`${JSON.stringify({ Repository: repositoryName(ref), Tags: tags.right }, null, 4)}\n`);
      return exitCodes.ok;
    });
  },
});

/** `berth inspect docker://NAME`: skopeo-like details of an image in a registry, `--raw` or `--config` for the documents. */
export const remoteInspect = async (p: ParsedCommandArgs, io: CliIO, globals: GlobalOptions, name: string): Promise<ExitCode> =>
  withRemote(p, io, globals, name, false, async ({ ref, client }) => {
    const tagged = tagNameOnly(ref);
    const m = await client.getManifest(tagged.digest ?? tagged.tag ?? "latest");
    if (E.isLeft(m)) return report(io, m.left, m.left.code === "NOT_FOUND" ? exitCodes.notFound : exitCodes.failure);
    if (p.values["raw"] === true) {
      io.stdout(new TextDecoder().decode(m.right.bytes));
      return exitCodes.ok;
    }
    const parsed = parseManifest(m.right.bytes, m.right.mediaType, name);
    if (E.isLeft(parsed)) return report(io, parsed.left);
    if (parsed.right.kind !== "image") return report(io, failure("UNSUPPORTED_MANIFEST", `${name} is an index; use --raw to see it`));
    const configStream = await client.getBlob(parsed.right.manifest.config.digest);
    if (E.isLeft(configStream)) return report(io, configStream.left);
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const c of configStream.right) {
      size += c.byteLength;
      if (size > 4 << 20) return report(io, failure("CONFIG_TOO_LARGE", `${name}: config larger than 4 MiB`));
      chunks.push(c);
    }
    const text = Buffer.concat(chunks).toString("utf8");
    if (p.values["config"] === true) {
      io.stdout(`${text}\n`);
      return exitCodes.ok;
    }
    const config = (() => {
      try {
        return decodeDocument(imageConfig, `config of ${name}`)(JSON.parse(text));
      } catch (e) {
        return E.left(failure("INVALID_CONFIG", `config of ${name}: ${(e as Error).message}`));
      }
    })();
    if (E.isLeft(config)) return report(io, config.left);
    const tags = await client.listTags();
    io.stdout(
      `${JSON.stringify(
        {
          Name: repositoryName(ref),
          Digest: m.right.digest,
          RepoTags: E.isRight(tags) ? tags.right : [],
          Created: config.right.created ?? "",
          Labels: config.right.config?.Labels ?? null,
          Architecture: config.right.architecture,
          Os: config.right.os,
          Layers: parsed.right.manifest.layers.map((l) => l.digest),
          Env: config.right.config?.Env ?? null,
        },
        null,
        4,
      )}\n`,
    );
    return exitCodes.ok;
  });

/** `berth delete docker://NAME`: deletes the manifest the name points to. */
export const deleteCommand = defineCommand({
  usage: "Usage: berth delete [--tls-verify=false] [--creds U:P] docker://NAME",
  options: remoteOptions,
  run: async (p, io, globals) => {
    const [name, ...extra] = p.positionals;
    if (name === undefined || extra.length > 0) return usageError(io, "delete takes one docker://NAME");
    return withRemote(p, io, globals, name, true, async ({ ref, client }) => {
      const tagged = tagNameOnly(ref);
      const m = await client.getManifest(tagged.digest ?? tagged.tag ?? "latest");
      if (E.isLeft(m)) return report(io, m.left, m.left.code === "NOT_FOUND" ? exitCodes.notFound : exitCodes.failure);
      const r = await client.deleteManifest(m.right.digest);
      if (E.isLeft(r)) return report(io, r.left);
      return exitCodes.ok;
    });
  },
});
