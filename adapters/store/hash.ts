import { createHash } from "node:crypto";

/** `sha256:HEX` of a string's UTF-8 bytes. */
export const sha256Text = (text: string): string => `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
