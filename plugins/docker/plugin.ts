import * as E from "fp-ts/lib/Either.js";
import { repositoryName } from "../../core/reference/index.ts";
import { credentialsFor } from "../../adapters/config/auth.ts";
import type { BuiltinContext } from "../builtin-context.ts";
import type { TransportPlugin } from "../contract.ts";
import { dockerSyntax, type DockerReference } from "./reference.ts";
import type { RegistryContext } from "./registry.ts";
import { registryDestination, registrySource } from "./transport.ts";

const registryContext = async (ref: DockerReference, ctx: BuiltinContext) => {
  const creds = ctx.creds === undefined ? await credentialsFor(ctx.host, repositoryName(ref.reference)) : E.right(ctx.creds);
  return E.isLeft(creds) ? creds : E.right<never, RegistryContext>({ http: ctx.http, ...(creds.right === undefined ? {} : { credentials: creds.right }) });
};

/** `docker://`: images in registries. */
export const dockerPlugin: TransportPlugin<DockerReference, BuiltinContext> = {
  ...dockerSyntax,
  openSource: async (ref, ctx) => {
    const r = await registryContext(ref, ctx);
    return E.isLeft(r) ? r : E.right(registrySource(ref.reference, r.right, ctx.tlsVerify === false));
  },
  openDestination: async (ref, ctx) => {
    const r = await registryContext(ref, ctx);
    return E.isLeft(r) ? r : E.right(registryDestination(ref.reference, r.right, ctx.tlsVerify === false));
  },
};
