import * as E from "fp-ts/lib/Either.js";
import { anyScope } from "../../core/policy/index.ts";
import { normalizeStoreName } from "../../core/store/index.ts";
import { readState } from "../../adapters/store/store.ts";
import type { BuiltinContext } from "../builtin-context.ts";
import type { TransportPlugin } from "../contract.ts";
import { storeSyntax, type StoreReference } from "./reference.ts";
import { storeDestination, storeSource } from "./transport.ts";

/** `store:`: berth's local store. */
export const storePlugin: TransportPlugin<StoreReference, BuiltinContext> = {
  ...storeSyntax,
  // To policy.json, the store's images are `containers-storage` ones, as podman's are; their scopes are not berth's to say.
  policy: { transport: "containers-storage", validateScope: anyScope, identity: async () => ({ scopes: [] }) },
  openSource: async (ref, ctx) => {
    const state = await readState(ctx.store);
    if (E.isLeft(state)) return state;
    const found = ctx.lookup(ref.text, state.right.images);
    return E.isLeft(found) ? found : E.right(storeSource(ctx.store, found.right.image));
  },
  openDestination: async (ref, ctx) => {
    const name = normalizeStoreName(ref.text);
    return E.isLeft(name) ? name : E.right(storeDestination(ctx.store, [name.right]));
  },
};
