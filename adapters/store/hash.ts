import { createHash } from "node:crypto";
import type { Digest } from "../../core/reference/index.ts";

/** `sha256:HEX` of bytes, or of a string's UTF-8 bytes. */
export const sha256Digest = (data: Uint8Array | string): Digest => `sha256:${createHash("sha256").update(data).digest("hex")}` as Digest;

/** `sha256:HEX` of a string's UTF-8 bytes. */
export const sha256Text = (text: string): string => sha256Digest(text);

/** Why a stream was not the blob it claimed to be. */
export interface StreamMismatch {
  readonly code: "DIGEST_MISMATCH" | "SIZE_MISMATCH";
  readonly message: string;
}

/**
 * Passes a blob's bytes on while hashing and counting them, and throws
 * (after recording why in `state.mismatch`) as soon as they cannot be
 * `expected`: more bytes than promised, or, before the last chunk is passed
 * on, the wrong digest or too few bytes. A consumer that uploads the bytes
 * therefore never completes a wrong blob.
 */
export const verifiedStream = (
  source: AsyncIterable<Uint8Array>,
  expected: { readonly digest: string; readonly size: number },
): { readonly stream: AsyncIterable<Uint8Array>; readonly state: { mismatch?: StreamMismatch } } => {
  const state: { mismatch?: StreamMismatch } = {};
  const fail = (m: StreamMismatch): never => {
    state.mismatch = m;
    throw new Error(m.message);
  };
  async function* run(): AsyncIterable<Uint8Array> {
    const hash = createHash("sha256");
    let n = 0;
    // One chunk is held back, so the verdict comes before the last byte goes out.
    let held: Uint8Array | undefined;
    for await (const chunk of source) {
      n += chunk.byteLength;
      if (n > expected.size) fail({ code: "SIZE_MISMATCH", message: `blob ${expected.digest}: more than the expected ${expected.size} bytes` });
      hash.update(chunk);
      if (held !== undefined) yield held;
      held = chunk;
    }
    if (n !== expected.size) fail({ code: "SIZE_MISMATCH", message: `blob ${expected.digest}: got ${n} bytes, expected ${expected.size}` });
    const got = `sha256:${hash.digest("hex")}`;
    if (got !== expected.digest) fail({ code: "DIGEST_MISMATCH", message: `blob ${expected.digest}: content has digest ${got}` });
    if (held !== undefined) yield held;
  }
  return { stream: run(), state };
};

/** Passes a stream on while hashing and counting it: its digest and size once it has ended (`undefined` before). */
export const measuredStream = (
  source: AsyncIterable<Uint8Array>,
): { readonly stream: AsyncIterable<Uint8Array>; readonly result: () => { readonly digest: Digest; readonly size: number } | undefined } => {
  let result: { readonly digest: Digest; readonly size: number } | undefined;
  async function* run(): AsyncIterable<Uint8Array> {
    const hash = createHash("sha256");
    let size = 0;
    for await (const chunk of source) {
      hash.update(chunk);
      size += chunk.byteLength;
      yield chunk;
    }
    result = { digest: `sha256:${hash.digest("hex")}` as Digest, size };
  }
  return { stream: run(), result: () => result };
};
