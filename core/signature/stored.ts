/** A signature as stored beside an image: GPG simple signing bytes, or a sigstore payload and its signature. */
export type StoredSignature =
  | { readonly kind: "simple"; readonly bytes: Uint8Array }
  | { readonly kind: "sigstore"; readonly payload: Uint8Array; readonly signature: string };
