import * as E from "fp-ts/lib/Either.js";
import { parseNormalizedNamed, tagNameOnly, type Reference } from "../../core/reference/index.ts";
import type { TransportSyntax } from "../../core/transport/index.ts";
import { quoted } from "../../core/text.ts";
import { splitPathAndName } from "../path-and-name.ts";

/** `docker-archive:PATH[:NAME|:@INDEX]`: a `docker save` tarball, one image of it by name or position. */
export interface DockerArchiveReference {
  readonly path: string;
  readonly name?: Reference;
  readonly index?: number;
}

/** Reads `PATH[:NAME|:@INDEX]` as containers/image does. */
export const dockerArchiveSyntax: TransportSyntax<DockerArchiveReference> = {
  name: "docker-archive",
  parseReference: (rest) => {
    const { path, name } = splitPathAndName(rest);
    if (path === "") return E.left("docker-archive needs a path: docker-archive:PATH[:NAME|:@INDEX]");
    if (name === undefined) return E.right({ path });
    if (name.startsWith("@")) {
      const digits = name.slice(1);
      return /^[0-9]{1,9}$/.test(digits)
        ? E.right({ path, index: Number(digits) })
        : E.left(`invalid source index ${quoted(name)}: expected @ and a non-negative number`);
    }
    const parsed = parseNormalizedNamed(name);
    if (E.isLeft(parsed)) return E.left(parsed.left.message);
    if (parsed.right.digest !== undefined) return E.left("docker-archive does not support digest references");
    return E.right({ path, name: tagNameOnly(parsed.right) });
  },
};
