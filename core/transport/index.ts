/** Transport-qualified image names (`docker://…`, `oci:DIR:NAME`, …). */
export { imageNameError, parseImageName, type ImageName, type ImageNameError, type TransportSyntax } from "./name.ts";
