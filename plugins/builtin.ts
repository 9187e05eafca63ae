import type { ImageName, TransportSyntax } from "../core/transport/index.ts";
import { dirSyntax, type DirReference } from "./dir/reference.ts";
import { dockerArchiveSyntax, type DockerArchiveReference } from "./docker-archive/reference.ts";
import { dockerSyntax, type DockerReference } from "./docker/reference.ts";
import { ociArchiveSyntax } from "./oci-archive/reference.ts";
import { ociSyntax, type OciLayoutReference } from "./oci/reference.ts";
import { storeSyntax, type StoreReference } from "./store/reference.ts";
import { tarballSyntax, type TarballReference } from "./tarball/reference.ts";

/** What any built-in transport's name parses to. */
export type BuiltinReference =
  | DockerReference
  | DockerArchiveReference
  | OciLayoutReference
  | DirReference
  | TarballReference
  | StoreReference;

/** A name parsed by one of the built-in transports. */
export type BuiltinImageName = ImageName<BuiltinReference>;

/** The name syntaxes of the transports berth ships with. */
export const builtinTransports: ReadonlyArray<TransportSyntax<BuiltinReference>> = [
  dockerSyntax,
  dockerArchiveSyntax,
  ociArchiveSyntax,
  ociSyntax,
  dirSyntax,
  tarballSyntax,
  storeSyntax,
];
