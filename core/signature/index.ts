/** Signature payloads (containers-signature(5)) shared by simple signing and sigstore. */
export { makePayload, parsePayload, simpleSigningPayloadType, sigstorePayloadType, type PayloadError, type SignedClaim } from "./payload.ts";
export type { StoredSignature } from "./stored.ts";
