import * as E from "fp-ts/lib/Either.js";
import type { TransportSyntax } from "../../core/transport/index.ts";

/** `dir:PATH`: the containers/image directory format. */
export interface DirReference {
  readonly path: string;
}

/** Everything after `dir:` is the path. */
export const dirSyntax: TransportSyntax<DirReference> = {
  name: "dir",
  parseReference: (rest) => (rest === "" ? E.left("dir needs a path: dir:PATH") : E.right({ path: rest })),
};
