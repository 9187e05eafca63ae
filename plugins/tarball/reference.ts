import * as E from "fp-ts/lib/Either.js";
import type { TransportSyntax } from "../../core/transport/index.ts";

/** `tarball:PATH[:PATH…]`: root-filesystem tarballs to import as layers; `-` is standard input. */
export interface TarballReference {
  readonly paths: ReadonlyArray<string>;
}

/** Paths are separated by `:`, as in containers/image's tarball transport. */
export const tarballSyntax: TransportSyntax<TarballReference> = {
  name: "tarball",
  parseReference: (rest) => {
    const paths = rest.split(":");
    return paths.some((p) => p === "") ? E.left("tarball needs one or more paths: tarball:PATH[:PATH...]") : E.right({ paths });
  },
};
