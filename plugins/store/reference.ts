import * as E from "fp-ts/lib/Either.js";
import { parseNormalizedNamed } from "../../core/reference/index.ts";
import type { TransportSyntax } from "../../core/transport/index.ts";

/**
 * `store:NAME`: an image in berth's local store, by name, short name, ID
 * prefix (optionally `@ID` or `sha256:ID`). Which image it is depends on the
 * store and registries.conf, so only the text is kept; the store resolves it.
 */
export interface StoreReference {
  readonly text: string;
}

const isIdLike = (s: string): boolean => /^(?:@|sha256:)?[a-f0-9]{1,64}$/.test(s);

/** Accepts anything that is a valid name or looks like an image ID. */
export const storeSyntax: TransportSyntax<StoreReference> = {
  name: "store",
  parseReference: (rest) => {
    if (isIdLike(rest)) return E.right({ text: rest });
    const parsed = parseNormalizedNamed(rest);
    return E.isLeft(parsed) ? E.left(parsed.left.message) : E.right({ text: rest });
  },
};
