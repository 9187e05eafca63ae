import * as E from "fp-ts/lib/Either.js";
import { repositoryName } from "../../core/reference/index.ts";
import { credentialsFor } from "../../adapters/config/auth.ts";
import type { BuiltinContext } from "../builtin-context.ts";
import type { TransportPlugin } from "../contract.ts";
import { dockerSyntax, type DockerReference } from "./reference.ts";
import { registrySignatureStore } from "./signature-store.ts";
import { registryClient, type RegistryContext } from "./registry.ts";
import { registryDestination, registrySource } from "./transport.ts";

const registryContext = async (ref: DockerReference, ctx: BuiltinContext) => {
  const creds = ctx.creds === undefined ? await credentialsFor(ctx.host, repositoryName(ref.reference)) : E.right(ctx.creds);
  return E.isLeft(creds) ? creds : E.right<never, RegistryContext>({ http: ctx.http, ...(creds.right === undefined ? {} : { credentials: creds.right }) });
};

/** Where the image's signatures live (registries.d), for carrying them along a copy. */
const signatureStore = (ref: DockerReference, ctx: BuiltinContext, registry: RegistryContext) =>
  registrySignatureStore(ctx.host, ref.reference, () => registryClient({ registry: ref.reference.domain, repository: ref.reference.path, insecure: ctx.tlsVerify === false }, registry, true), ctx.http, ctx.registriesD);

/** `docker://`: images in registries, with their signatures where registries.d says they are stored. */
export const dockerPlugin: TransportPlugin<DockerReference, BuiltinContext> = {
  ...dockerSyntax,
  openSource: async (ref, ctx) => {
    const r = await registryContext(ref, ctx);
    if (E.isLeft(r)) return r;
    const store = await signatureStore(ref, ctx, r.right);
    if (E.isLeft(store)) return store;
    return E.right({ ...registrySource(ref.reference, r.right, ctx.tlsVerify === false), signatures: store.right.read });
  },
  openDestination: async (ref, ctx) => {
    const r = await registryContext(ref, ctx);
    if (E.isLeft(r)) return r;
    const store = await signatureStore(ref, ctx, r.right);
    if (E.isLeft(store)) return store;
    return E.right({ ...registryDestination(ref.reference, r.right, ctx.tlsVerify === false), putSignatures: store.right.write });
  },
};
