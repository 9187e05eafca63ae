/**
 * Base64 of UTF-8 text, with the platform's `atob`/`btoa` (pure functions on
 * both Node and Deno) and `TextEncoder`/`TextDecoder`.
 */

/** Decodes base64 to UTF-8 text; `undefined` when it is not valid base64. */
export const decodeBase64Text = (b64: string): string | undefined => {
  try {
    const binary = atob(b64.trim());
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
};

/** Encodes UTF-8 text as base64. */
export const encodeBase64Text = (text: string): string => {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
};
