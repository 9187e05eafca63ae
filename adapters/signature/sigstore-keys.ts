import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, scrypt, type KeyObject } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../../core/failure.ts";

/**
 * Sigstore (cosign) key files, as skopeo and cosign read and write them: the
 * private key is PKCS#8 DER sealed with NaCl secretbox under a key derived by
 * scrypt from the passphrase, wrapped in JSON and PEM; the public key is SPKI PEM.
 * tweetnacl provides secretbox (XSalsa20-Poly1305), which node:crypto lacks;
 * it loads only when a key is made or opened.
 */
const pemTypes = ["ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY"];
const scryptParams = { N: 32768, r: 8, p: 1 };

const derive = (passphrase: Uint8Array, salt: Uint8Array, params: { N: number; r: number; p: number }): Promise<Uint8Array> =>
  new Promise((resolve, reject) =>
    scrypt(passphrase, salt, 32, { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + (1 << 20) }, (err, key) =>
      err === null ? resolve(new Uint8Array(key)) : reject(err),
    ),
  );

const pem = (type: string, der: Uint8Array): string =>
  `-----BEGIN ${type}-----\n${(Buffer.from(der).toString("base64").match(/.{1,64}/g) ?? []).join("\n")}\n-----END ${type}-----\n`;

/** A new ECDSA P-256 key pair: the public key PEM, and the private key PEM sealed with `passphrase`. */
export const generateSigstoreKey = async (passphrase: Uint8Array): Promise<{ publicPem: string; privatePem: string }> => {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const der = privateKey.export({ format: "der", type: "pkcs8" });
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  const key = await derive(passphrase, salt, scryptParams);
  const { default: nacl } = await import("tweetnacl");
  const sealed = nacl.secretbox(new Uint8Array(der), new Uint8Array(nonce), key);
  const doc = {
    kdf: { name: "scrypt", params: scryptParams, salt: salt.toString("base64") },
    cipher: { name: "nacl/secretbox", nonce: nonce.toString("base64") },
    ciphertext: Buffer.from(sealed).toString("base64"),
  };
  return { publicPem: publicKey.export({ format: "pem", type: "spki" }).toString(), privatePem: pem(pemTypes[0] ?? "", new TextEncoder().encode(JSON.stringify(doc))) };
};

/** Opens a sealed private key file with its passphrase; a wrong passphrase or a damaged file is one line. */
export const openSigstoreKey = async (text: string, passphrase: Uint8Array, where: string): Promise<E.Either<Failure, KeyObject>> => {
  const m = /-----BEGIN ([A-Z ]+)-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END \1-----/.exec(text);
  if (m === null || !pemTypes.includes(m[1] ?? "")) return E.left(failure("INVALID_KEY", `${where}: not an encrypted sigstore private key`));
  let doc: { kdf?: { name?: string; params?: { N?: number; r?: number; p?: number }; salt?: string }; cipher?: { name?: string; nonce?: string }; ciphertext?: string };
  try {
    doc = JSON.parse(Buffer.from((m[2] ?? "").replace(/\s+/g, ""), "base64").toString("utf8")) as typeof doc;
  } catch {
    return E.left(failure("INVALID_KEY", `${where}: the key's contents are not JSON`));
  }
  const params = doc.kdf?.params;
  if (doc.kdf?.name !== "scrypt" || doc.cipher?.name !== "nacl/secretbox" || params?.N === undefined || params.r === undefined || params.p === undefined) {
    return E.left(failure("INVALID_KEY", `${where}: unsupported key encryption (expected scrypt and nacl/secretbox)`));
  }
  // Bounded, so that a hostile key file cannot ask for gigabytes of scrypt memory.
  if (params.N > 1 << 20 || params.r > 32 || params.p > 16) return E.left(failure("INVALID_KEY", `${where}: scrypt parameters too large`));
  const key = await derive(passphrase, Buffer.from(doc.kdf.salt ?? "", "base64"), { N: params.N, r: params.r, p: params.p }).catch(() => undefined);
  if (key === undefined) return E.left(failure("INVALID_KEY", `${where}: invalid scrypt parameters`));
  const { default: nacl } = await import("tweetnacl");
  const opened = nacl.secretbox.open(new Uint8Array(Buffer.from(doc.ciphertext ?? "", "base64")), new Uint8Array(Buffer.from(doc.cipher.nonce ?? "", "base64")), key);
  if (opened === null) return E.left(failure("INVALID_KEY", `${where}: wrong passphrase, or a damaged key`));
  try {
    return E.right(createPrivateKey({ key: Buffer.from(opened), format: "der", type: "pkcs8" }));
  } catch (e) {
    return E.left(failure("INVALID_KEY", `${where}: ${(e as Error).message}`));
  }
};

/** The public half of a private key, as PEM. */
export const publicPemOf = (key: KeyObject): string => createPublicKey(key).export({ format: "pem", type: "spki" }).toString();
