import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { decodeDocument, type InvalidDocument } from "../codec.ts";

/** One `auths` entry of an auth file. */
export interface AuthEntry {
  auth?: string;
  identitytoken?: string;
  email?: string;
}

/** The fields of an auth file berth reads. */
export interface AuthFields {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** One `auths` entry of an auth file. */
export const authEntry: t.Type<AuthEntry> = t.partial({ auth: t.string, identitytoken: t.string, email: t.string }, "an auth entry");

/** containers-auth.json(5) and docker's config.json: only the fields berth reads are checked. */
export const authDocument: t.Type<AuthFields> = t.partial(
  {
    auths: t.record(t.string, authEntry, "a table of auth entries"),
    credHelpers: t.record(t.string, t.string, "a table of helper names"),
    credsStore: t.string,
  },
  "an auth file",
);

/** A decoded auth file; other fields it had are kept when it is rewritten. */
export type AuthDocument = AuthFields & Readonly<Record<string, unknown>>;

/** The legacy `~/.dockercfg`: the `auths` table at the top level. */
export const legacyAuthDocument = t.record(t.string, authEntry, "a table of auth entries");

/** Where an auth file is and which format it has. */
export interface AuthFileLocation {
  readonly path: string;
  /** `~/.dockercfg`: entries at the top level, keys are URLs. */
  readonly legacy: boolean;
}

/** An auth file as read. */
export interface AuthFile extends AuthFileLocation {
  readonly document: AuthDocument;
}

/** Checks a parsed JSON value read from `location`. */
export const decodeAuthFile =
  (location: AuthFileLocation) =>
  (value: unknown): E.Either<InvalidDocument, AuthFile> => {
    if (location.legacy) {
      const r = decodeDocument(legacyAuthDocument, location.path)(value);
      return E.isLeft(r) ? r : E.right({ ...location, document: { auths: r.right } });
    }
    const r = decodeDocument(authDocument, location.path)(value);
    return E.isLeft(r) ? r : E.right({ ...location, document: { ...(value as Record<string, unknown>), ...r.right } });
  };
