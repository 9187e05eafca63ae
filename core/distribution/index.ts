/** Documents of the OCI distribution API that registries and token servers send: codecs, so that none is read by trust. */
export { errorsResponse, tagList, tokenResponse, type ErrorsResponse, type RegistryErrorEntry, type TagList, type TokenResponse } from "./documents.ts";
