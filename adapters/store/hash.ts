import { createHash } from "node:crypto";
import type { Digest } from "../../core/reference/index.ts";

/** `sha256:HEX` of bytes, or of a string's UTF-8 bytes. */
export const sha256Digest = (data: Uint8Array | string): Digest => `sha256:${createHash("sha256").update(data).digest("hex")}` as Digest;

/** `sha256:HEX` of a string's UTF-8 bytes. */
export const sha256Text = (text: string): string => sha256Digest(text);
