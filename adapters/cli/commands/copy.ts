import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../../core/failure.ts";
import { repositoryName } from "../../../core/reference/index.ts";
import { normalizeStoreName } from "../../../core/store/index.ts";
import { parseImageName } from "../../../core/transport/index.ts";
import { builtinTransports } from "../../../plugins/builtin.ts";
import type { ImageDestination, ImageSource } from "../../../plugins/contract.ts";
import type { DockerReference } from "../../../plugins/docker/reference.ts";
import type { RegistryContext } from "../../../plugins/docker/registry.ts";
import { registryDestination, registrySource } from "../../../plugins/docker/transport.ts";
import type { StoreReference } from "../../../plugins/store/reference.ts";
import { storeDestination, storeSource } from "../../../plugins/store/transport.ts";
import { credentialsFor, type Credentials } from "../../config/auth.ts";
import { copyImage } from "../../copy/engine.ts";
import { undiciClient, type HttpClient } from "../../http/client.ts";
import { readState } from "../../store/store.ts";
import { stringOption } from "../args.ts";
import { defineCommand } from "../command.ts";
import { exitCodes } from "../exit-codes.ts";
import { failed, openSession, report, type Session } from "../session.ts";
import { interrupted, interruptSignal } from "../interrupt.ts";
import { progressReporter } from "../progress.ts";
import { usageError } from "../usage.ts";
import { credsOption, platformOption, tlsVerifyOption } from "./pull.ts";

interface Side {
  readonly tlsVerify: boolean | undefined;
  readonly creds: Credentials | undefined;
  readonly http: HttpClient;
}

/** The registry conversation settings for one side: its HTTP client and credentials (given, or from the auth files). */
const registryContext = async (session: Session, ref: DockerReference, side: Side): Promise<E.Either<Failure, RegistryContext>> => {
  const creds = side.creds === undefined ? await credentialsFor(session.host, repositoryName(ref.reference)) : E.right(side.creds);
  return E.isLeft(creds) ? creds : E.right({ http: side.http, ...(creds.right === undefined ? {} : { credentials: creds.right }) });
};

const openSource = async (session: Session, text: string, side: Side): Promise<E.Either<Failure, ImageSource>> => {
  const name = parseImageName(text, builtinTransports);
  if (E.isLeft(name)) return name;
  if (name.right.transport === "docker") {
    const ref = name.right.reference as DockerReference;
    const ctx = await registryContext(session, ref, side);
    return E.isLeft(ctx) ? ctx : E.right(registrySource(ref.reference, ctx.right, side.tlsVerify === false));
  }
  if (name.right.transport === "store") {
    const state = await readState(session.store);
    if (E.isLeft(state)) return state;
    const found = session.lookup((name.right.reference as StoreReference).text, state.right.images);
    return E.isLeft(found) ? found : E.right(storeSource(session.store, found.right.image));
  }
  return E.left(failure("UNSUPPORTED_TRANSPORT", `copying from ${name.right.transport}: is not supported yet`));
};

const openDestination = async (session: Session, text: string, side: Side): Promise<E.Either<Failure, ImageDestination>> => {
  const name = parseImageName(text, builtinTransports);
  if (E.isLeft(name)) return name;
  if (name.right.transport === "docker") {
    const ref = name.right.reference as DockerReference;
    const ctx = await registryContext(session, ref, side);
    return E.isLeft(ctx) ? ctx : E.right(registryDestination(ref.reference, ctx.right, side.tlsVerify === false));
  }
  if (name.right.transport === "store") {
    const stored = normalizeStoreName((name.right.reference as StoreReference).text);
    return E.isLeft(stored) ? stored : E.right(storeDestination(session.store, [stored.right]));
  }
  return E.left(failure("UNSUPPORTED_TRANSPORT", `copying to ${name.right.transport}: is not supported yet`));
};

/** `berth copy SRC DEST`: one copy engine between any two transports, as `skopeo copy`. */
export const copyCommand = defineCommand({
  usage: `Usage: berth copy [options] SOURCE DESTINATION

SOURCE and DESTINATION are transport-qualified: docker://NAME or store:NAME.

Options:
      --src-tls-verify=false, --dest-tls-verify=false   Allow plain HTTP and unverified TLS
      --src-creds U:P, --dest-creds U:P                 Credentials for each side
      --platform OS/ARCH[/VARIANT]                      Which image of an index
  -q, --quiet                                           Print nothing but errors
`,
  options: {
    "src-tls-verify": { type: "string" },
    "dest-tls-verify": { type: "string" },
    "src-creds": { type: "string" },
    "dest-creds": { type: "string" },
    platform: { type: "string" },
    quiet: { type: "boolean", short: "q" },
  },
  run: async (p, io, globals) => {
    const [src, dest, ...extra] = p.positionals;
    if (src === undefined || dest === undefined || extra.length > 0) return usageError(io, "copy takes a SOURCE and a DESTINATION");
    const srcTls = tlsVerifyOption(stringOption(p.values, "src-tls-verify"));
    const destTls = tlsVerifyOption(stringOption(p.values, "dest-tls-verify"));
    if (srcTls === "invalid" || destTls === "invalid") return usageError(io, "--src-tls-verify and --dest-tls-verify take true or false");
    const platform = platformOption(stringOption(p.values, "platform"));
    if (platform === undefined) return usageError(io, "invalid --platform: use OS/ARCH[/VARIANT]");
    const session = await openSession(io, globals);
    if (failed(session)) return session;
    const signal = interruptSignal();
    const srcHttp = undiciClient({ insecureSkipVerify: srcTls === false }, signal);
    const destHttp = undiciClient({ insecureSkipVerify: destTls === false }, signal);
    try {
      const source = await openSource(session, src, { tlsVerify: srcTls, creds: credsOption(stringOption(p.values, "src-creds")), http: srcHttp });
      if (E.isLeft(source)) return report(io, source.left);
      const destination = await openDestination(session, dest, { tlsVerify: destTls, creds: credsOption(stringOption(p.values, "dest-creds")), http: destHttp });
      if (E.isLeft(destination)) return report(io, destination.left);
      const r = await copyImage(source.right, destination.right, { platform, signal, onEvent: progressReporter(io, p.values["quiet"] === true) });
      if (E.isLeft(r)) return interrupted() ? report(io, failure("INTERRUPTED", "interrupted"), exitCodes.interrupted) : report(io, r.left);
      if (p.values["quiet"] !== true) io.stderr("Writing manifest to image destination\n");
      return exitCodes.ok;
    } finally {
      await srcHttp.close();
      await destHttp.close();
    }
  },
});
