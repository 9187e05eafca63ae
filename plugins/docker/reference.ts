import * as E from "fp-ts/lib/Either.js";
import { parseNormalizedNamed, tagNameOnly, type Reference } from "../../core/reference/index.ts";
import type { TransportSyntax } from "../../core/transport/index.ts";
import { printable } from "../../core/text.ts";

/** `docker://NAME`: an image in a registry, normalised and tagged `latest` when bare. */
export interface DockerReference {
  readonly reference: Reference;
}

/** Reads `//NAME` as containers/image does; a tag together with a digest is refused, as skopeo does. */
export const dockerSyntax: TransportSyntax<DockerReference> = {
  name: "docker",
  parseReference: (rest) => {
    if (!rest.startsWith("//")) return E.left(`docker references must start with "//", as in "docker://${printable(rest)}"`);
    const parsed = parseNormalizedNamed(rest.slice(2));
    if (E.isLeft(parsed)) return E.left(parsed.left.message);
    if (parsed.right.tag !== undefined && parsed.right.digest !== undefined) {
      return E.left("a docker reference with both a tag and a digest is not supported; give one of them");
    }
    return E.right({ reference: tagNameOnly(parsed.right) });
  },
};
