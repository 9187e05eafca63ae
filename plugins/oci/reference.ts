import * as E from "fp-ts/lib/Either.js";
import type { TransportSyntax } from "../../core/transport/index.ts";
import { quoted } from "../../core/text.ts";
import { isOciRefName, splitPathAndName } from "../path-and-name.ts";

/** An OCI layout (directory or archive) and, optionally, the `ref.name` of one image in it. */
export interface OciLayoutReference {
  readonly path: string;
  readonly name?: string;
}

/** The `PATH[:NAME]` syntax of `oci:` and `oci-archive:`. */
export const ociLayoutSyntax = (transport: string): TransportSyntax<OciLayoutReference> => ({
  name: transport,
  parseReference: (rest) => {
    const { path, name } = splitPathAndName(rest);
    if (path === "") return E.left(`${transport} needs a path: ${transport}:PATH[:NAME]`);
    if (name === undefined || name === "") return E.right({ path });
    return isOciRefName(name) ? E.right({ path, name }) : E.left(`invalid image name ${quoted(name)} in an OCI layout`);
  },
});

/** `oci:DIR[:NAME]` */
export const ociSyntax: TransportSyntax<OciLayoutReference> = ociLayoutSyntax("oci");
