import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { decodeDocument, unknownKeys } from "../codec.ts";
import { failure, type Failure } from "../failure.ts";
import { printable } from "../text.ts";
import type { ScopeRules } from "./scopes.ts";
import { parseStrictJson } from "./strict-json.ts";

/** What a signature must claim about the image's identity (containers-policy.json(5) `signedIdentity`). */
export type IdentityMatcher =
  | { readonly type: "matchExact" }
  | { readonly type: "matchRepoDigestOrExact" }
  | { readonly type: "matchRepository" }
  | { readonly type: "exactReference"; readonly dockerReference: string }
  | { readonly type: "exactRepository"; readonly dockerRepository: string }
  | { readonly type: "remapIdentity"; readonly prefix: string; readonly signedPrefix: string };

/** Where a requirement's public keys come from: files, or the bytes themselves (base64 in the file, decoded here). */
export type KeySource = { readonly kind: "paths"; readonly paths: ReadonlyArray<string> } | { readonly kind: "data"; readonly data: ReadonlyArray<string> };

/** One policy requirement; an image is accepted when every requirement of its scope is satisfied. */
export type Requirement =
  | { readonly type: "insecureAcceptAnything" }
  | { readonly type: "reject" }
  | { readonly type: "signedBy"; readonly keys: KeySource; readonly signedIdentity: IdentityMatcher }
  | {
      readonly type: "sigstoreSigned";
      /** Public keys; absent when the requirement uses Fulcio certificates, which berth does not verify. */
      readonly keys?: KeySource;
      /** Why this requirement cannot be verified here (Fulcio, Rekor), to be reported, never silently passed. */
      readonly unsupported?: string;
      readonly signedIdentity: IdentityMatcher;
    };

/** A policy: the global default, and per transport, per scope requirements (scope `""` is the transport's default). */
export interface Policy {
  readonly default: ReadonlyArray<Requirement>;
  readonly transports: Readonly<Record<string, Readonly<Record<string, ReadonlyArray<Requirement>>>>>;
}

/** A policy document that is not valid: the whole file is refused. */
export type PolicyError = Failure<"INVALID_CONFIG">;

const bad = (where: string, message: string): E.Either<PolicyError, never> => E.left(failure("INVALID_CONFIG", `${where}: ${message}`));

/** Decodes one object with a codec, refusing keys other than `known` (the file is strict about fields). */
const strictly = <A>(codec: t.Decoder<unknown, A>, known: ReadonlyArray<string>, where: string, path: string, value: unknown): E.Either<PolicyError, A> => {
  const extra = unknownKeys(value, known, path);
  if (extra.length > 0) return bad(where, `unknown field "${printable(extra[0] ?? "")}"`);
  return decodeDocument(codec, path === "" ? where : `${where}: ${path}`)(value);
};

const identityCodecs = {
  matchExact: t.type({ type: t.literal("matchExact") }),
  matchRepoDigestOrExact: t.type({ type: t.literal("matchRepoDigestOrExact") }),
  matchRepository: t.type({ type: t.literal("matchRepository") }),
  exactReference: t.type({ type: t.literal("exactReference"), dockerReference: t.string }),
  exactRepository: t.type({ type: t.literal("exactRepository"), dockerRepository: t.string }),
  remapIdentity: t.type({ type: t.literal("remapIdentity"), prefix: t.string, signedPrefix: t.string }),
} as const;

const decodeIdentity = (value: unknown, where: string, path: string): E.Either<PolicyError, IdentityMatcher> => {
  const type = typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined;
  if (typeof type !== "string" || !(type in identityCodecs)) {
    return bad(where, `${path}: unknown identity requirement type "${printable(String(type))}"`);
  }
  const codec = identityCodecs[type as keyof typeof identityCodecs];
  return strictly<IdentityMatcher>(codec, Object.keys(codec.props), where, path, value);
};

const keySource = (
  r: { keyPath?: string; keyPaths?: string[]; keyData?: string; keyDatas?: string[] },
  where: string,
  path: string,
  allowDatas: boolean,
): E.Either<PolicyError, KeySource | undefined> => {
  const given = [r.keyPath, r.keyPaths, r.keyData, ...(allowDatas ? [r.keyDatas] : [])].filter((x) => x !== undefined).length;
  if (given > 1) return bad(where, `${path}: give only one of keyPath, keyPaths, keyData${allowDatas ? ", keyDatas" : ""}`);
  if (r.keyPath !== undefined) return E.right({ kind: "paths", paths: [r.keyPath] });
  if (r.keyPaths !== undefined) return r.keyPaths.length === 0 ? bad(where, `${path}: keyPaths is empty`) : E.right({ kind: "paths", paths: r.keyPaths });
  if (r.keyData !== undefined) return E.right({ kind: "data", data: [r.keyData] });
  if (r.keyDatas !== undefined) return r.keyDatas.length === 0 ? bad(where, `${path}: keyDatas is empty`) : E.right({ kind: "data", data: r.keyDatas });
  return E.right(undefined);
};

const signedByCodec = t.intersection([
  t.type({ type: t.literal("signedBy"), keyType: t.string }),
  t.partial({ keyPath: t.string, keyPaths: t.array(t.string), keyData: t.string, signedIdentity: t.unknown }),
]);
const sigstoreCodec = t.intersection([
  t.type({ type: t.literal("sigstoreSigned") }),
  t.partial({ keyPath: t.string, keyPaths: t.array(t.string), keyData: t.string, keyDatas: t.array(t.string), fulcio: t.unknown, rekorPublicKeyPath: t.string, rekorPublicKeyPaths: t.array(t.string), rekorPublicKeyData: t.string, rekorPublicKeyDatas: t.array(t.string), signedIdentity: t.unknown }),
]);

const decodeRequirement = (value: unknown, where: string, path: string): E.Either<PolicyError, Requirement> => {
  const type = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as { type?: unknown }).type : undefined;
  const identity = (v: unknown): E.Either<PolicyError, IdentityMatcher> =>
    v === undefined ? E.right({ type: "matchRepoDigestOrExact" }) : decodeIdentity(v, where, `${path}.signedIdentity`);
  switch (type) {
    case "insecureAcceptAnything":
    case "reject":
      return strictly(t.type({ type: t.literal(type) }), ["type"], where, path, value);
    case "signedBy": {
      const r = strictly(signedByCodec, ["type", "keyType", "keyPath", "keyPaths", "keyData", "signedIdentity"], where, path, value);
      if (E.isLeft(r)) return r;
      if (r.right.keyType !== "GPGKeys") return bad(where, `${path}: unsupported keyType "${printable(r.right.keyType)}" (only GPGKeys)`);
      const keys = keySource(r.right, where, path, false);
      if (E.isLeft(keys)) return keys;
      if (keys.right === undefined) return bad(where, `${path}: signedBy needs one of keyPath, keyPaths, keyData`);
      const id = identity(r.right.signedIdentity);
      return E.isLeft(id) ? id : E.right({ type: "signedBy", keys: keys.right, signedIdentity: id.right });
    }
    case "sigstoreSigned": {
      const known = ["type", "keyPath", "keyPaths", "keyData", "keyDatas", "fulcio", "rekorPublicKeyPath", "rekorPublicKeyPaths", "rekorPublicKeyData", "rekorPublicKeyDatas", "signedIdentity"];
      const r = strictly(sigstoreCodec, known, where, path, value);
      if (E.isLeft(r)) return r;
      const keys = keySource(r.right, where, path, true);
      if (E.isLeft(keys)) return keys;
      const fulcio = r.right.fulcio !== undefined;
      if (fulcio === (keys.right !== undefined)) return bad(where, `${path}: sigstoreSigned needs exactly one of a public key (keyPath, keyPaths, keyData, keyDatas) or fulcio`);
      const rekor = [r.right.rekorPublicKeyPath, r.right.rekorPublicKeyPaths, r.right.rekorPublicKeyData, r.right.rekorPublicKeyDatas].some((x) => x !== undefined);
      const id = identity(r.right.signedIdentity);
      if (E.isLeft(id)) return id;
      const unsupported = fulcio ? "Fulcio certificates are not supported by berth" : rekor ? "Rekor transparency-log checks are not supported by berth" : undefined;
      return E.right({ type: "sigstoreSigned", ...(keys.right === undefined ? {} : { keys: keys.right }), ...(unsupported === undefined ? {} : { unsupported }), signedIdentity: id.right });
    }
    default:
      return bad(where, `${path}: unknown requirement type "${printable(String(type))}"`);
  }
};

const decodeRequirements = (value: unknown, where: string, path: string): E.Either<PolicyError, Requirement[]> => {
  if (!Array.isArray(value)) return bad(where, `${path}: expected a list of requirements`);
  if (value.length === 0) return bad(where, `${path}: the list of requirements is empty (use insecureAcceptAnything to accept anything)`);
  const out: Requirement[] = [];
  for (const [i, v] of value.entries()) {
    const r = decodeRequirement(v, where, `${path}.${i}`);
    if (E.isLeft(r)) return r;
    out.push(r.right);
  }
  return E.right(out);
};

/**
 * Reads a policy.json text strictly, as containers/image does: unknown or
 * duplicated fields, unknown transports, invalid scopes and empty requirement
 * lists refuse the whole file with one line naming the field. Which
 * transports exist and which scopes each takes is `rules` (the transports say).
 */
export const parsePolicy =
  (where: string, rules: ScopeRules) =>
  (text: string): E.Either<PolicyError, Policy> => {
    const doc = parseStrictJson(where)(text);
    if (E.isLeft(doc)) return doc;
    const top = doc.right;
    if (typeof top !== "object" || top === null || Array.isArray(top)) return bad(where, "expected a JSON object");
    const extra = unknownKeys(top, ["default", "transports"], "");
    if (extra.length > 0) return bad(where, `unknown field "${printable(extra[0] ?? "")}"`);
    const record = top as { default?: unknown; transports?: unknown };
    if (record.default === undefined) return bad(where, `the "default" requirements are missing`);
    const defaults = decodeRequirements(record.default, where, "default");
    if (E.isLeft(defaults)) return defaults;
    const transports: Record<string, Record<string, Requirement[]>> = {};
    if (record.transports !== undefined) {
      if (typeof record.transports !== "object" || record.transports === null || Array.isArray(record.transports)) return bad(where, `"transports" must be an object`);
      for (const [name, scopes] of Object.entries(record.transports)) {
        const rule = Object.prototype.hasOwnProperty.call(rules, name) ? rules[name] : undefined;
        if (rule === undefined) return bad(where, `unknown transport "${printable(name)}"`);
        if (typeof scopes !== "object" || scopes === null || Array.isArray(scopes)) return bad(where, `transports.${name} must be an object`);
        const table: Record<string, Requirement[]> = {};
        for (const [scope, reqs] of Object.entries(scopes)) {
          const valid = scope === "" ? undefined : rule(scope);
          if (valid !== undefined) return bad(where, `transports.${name}: invalid scope "${printable(scope)}": ${valid}`);
          const r = decodeRequirements(reqs, where, `transports.${name}.${scope}`);
          if (E.isLeft(r)) return r;
          Object.defineProperty(table, scope, { value: r.right, enumerable: true });
        }
        Object.defineProperty(transports, name, { value: table, enumerable: true });
      }
    }
    return E.right({ default: defaults.right, transports });
  };
