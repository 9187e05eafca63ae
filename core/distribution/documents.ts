import * as t from "io-ts";

/** A token server's answer (Docker's token authentication): the token under either of its names. */
export interface TokenResponse {
  token?: string;
  access_token?: string;
  expires_in?: number;
  issued_at?: string;
  refresh_token?: string;
}

/** The codec of {@link TokenResponse}; other fields are ignored. */
export const tokenResponse: t.Type<TokenResponse> = t.partial(
  { token: t.string, access_token: t.string, expires_in: t.number, issued_at: t.string, refresh_token: t.string },
  "a token response",
);

/** One error of a registry's error body. */
export interface RegistryErrorEntry {
  code?: string;
  message?: string;
}

/** A registry's error body (OCI distribution spec): a list of errors. */
export interface ErrorsResponse {
  errors: Array<RegistryErrorEntry>;
}

/** The codec of {@link ErrorsResponse}; `detail` and other fields are ignored. */
export const errorsResponse: t.Type<ErrorsResponse> = t.type({ errors: t.array(t.partial({ code: t.string, message: t.string }, "a registry error")) }, "a registry error body");

/** A page of a repository's tags. */
export interface TagList {
  name?: string;
  tags?: Array<string> | null;
}

/** The codec of {@link TagList}. */
export const tagList: t.Type<TagList> = t.partial({ name: t.string, tags: t.union([t.array(t.string), t.null]) }, "a tag list");
