import { encodeBase64Text } from "../base64.ts";
import type { AuthDocument } from "./document.ts";
import { normalizeAuthKey } from "./keys.ts";

/** The auth file with `key` set to these credentials; every other field is kept. */
export const setCredentials =
  (key: string, username: string, password: string) =>
  (doc: AuthDocument): AuthDocument => ({
    ...doc,
    auths: { ...(doc.auths ?? {}), [key]: { auth: encodeBase64Text(`${username}:${password}`) } },
  });

/**
 * The auth file without the entries for `key` (in any of its spellings), and
 * whether there were any.
 */
export const removeCredentials =
  (key: string) =>
  (doc: AuthDocument): { readonly document: AuthDocument; readonly removed: boolean } => {
    const auths = doc.auths ?? {};
    const wanted = normalizeAuthKey(key, false);
    const kept = Object.fromEntries(Object.entries(auths).filter(([k]) => k !== key && normalizeAuthKey(k, false) !== wanted));
    return { document: { ...doc, auths: kept }, removed: Object.keys(kept).length !== Object.keys(auths).length };
  };

/** The auth file without any credentials (`logout --all`). */
export const removeAllCredentials = (doc: AuthDocument): AuthDocument => ({ ...doc, auths: {} });
