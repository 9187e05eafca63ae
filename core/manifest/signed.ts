/**
 * The bytes a manifest's digest is taken over. For Docker schema 1 manifests
 * signed with JWS (libtrust's "pretty" signatures) that is the payload without
 * the signatures: the first `formatLength` bytes and the base64url
 * `formatTail` of the first signature's protected header, as
 * containers/image's manifest.Digest computes it; any other manifest is its
 * own payload.
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { failure, type Failure } from "../failure.ts";

const protectedHeader = t.type({ formatLength: t.number, formatTail: t.string });
const signedSchema1 = t.type({ schemaVersion: t.literal(1), signatures: t.array(t.type({ protected: t.string })) });

/** Decodes base64url (padding optional); undefined for anything else. */
const base64url = (text: string): Uint8Array | undefined => {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text) || text.replace(/=+$/, "").length % 4 === 1) return undefined;
  const plain = text.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(plain + "=".repeat((4 - (plain.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
};

/** What `manifest` says, if it is a JSON object; undefined for anything else. */
const jsonOf = (bytes: Uint8Array): unknown => {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
};

/**
 * The payload whose sha256 is the manifest's digest (`skopeo manifest-digest`):
 * `bytes` itself unless it is a JWS-signed schema 1 manifest, whose signatures
 * are taken out; a signature header that does not describe the bytes is an error.
 */
export const manifestPayload = (bytes: Uint8Array): E.Either<Failure, Uint8Array> => {
  const doc = signedSchema1.decode(jsonOf(bytes));
  if (E.isLeft(doc)) return E.right(bytes);
  const first = doc.right.signatures[0];
  if (first === undefined) return E.right(bytes);
  const headerBytes = base64url(first.protected);
  const header = headerBytes === undefined ? undefined : protectedHeader.decode(jsonOf(headerBytes));
  if (header === undefined || E.isLeft(header)) return E.left(failure("INVALID_MANIFEST", "a schema 1 manifest signature whose protected header is not base64url JSON with formatLength and formatTail"));
  const { formatLength, formatTail } = header.right;
  const tail = base64url(formatTail);
  if (!Number.isSafeInteger(formatLength) || formatLength < 0 || formatLength > bytes.length || tail === undefined) {
    return E.left(failure("INVALID_MANIFEST", "a schema 1 manifest signature whose formatLength or formatTail does not fit the manifest"));
  }
  const payload = new Uint8Array(formatLength + tail.length);
  payload.set(bytes.subarray(0, formatLength));
  payload.set(tail, formatLength);
  return E.right(payload);
};
