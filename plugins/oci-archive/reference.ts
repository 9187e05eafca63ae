import type { TransportSyntax } from "../../core/transport/index.ts";
import { ociLayoutSyntax, type OciLayoutReference } from "../oci/reference.ts";

/** `oci-archive:FILE[:NAME]`: a tar of an OCI layout. */
export const ociArchiveSyntax: TransportSyntax<OciLayoutReference> = ociLayoutSyntax("oci-archive");
