import * as E from "fp-ts/lib/Either.js";
import { hashesAhead, type Hasher } from "../../adapters/bytes/hash-ahead.ts";
import { parseChallenges, repositoryScope } from "../../core/auth/index.ts";
import { encodeBase64Text } from "../../core/base64.ts";
import { printable } from "../../core/text.ts";
import { decodeDocument } from "../../core/codec.ts";
import { errorsResponse, tagList, tokenResponse } from "../../core/distribution/index.ts";
import type * as t from "io-ts";
import { failure, type Failure } from "../../core/failure.ts";
import { maxManifestBytes, mediaTypes } from "../../core/manifest/index.ts";
import { isTag, parseDigest, type Digest } from "../../core/reference/index.ts";
import type { HttpClient, HttpResponse } from "../../adapters/http/client.ts";
import { sha256Digest as sha256 } from "../../adapters/store/hash.ts";

/** Credentials for one registry. */
export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
  readonly identityToken?: string;
}

/** Where a repository is and how to reach it. */
export interface RepositoryEndpoint {
  /** `host[:port]` as in the reference; `docker.io` is reached at registry-1.docker.io. */
  readonly registry: string;
  readonly repository: string;
  /** Plain HTTP allowed (registries.conf `insecure`, or `--tls-verify=false`). */
  readonly insecure: boolean;
}

/** Everything a registry conversation needs. */
export interface RegistryContext {
  readonly http: HttpClient;
  readonly credentials?: RegistryCredentials;
  /** Retries after 429, 5xx and connection failures (default 3); 401, 403 and 404 are never retried. */
  readonly retries?: number;
  /** Milliseconds before the first retry, doubled each time, with jitter (default 200). */
  readonly retryDelayMs?: number;
  /** A bearer token sent on every request as it is; no other authentication is tried. */
  readonly registryToken?: string;
}

const retryable = (status: number): boolean => status === 429 || status >= 500;

/** A JSON body read (at most `limit` bytes) and checked by its codec; the reason in one line when it is not one. */
const documentOf = async <A>(r: HttpResponse, limit: number, codec: t.Decoder<unknown, A>): Promise<E.Either<string, A>> => {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(await r.bytes(limit)));
  } catch (e) {
    await r.dump();
    return E.left((e as Error).message.split("\n")[0] ?? "not JSON");
  }
  const doc = decodeDocument(codec, "the body")(value);
  return E.isLeft(doc) ? E.left(doc.left.message) : E.right(doc.right);
};

/** Waits `ms`, or less when `signal` aborts (Ctrl-C does not wait out a backoff). */
const pause = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });

/** Redirects followed for one request, as skopeo follows them (Go's limit). */
const maxRedirects = 10;

/** How much longer than the idle limit a registry may take to answer the end of an upload (it verifies and moves the blob first). */
const uploadAnswerFactor = 10;

const manifestAccept = [mediaTypes.ociManifest, mediaTypes.ociIndex, mediaTypes.dockerManifest, mediaTypes.dockerManifestList].join(", ");

const apiHost = (registry: string): string => (registry === "docker.io" ? "registry-1.docker.io" : registry);


/** A tag or a digest as the reference grammar allows them: the only things that go into a manifest URL. */
const isManifestReference = (s: string): boolean => isTag(s) || E.isRight(parseDigest(s));

/** A conversation with one repository: scheme chosen once, tokens cached per scope. */
export interface RegistryClient {
  readonly endpoint: RepositoryEndpoint;
  /** GET or HEAD a manifest by tag or digest. */
  /** GET a manifest by tag or digest (anything else is refused before a request is made). */
  readonly getManifest: (reference: string) => Promise<E.Either<Failure, { bytes: Uint8Array; mediaType: string; digest: Digest }>>;
  /**
   * A blob's bytes, resumed with Range requests when the connection breaks.
   * A caller that stops early ends it through its iterator's `return()`,
   * which closes the response.
   */
  readonly getBlob: (digest: Digest) => Promise<E.Either<Failure, AsyncIterable<Uint8Array>>>;
  readonly hasBlob: (digest: Digest) => Promise<E.Either<Failure, boolean>>;
  /** Uploads a blob. */
  readonly putBlob: (digest: Digest, size: number, body: () => AsyncIterable<Uint8Array>) => Promise<E.Either<Failure, "uploaded">>;
  /**
   * Uploads a blob whose digest is known only once it is sent (a layer
   * compressed on the way): streamed in one PATCH, then closed with a PUT that
   * names `digest()`, asked after the body's end. Nothing is visible in the
   * repository unless the whole stream was sent.
   */
  readonly putStreamedBlob: (body: AsyncIterable<Uint8Array>, digest: () => Digest | undefined) => Promise<E.Either<Failure, Digest>>;
  /** Mounts a blob from another repository of the registry: true if it did, false if it would not (then upload it). */
  readonly mountBlob: (digest: Digest, from: string) => Promise<E.Either<Failure, boolean>>;
  /** PUT a manifest under a tag or digest; gives the digest the registry says it stored. */
  readonly putManifest: (reference: string, bytes: Uint8Array, mediaType: string) => Promise<E.Either<Failure, Digest>>;
  readonly listTags: () => Promise<E.Either<Failure, ReadonlyArray<string>>>;
  /**
   * What points at a manifest through the OCI 1.1 referrers API: the index the
   * registry gives, as bytes; `undefined` when the registry has no such API
   * (then the referrers tag schema, tag `ALG-HEX`, is the fallback).
   */
  readonly referrers: (subject: Digest) => Promise<E.Either<Failure, Uint8Array | undefined>>;
  readonly deleteManifest: (digest: Digest) => Promise<E.Either<Failure, void>>;
  /** `GET /v2/`, authenticating if asked: whether these credentials are accepted. */
  readonly ping: () => Promise<E.Either<Failure, void>>;
}

/** Opens a client for a repository. Nothing is sent until the first call. */
export const registryClient = (endpoint: RepositoryEndpoint, ctx: RegistryContext, push = false): RegistryClient => {
  const host = apiHost(endpoint.registry);
  const where = `${endpoint.registry}/${endpoint.repository}`;
  let scheme: "https" | "http" | undefined;
  /** Settles once the request probing for the scheme has its answer (or failed). */
  let probing: Promise<void> | undefined;
  let authorization: string | undefined = ctx.registryToken === undefined ? undefined : `Bearer ${ctx.registryToken}`;
  // Mounting needs pull access to the source repositories in the same token.
  // Grows when a mount needs pull access to another repository.
  const scopes = endpoint.repository === "" ? [] : [repositoryScope(endpoint.repository, push ? ["pull", "push"] : ["pull"])];
  const scope = scopes[0] ?? "";

  const origin = (): string => `${scheme ?? "https"}://${host}`;
  /** Whether Ctrl-C (the client's signal) has ended the conversation; a function, as it changes under any await. */
  const interrupted = (): boolean => ctx.http.signal?.aborted === true;

  /** Sends one request, choosing the scheme the first time (HTTP only when allowed). */
  const send = async (
    method: "GET" | "HEAD" | "PUT" | "PATCH" | "POST" | "DELETE",
    path: string,
    headers: Record<string, string>,
    body: Uint8Array | AsyncIterable<Uint8Array> | undefined,
    answerFactor: number,
  ): Promise<HttpResponse> => {
    const withAuth = authorization === undefined ? headers : { ...headers, authorization };
    const absolute = path.startsWith("http://") || path.startsWith("https://");
    const extra = { ...(body === undefined ? {} : { body }), ...(answerFactor === 1 ? {} : { responseTimeoutMs: ctx.http.timeouts.idleMs * answerFactor }) };
    if (scheme === undefined && !absolute && probing !== undefined) {
      // Another request is finding out which scheme the registry speaks: one probe, not one per request.
      await probing;
    }
    if (scheme !== undefined || absolute) {
      return ctx.http.request({ method, url: absolute ? path : `${origin()}${path}`, headers: withAuth, ...extra });
    }
    let probed: () => void = () => undefined;
    probing = new Promise<void>((resolve) => (probed = resolve));
    try {
      const r = await ctx.http.request({ method, url: `https://${host}${path}`, headers: withAuth, ...extra });
      scheme = "https";
      return r;
    } catch (e) {
      if (!endpoint.insecure || interrupted()) throw e;
      scheme = "http";
      return ctx.http.request({ method, url: `http://${host}${path}`, headers: withAuth, ...extra });
    } finally {
      probing = undefined;
      probed();
    }
  };

  /** Answers a 401 challenge: a bearer token from the realm, or basic credentials. */
  const authenticate = async (r: HttpResponse): Promise<E.Either<Failure, void>> => {
    await r.dump();
    if (ctx.registryToken !== undefined) return E.left(failure("UNAUTHORIZED", `${where}: the registry refused the token given (--registry-token)`));
    const challenges = parseChallenges(r.headers["www-authenticate"] ?? "");
    const bearer = challenges.find((c) => c.scheme === "bearer");
    const creds = ctx.credentials;
    if (bearer !== undefined) {
      const realm = bearer.params["realm"];
      if (realm === undefined) return E.left(failure("UNAUTHORIZED", `${where}: the registry's bearer challenge names no realm`));
      const params = new URLSearchParams();
      if (bearer.params["service"] !== undefined) params.set("service", bearer.params["service"]);
      // The challenge may name a scope ours lacks (insufficient_scope): ask for that one too.
      const asked = bearer.params["scope"];
      for (const sc of asked === undefined || scopes.includes(asked) ? scopes : [...scopes, asked]) params.append("scope", sc);
      const useRefresh = creds?.identityToken !== undefined && creds.identityToken !== "";
      const response = useRefresh
        ? await ctx.http.request({
            method: "POST",
            url: realm,
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new TextEncoder().encode(
              new URLSearchParams({ grant_type: "refresh_token", refresh_token: creds?.identityToken ?? "", service: bearer.params["service"] ?? "", scope, client_id: "berth" }).toString(),
            ),
          })
        : await ctx.http.request({
            method: "GET",
            url: `${realm}${realm.includes("?") ? "&" : "?"}${params.toString()}`,
            headers: creds === undefined || creds.username === "" ? {} : { authorization: `Basic ${encodeBase64Text(`${creds.username}:${creds.password}`)}` },
          });
      if (response.status !== 200) {
        await response.dump();
        return E.left(failure("UNAUTHORIZED", `${where}: the token server ${new URL(realm).host} answered ${response.status}`));
      }
      const doc = await documentOf(response, 1 << 20, tokenResponse);
      if (E.isLeft(doc)) return E.left(failure("UNAUTHORIZED", `${where}: the token server's answer is not a token: ${doc.left}`));
      const token = doc.right.token ?? doc.right.access_token;
      // A token goes into a header: only the characters a header value may hold.
      if (token === undefined || token === "" || !/^[\x21-\x7e]+$/.test(token)) return E.left(failure("UNAUTHORIZED", `${where}: the token server gave no usable token`));
      authorization = `Bearer ${token}`;
      return E.right(undefined);
    }
    if (challenges.some((c) => c.scheme === "basic") && creds !== undefined && creds.username !== "") {
      authorization = `Basic ${encodeBase64Text(`${creds.username}:${creds.password}`)}`;
      return E.right(undefined);
    }
    return E.left(failure("UNAUTHORIZED", `${where}: authentication required${creds === undefined ? " (no credentials found; berth login?)" : ""}`));
  };

  /** A request that answers a 401 once, then reports what the registry said. */
  const retries = ctx.retries ?? 3;
  const delay = ctx.retryDelayMs ?? 200;
  /** Sends, retrying 429/5xx and connection failures with jittered exponential backoff; a streamed body cannot be resent. */
  const sendRetrying = async (
    method: "GET" | "HEAD" | "PUT" | "PATCH" | "POST" | "DELETE",
    path: string,
    headers: Record<string, string>,
    answerFactor: number,
    body?: () => Uint8Array | AsyncIterable<Uint8Array>,
  ): Promise<HttpResponse> => {
    const replayable = body === undefined || method === "GET" || method === "HEAD";
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= retries || !replayable;
      try {
        const r = await send(method, path, headers, body?.(), answerFactor);
        if (!retryable(r.status) || last || interrupted()) return r;
        await r.dump();
        const after = Number(r.headers["retry-after"]);
        await pause(Number.isFinite(after) && after > 0 && after < 60 ? after * 1000 : delay * 2 ** attempt * (0.5 + Math.random()), ctx.http.signal);
        if (interrupted()) throw new Error("interrupted");
      } catch (e) {
        if (last || interrupted()) throw e;
        await pause(delay * 2 ** attempt * (0.5 + Math.random()), ctx.http.signal);
      }
    }
  };

  /** `answerFactor`: how many idle limits the answer may take once the body is sent (long for the end of an upload). */
  const call = async (
    method: "GET" | "HEAD" | "PUT" | "PATCH" | "POST" | "DELETE",
    path: string,
    headers: Record<string, string> = {},
    answerFactor = 1,
    body?: () => Uint8Array | AsyncIterable<Uint8Array>,
  ): Promise<E.Either<Failure, HttpResponse>> => {
    try {
      let r = await sendRetrying(method, path, headers, answerFactor, body);
      if (r.status === 401) {
        const a = await authenticate(r);
        if (E.isLeft(a)) return a;
        r = await sendRetrying(method, path, headers, answerFactor, body);
      }
      return E.right(r);
    } catch (e) {
      return E.left(unreachable(e));
    }
  };

  /** A request that never got an answer: the HTTP client's one line, or Ctrl-C. */
  const unreachable = (e: unknown, what = ""): Failure =>
    interrupted() ? failure("INTERRUPTED", "interrupted") : failure("REGISTRY_UNREACHABLE", `${where}: ${what}${(e as Error).message}`);

  /**
   * Follows redirects (up to Go's 10, as skopeo does), sending credentials
   * only to the registry's own origin; gives the first answer that is not a
   * redirect.
   */
  const follow = async (first: HttpResponse, what: string, headers: Record<string, string>): Promise<E.Either<Failure, HttpResponse>> => {
    let response = first;
    let at = origin();
    for (let hops = 0; response.status >= 300 && response.status < 400 && response.status !== 304; hops++) {
      const location = response.headers["location"];
      await response.dump();
      if (hops >= maxRedirects) return E.left(failure("REGISTRY_ERROR", `${where}: ${what}: stopped after ${maxRedirects} redirects`));
      if (location === undefined) return E.left(failure("REGISTRY_ERROR", `${where}: ${what}: redirect without a location`));
      let next: URL;
      try {
        next = new URL(location, at);
      } catch {
        return E.left(failure("REGISTRY_ERROR", `${where}: ${what}: redirect to an invalid location`));
      }
      if (next.protocol !== "https:" && next.protocol !== "http:") return E.left(failure("REGISTRY_ERROR", `${where}: ${what}: redirect to a ${next.protocol} location`));
      const sameOrigin = next.origin === origin();
      try {
        response = await ctx.http.request({ method: "GET", url: next.toString(), headers: { ...headers, ...(sameOrigin && authorization !== undefined ? { authorization } : {}) } });
      } catch (e) {
        return E.left(unreachable(e, `${what} at ${next.host}: `));
      }
      at = next.toString();
    }
    return E.right(response);
  };

  const unexpected = async (r: HttpResponse, what: string): Promise<Failure> => {
    const doc = await documentOf(r, 64 * 1024, errorsResponse);
    const first = E.isRight(doc) ? doc.right.errors[0] : undefined;
    const code = r.status === 404 ? "NOT_FOUND" : r.status === 401 || r.status === 403 ? "UNAUTHORIZED" : "REGISTRY_ERROR";
    if (first === undefined) return failure(code, `${where}: ${what}: HTTP ${r.status}`);
    // The registry's words go into our one line, escaped and cut short, as distribution's clients print them:
    // the error code in words, then the message (`manifest unknown: manifest unknown`).
    const words = printable((first.code ?? "").toLowerCase().replace(/_/g, " "));
    const message = printable(first.message ?? "");
    const detail = words === "" ? message : message === "" ? words : `${words}: ${message}`;
    return failure(code, `${where}: ${what}: ${detail === "" ? `HTTP ${r.status}` : detail}`);
  };

  const base = `/v2/${endpoint.repository}`;

  /** Where the registry says an upload goes on: only on its own origin, where credentials may be sent. */
  const uploadLocation = (location: string | undefined, what: string): E.Either<Failure, URL> => {
    if (location === undefined) return E.left(failure("REGISTRY_ERROR", `${where}: ${what} without a location`));
    const url = new URL(location, origin());
    return url.origin === origin() ? E.right(url) : E.left(failure("REGISTRY_ERROR", `${where}: upload location ${url.host} is another origin; refusing to send credentials there`));
  };

  /** Opens an upload session: where its data goes. */
  const startUpload = async (): Promise<E.Either<Failure, URL>> => {
    const start = await call("POST", `${base}/blobs/uploads/`, { "content-length": "0" });
    if (E.isLeft(start)) return start;
    if (start.right.status !== 202) return E.left(await unexpected(start.right, "starting an upload"));
    await start.right.dump();
    return uploadLocation(start.right.headers["location"], "upload started");
  };

  /** A streamed body can be sent once: a second attempt (after a 401) cannot resend it. */
  const once = (body: () => AsyncIterable<Uint8Array>): (() => AsyncIterable<Uint8Array>) => {
    let used = false;
    return () => {
      if (used) throw new Error("the upload was refused and its data is already spent");
      used = true;
      return body();
    };
  };

  return {
    endpoint,
    getManifest: async (reference) => {
      if (!isManifestReference(reference)) return E.left(failure("INVALID_REFERENCE", `${where}: "${printable(reference)}" is neither a tag nor a digest`));
      const first = await call("GET", `${base}/manifests/${reference}`, { accept: manifestAccept });
      if (E.isLeft(first)) return first;
      const r = await follow(first.right, `manifest ${reference}`, { accept: manifestAccept });
      if (E.isLeft(r)) return r;
      if (r.right.status !== 200) return E.left(await unexpected(r.right, `reading manifest ${reference}`));
      const declared = Number(r.right.headers["content-length"] ?? "0");
      if (declared > maxManifestBytes) {
        await r.right.dump();
        return E.left(failure("MANIFEST_TOO_LARGE", `${where}: manifest ${reference} is ${declared} bytes, more than ${maxManifestBytes}`));
      }
      let bytes: Uint8Array;
      try {
        bytes = await r.right.bytes(maxManifestBytes);
      } catch {
        return E.left(failure("MANIFEST_TOO_LARGE", `${where}: manifest ${reference} is larger than ${maxManifestBytes} bytes`));
      }
      const digest = sha256(bytes);
      if (reference.startsWith("sha256:") && reference !== digest) {
        return E.left(failure("DIGEST_MISMATCH", `${where}: manifest ${reference} has content with digest ${digest}`));
      }
      const mediaType = (r.right.headers["content-type"] ?? "").split(";")[0]?.trim() ?? "";
      return E.right({ bytes, mediaType, digest });
    },
    getBlob: async (digest) => {
      const open = async (offset: number): Promise<E.Either<Failure, HttpResponse>> => {
        const range: Record<string, string> = offset === 0 ? {} : { range: `bytes=${offset}-` };
        const first = await call("GET", `${base}/blobs/${digest}`, range);
        if (E.isLeft(first)) return first;
        // Blobs are often redirected to storage hosts: followed, with credentials only for the registry itself.
        const r = await follow(first.right, `blob ${digest}`, range);
        if (E.isLeft(r)) return r;
        const response = r.right;
        if (offset === 0 && response.status !== 200) return E.left(await unexpected(response, `reading blob ${digest}`));
        if (offset > 0) {
          // Only a strict partial answer for exactly the missing bytes is spliced on.
          const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers["content-range"] ?? "");
          if (response.status !== 206 || range === null || Number(range[1]) !== offset) {
            response.cancel();
            return E.left(failure("REGISTRY_ERROR", `${where}: blob ${digest}: the registry cannot resume at byte ${offset} (HTTP ${response.status})`));
          }
        }
        return E.right(response);
      };
      const first = await open(0);
      if (E.isLeft(first)) return first;
      let response = first.right;
      // The reader's hash, when it asked for it to be fed as bytes arrive: each response's body feeds it, or this loop does.
      let hashing: Hasher | undefined;
      let started = false;
      async function* resumable(): AsyncGenerator<Uint8Array, void, undefined> {
        started = true;
        let received = 0;
        for (let resumes = 0; ; ) {
          try {
            const fed = hashing !== undefined && hashesAhead(response.body, hashing);
            for await (const chunk of response.body) {
              received += chunk.byteLength;
              if (!fed) hashing?.update(chunk);
              yield chunk;
            }
            return;
          } catch (e) {
            if (interrupted()) throw new Error("interrupted");
            if (++resumes > 5) throw new Error(`reading blob ${digest}: ${(e as Error).message}`);
            const next = await open(received);
            if (E.isLeft(next)) throw new Error(next.left.message);
            response = next.right;
          }
        }
      }
      // Not a bare generator: one that never started cannot run its cleanup, and the response must be closed either way.
      return E.right({
        hashAhead: (hash: Hasher) => {
          if (started || hashing !== undefined) return false;
          hashing = hash;
          return true;
        },
        [Symbol.asyncIterator]: () => {
          const it = resumable();
          return {
            next: () => it.next(),
            return: async () => {
              response.cancel();
              return it.return(undefined);
            },
          };
        },
      });
    },
    hasBlob: async (digest) => {
      const r = await call("HEAD", `${base}/blobs/${digest}`);
      if (E.isLeft(r)) return r;
      await r.right.dump();
      if (r.right.status === 200) return E.right(true);
      if (r.right.status === 404) return E.right(false);
      return E.left(failure("REGISTRY_ERROR", `${where}: checking blob ${digest}: HTTP ${r.right.status}`));
    },
    mountBlob: async (digest, from) => {
      // Mounting needs pull access to the other repository in the same token: ask for it from now on.
      const wanted = repositoryScope(from, ["pull"]);
      if (!scopes.includes(wanted)) {
        scopes.push(wanted);
        if (authorization?.startsWith("Bearer ") === true && ctx.registryToken === undefined) authorization = undefined;
      }
      const r = await call("POST", `${base}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`, { "content-length": "0" });
      if (E.isLeft(r)) return r;
      await r.right.dump();
      if (r.right.status === 201) return E.right(true);
      // The registry opened an upload instead (it will not mount from there): give that session back; the blob is uploaded as usual.
      const location = r.right.headers["location"];
      if (r.right.status === 202 && location !== undefined) {
        const url = new URL(location, origin());
        if (url.origin === origin()) {
          const cancelled = await call("DELETE", url.toString());
          if (E.isRight(cancelled)) await cancelled.right.dump();
        }
      }
      return E.right(false);
    },
    putBlob: async (digest, size, body) => {
      const started = await startUpload();
      if (E.isLeft(started)) return started;
      started.right.searchParams.set("digest", digest);
      const put = await call("PUT", started.right.toString(), { "content-type": "application/octet-stream", "content-length": String(size) }, uploadAnswerFactor, once(body));
      if (E.isLeft(put)) return put;
      if (put.right.status !== 201) return E.left(await unexpected(put.right, `uploading blob ${digest}`));
      await put.right.dump();
      return E.right("uploaded");
    },
    putStreamedBlob: async (body, digestOf) => {
      const started = await startUpload();
      if (E.isLeft(started)) return started;
      // No length: the body goes in chunked coding, as it is made.
      const patch = await call("PATCH", started.right.toString(), { "content-type": "application/octet-stream" }, uploadAnswerFactor, once(() => body));
      if (E.isLeft(patch)) return patch;
      if (patch.right.status !== 202) return E.left(await unexpected(patch.right, "uploading a blob"));
      await patch.right.dump();
      const digest = digestOf();
      if (digest === undefined) return E.left(failure("REGISTRY_ERROR", `${where}: the upload ended before its data did`));
      const next = uploadLocation(patch.right.headers["location"], "upload continued");
      if (E.isLeft(next)) return next;
      next.right.searchParams.set("digest", digest);
      const put = await call("PUT", next.right.toString(), { "content-length": "0" }, uploadAnswerFactor);
      if (E.isLeft(put)) return put;
      if (put.right.status !== 201) return E.left(await unexpected(put.right, `finishing blob ${digest}`));
      await put.right.dump();
      return E.right(digest);
    },
    putManifest: async (reference, bytes, mediaType) => {
      if (!isManifestReference(reference)) return E.left(failure("INVALID_REFERENCE", `${where}: "${printable(reference)}" is neither a tag nor a digest`));
      const r = await call("PUT", `${base}/manifests/${reference}`, { "content-type": mediaType, "content-length": String(bytes.byteLength) }, 1, () => bytes);
      if (E.isLeft(r)) return r;
      if (r.right.status !== 201) return E.left(await unexpected(r.right, `writing manifest ${reference}`));
      await r.right.dump();
      // The registry's word on the digest is used only if it is a digest; ours is known anyway.
      const said = parseDigest(r.right.headers["docker-content-digest"] ?? "");
      return E.right(E.isRight(said) ? said.right : sha256(bytes));
    },
    listTags: async () => {
      const tags: string[] = [];
      let path: string | undefined = `${base}/tags/list?n=1000`;
      for (let page = 0; path !== undefined && page < 10_000; page++) {
        const r = await call("GET", path);
        if (E.isLeft(r)) return r;
        if (r.right.status !== 200) return E.left(await unexpected(r.right, "listing tags"));
        const doc = await documentOf(r.right, 16 << 20, tagList);
        if (E.isLeft(doc)) return E.left(failure("REGISTRY_ERROR", `${where}: listing tags: not a tag list: ${doc.left}`));
        // A registry's tag that the grammar does not allow is dropped: it could not be pulled anyway.
        tags.push(...(doc.right.tags ?? []).filter((t) => isTag(t)));
        const link = /<([^>]+)>;\s*rel="?next"?/.exec(r.right.headers["link"] ?? "")?.[1];
        if (link === undefined) path = undefined;
        else {
          // The next page stays on the registry: credentials never follow a link elsewhere.
          let next: URL;
          try {
            next = new URL(link, origin());
          } catch {
            return E.left(failure("REGISTRY_ERROR", `${where}: listing tags: invalid next-page link`));
          }
          if (next.origin !== origin()) return E.left(failure("REGISTRY_ERROR", `${where}: listing tags: the next page is on another origin (${next.host})`));
          path = `${next.pathname}${next.search}`;
        }
      }
      return E.right(tags);
    },
    referrers: async (subject) => {
      const r = await call("GET", `${base}/referrers/${subject}`, { accept: mediaTypes.ociIndex });
      if (E.isLeft(r)) return r;
      // A registry with the API answers 200 (an empty index when nothing refers); 404 is one without it.
      if (r.right.status === 404) {
        await r.right.dump();
        return E.right(undefined);
      }
      if (r.right.status !== 200) return E.left(await unexpected(r.right, `listing referrers of ${subject}`));
      try {
        return E.right(await r.right.bytes(maxManifestBytes));
      } catch {
        return E.left(failure("MANIFEST_TOO_LARGE", `${where}: referrers of ${subject}: larger than ${maxManifestBytes} bytes`));
      }
    },
    ping: async () => {
      const r = await call("GET", "/v2/");
      if (E.isLeft(r)) return r;
      if (r.right.status === 200) {
        await r.right.dump();
        return E.right(undefined);
      }
      return E.left(await unexpected(r.right, "checking credentials"));
    },
    deleteManifest: async (digest) => {
      const r = await call("DELETE", `${base}/manifests/${digest}`);
      if (E.isLeft(r)) return r;
      if (r.right.status !== 202 && r.right.status !== 200) return E.left(await unexpected(r.right, `deleting ${digest}`));
      await r.right.dump();
      return E.right(undefined);
    },
  };
};
