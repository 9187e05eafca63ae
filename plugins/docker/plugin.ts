import * as E from "fp-ts/lib/Either.js";
import { anyScope, repositoryScopes } from "../../core/policy/index.ts";
import type { BuiltinContext, RegistryConversation } from "../builtin-context.ts";
import type { TransportPlugin } from "../contract.ts";
import { dockerSyntax, type DockerReference } from "./reference.ts";
import { registryClient } from "./registry.ts";
import { registrySignatureStore } from "./signature-store.ts";
import { registryDestination, registrySource } from "./transport.ts";

/** Where the image's signatures live (registries.d), for carrying them along a copy. */
const signatureStore = (ref: DockerReference, ctx: BuiltinContext, conversation: RegistryConversation) =>
  registrySignatureStore(
    ctx.host,
    ref.reference,
    () => registryClient({ registry: ref.reference.domain, repository: ref.reference.path, insecure: conversation.insecure }, conversation.context, true),
    ctx.http,
    ctx.registriesD,
  );

/** `docker://`: images in registries, with their signatures where registries.d says they are stored. */
export const dockerPlugin: TransportPlugin<DockerReference, BuiltinContext> = {
  ...dockerSyntax,
  // A registry image is known by its name and that name's namespaces; any scope is taken (one that is no name never matches).
  policy: { transport: "docker", validateScope: anyScope, identity: async (ref) => ({ scopes: repositoryScopes(ref.reference), reference: ref.reference }) },
  openSource: async (ref, ctx) => {
    const r = await ctx.registry(ref.reference, false);
    if (E.isLeft(r)) return r;
    const store = await signatureStore(ref, ctx, r.right);
    if (E.isLeft(store)) return store;
    return E.right({ ...registrySource(ref.reference, r.right.context, r.right.insecure), signatures: store.right.read });
  },
  openDestination: async (ref, ctx) => {
    const r = await ctx.registry(ref.reference, true);
    if (E.isLeft(r)) return r;
    const store = await signatureStore(ref, ctx, r.right);
    if (E.isLeft(store)) return store;
    return E.right({ ...registryDestination(ref.reference, r.right.context, r.right.insecure), putSignatures: store.right.write });
  },
};
