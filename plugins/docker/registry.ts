import { createHash } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import { parseChallenges, repositoryScope } from "../../core/auth/index.ts";
import { encodeBase64Text } from "../../core/base64.ts";
import { failure, type Failure } from "../../core/failure.ts";
import { maxManifestBytes, mediaTypes } from "../../core/manifest/index.ts";
import type { HttpClient, HttpResponse } from "../../adapters/http/client.ts";

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
}

const retryable = (status: number): boolean => status === 429 || status >= 500;

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const manifestAccept = [mediaTypes.ociManifest, mediaTypes.ociIndex, mediaTypes.dockerManifest, mediaTypes.dockerManifestList].join(", ");

const apiHost = (registry: string): string => (registry === "docker.io" ? "registry-1.docker.io" : registry);

const sha256 = (bytes: Uint8Array): string => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

/** A conversation with one repository: scheme chosen once, tokens cached per scope. */
export interface RegistryClient {
  readonly endpoint: RepositoryEndpoint;
  /** GET or HEAD a manifest by tag or digest. */
  readonly getManifest: (reference: string) => Promise<E.Either<Failure, { bytes: Uint8Array; mediaType: string; digest: string }>>;
  readonly getBlob: (digest: string) => Promise<E.Either<Failure, AsyncIterable<Uint8Array>>>;
  readonly hasBlob: (digest: string) => Promise<E.Either<Failure, boolean>>;
  /** Uploads a blob, or mounts it from `mountFrom` (another repository on the same registry) when the registry allows. */
  readonly putBlob: (digest: string, size: number, body: () => AsyncIterable<Uint8Array>, mountFrom?: string) => Promise<E.Either<Failure, "uploaded" | "mounted">>;
  readonly putManifest: (reference: string, bytes: Uint8Array, mediaType: string) => Promise<E.Either<Failure, string>>;
  readonly listTags: () => Promise<E.Either<Failure, ReadonlyArray<string>>>;
  readonly deleteManifest: (digest: string) => Promise<E.Either<Failure, void>>;
  /** `GET /v2/`, authenticating if asked: whether these credentials are accepted. */
  readonly ping: () => Promise<E.Either<Failure, void>>;
}

/** Opens a client for a repository. Nothing is sent until the first call. */
export const registryClient = (endpoint: RepositoryEndpoint, ctx: RegistryContext, push = false, mountSources: ReadonlyArray<string> = []): RegistryClient => {
  const host = apiHost(endpoint.registry);
  const where = `${endpoint.registry}/${endpoint.repository}`;
  let scheme: "https" | "http" | undefined;
  let authorization: string | undefined;
  // Mounting needs pull access to the source repositories in the same token.
  const scopes = [
    ...(endpoint.repository === "" ? [] : [repositoryScope(endpoint.repository, push ? ["pull", "push"] : ["pull"])]),
    ...mountSources.map((r) => repositoryScope(r, ["pull"])),
  ];
  const scope = scopes[0] ?? "";

  const origin = (): string => `${scheme ?? "https"}://${host}`;

  /** Sends one request, choosing the scheme the first time (HTTP only when allowed). */
  const send = async (method: "GET" | "HEAD" | "PUT" | "POST" | "DELETE", path: string, headers: Record<string, string>, body?: Uint8Array | AsyncIterable<Uint8Array>): Promise<HttpResponse> => {
    const withAuth = authorization === undefined ? headers : { ...headers, authorization };
    const absolute = path.startsWith("http://") || path.startsWith("https://");
    if (scheme !== undefined || absolute) {
      return ctx.http.request({ method, url: absolute ? path : `${origin()}${path}`, headers: withAuth, ...(body === undefined ? {} : { body }) });
    }
    try {
      const r = await ctx.http.request({ method, url: `https://${host}${path}`, headers: withAuth, ...(body === undefined ? {} : { body }) });
      scheme = "https";
      return r;
    } catch (e) {
      if (!endpoint.insecure) throw e;
      scheme = "http";
      return ctx.http.request({ method, url: `http://${host}${path}`, headers: withAuth, ...(body === undefined ? {} : { body }) });
    }
  };

  /** Answers a 401 challenge: a bearer token from the realm, or basic credentials. */
  const authenticate = async (r: HttpResponse): Promise<E.Either<Failure, void>> => {
    await r.dump();
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
      try {
        const doc = JSON.parse(new TextDecoder().decode(await response.bytes(1 << 20))) as { token?: unknown; access_token?: unknown };
        const token = typeof doc.token === "string" ? doc.token : typeof doc.access_token === "string" ? doc.access_token : undefined;
        if (token === undefined) return E.left(failure("UNAUTHORIZED", `${where}: the token server gave no token`));
        authorization = `Bearer ${token}`;
        return E.right(undefined);
      } catch (e) {
        return E.left(failure("UNAUTHORIZED", `${where}: the token server's answer is not a token: ${(e as Error).message}`));
      }
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
    method: "GET" | "HEAD" | "PUT" | "POST" | "DELETE",
    path: string,
    headers: Record<string, string>,
    body?: () => Uint8Array | AsyncIterable<Uint8Array>,
  ): Promise<HttpResponse> => {
    const replayable = body === undefined || method === "GET" || method === "HEAD";
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= retries || !replayable;
      try {
        const r = await send(method, path, headers, body?.());
        if (!retryable(r.status) || last) return r;
        await r.dump();
        const after = Number(r.headers["retry-after"]);
        await pause(Number.isFinite(after) && after > 0 && after < 60 ? after * 1000 : delay * 2 ** attempt * (0.5 + Math.random()));
      } catch (e) {
        if (last) throw e;
        await pause(delay * 2 ** attempt * (0.5 + Math.random()));
      }
    }
  };

  const call = async (
    method: "GET" | "HEAD" | "PUT" | "POST" | "DELETE",
    path: string,
    headers: Record<string, string> = {},
    body?: () => Uint8Array | AsyncIterable<Uint8Array>,
  ): Promise<E.Either<Failure, HttpResponse>> => {
    try {
      let r = await sendRetrying(method, path, headers, body);
      if (r.status === 401) {
        const a = await authenticate(r);
        if (E.isLeft(a)) return a;
        r = await sendRetrying(method, path, headers, body);
      }
      return E.right(r);
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      return E.left(failure("REGISTRY_UNREACHABLE", `${where}: ${cause?.message ?? (e as Error).message}`));
    }
  };

  const unexpected = async (r: HttpResponse, what: string): Promise<Failure> => {
    let detail = "";
    try {
      const doc = JSON.parse(new TextDecoder().decode(await r.bytes(64 * 1024))) as { errors?: { code?: string; message?: string }[] };
      const first = doc.errors?.[0];
      if (first !== undefined) detail = `: ${first.code ?? ""} ${first.message ?? ""}`.trimEnd();
    } catch {
      await r.dump();
    }
    const code = r.status === 404 ? "NOT_FOUND" : r.status === 401 || r.status === 403 ? "UNAUTHORIZED" : "REGISTRY_ERROR";
    return failure(code, `${where}: ${what}: HTTP ${r.status}${detail}`);
  };

  const base = `/v2/${endpoint.repository}`;

  return {
    endpoint,
    getManifest: async (reference) => {
      const r = await call("GET", `${base}/manifests/${reference}`, { accept: manifestAccept });
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
        const r = await call("GET", `${base}/blobs/${digest}`, offset === 0 ? {} : { range: `bytes=${offset}-` });
        if (E.isLeft(r)) return r;
        let response = r.right;
        // Blobs are often redirected to storage hosts: follow, and send credentials only to the registry itself.
        for (let hops = 0; response.status >= 300 && response.status < 400 && hops < 5; hops++) {
          const location = response.headers["location"];
          await response.dump();
          if (location === undefined) return E.left(failure("REGISTRY_ERROR", `${where}: blob ${digest}: redirect without a location`));
          const next = new URL(location, origin());
          const sameOrigin = next.origin === origin();
          const headers: Record<string, string> = { ...(sameOrigin && authorization !== undefined ? { authorization } : {}), ...(offset === 0 ? {} : { range: `bytes=${offset}-` }) };
          try {
            response = await ctx.http.request({ method: "GET", url: next.toString(), headers });
          } catch (e) {
            return E.left(failure("REGISTRY_UNREACHABLE", `${where}: blob ${digest} at ${next.host}: ${(e as Error).message}`));
          }
        }
        if (offset === 0 && response.status !== 200) return E.left(await unexpected(response, `reading blob ${digest}`));
        if (offset > 0) {
          // Only a strict partial answer for exactly the missing bytes is spliced on.
          const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers["content-range"] ?? "");
          if (response.status !== 206 || range === null || Number(range[1]) !== offset) {
            await response.dump();
            return E.left(failure("REGISTRY_ERROR", `${where}: blob ${digest}: the registry cannot resume at byte ${offset} (HTTP ${response.status})`));
          }
        }
        return E.right(response);
      };
      const first = await open(0);
      if (E.isLeft(first)) return first;
      const initial = first.right;
      async function* resumable(): AsyncIterable<Uint8Array> {
        let response = initial;
        let received = 0;
        for (let resumes = 0; ; ) {
          try {
            for await (const chunk of response.body) {
              received += chunk.byteLength;
              yield chunk;
            }
            return;
          } catch (e) {
            if (++resumes > 5) throw e;
            const next = await open(received);
            if (E.isLeft(next)) throw new Error(next.left.message);
            response = next.right;
          }
        }
      }
      return E.right(resumable());
    },
    hasBlob: async (digest) => {
      const r = await call("HEAD", `${base}/blobs/${digest}`);
      if (E.isLeft(r)) return r;
      await r.right.dump();
      if (r.right.status === 200) return E.right(true);
      if (r.right.status === 404) return E.right(false);
      return E.left(failure("REGISTRY_ERROR", `${where}: checking blob ${digest}: HTTP ${r.right.status}`));
    },
    putBlob: async (digest, size, body, mountFrom) => {
      const mountQuery = mountFrom === undefined ? "" : `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(mountFrom)}`;
      const start = await call("POST", `${base}/blobs/uploads/${mountQuery}`, { "content-length": "0" });
      if (E.isLeft(start)) return start;
      if (start.right.status === 201 && mountFrom !== undefined) {
        await start.right.dump();
        return E.right("mounted");
      }
      if (start.right.status !== 202) return E.left(await unexpected(start.right, "starting an upload"));
      await start.right.dump();
      const location = start.right.headers["location"];
      if (location === undefined) return E.left(failure("REGISTRY_ERROR", `${where}: upload started without a location`));
      const url = new URL(location, origin());
      url.searchParams.set("digest", digest);
      if (url.origin !== origin()) return E.left(failure("REGISTRY_ERROR", `${where}: upload location ${url.host} is another origin; refusing to send credentials there`));
      let used = false;
      const put = await call("PUT", url.toString(), { "content-type": "application/octet-stream", "content-length": String(size) }, () => {
        // A stream can be sent once; a second attempt (after a 401) cannot resend it.
        if (used) throw new Error("the upload was refused and its data is already spent");
        used = true;
        return body();
      });
      if (E.isLeft(put)) return put;
      if (put.right.status !== 201) return E.left(await unexpected(put.right, `uploading blob ${digest}`));
      await put.right.dump();
      return E.right("uploaded");
    },
    putManifest: async (reference, bytes, mediaType) => {
      const r = await call("PUT", `${base}/manifests/${reference}`, { "content-type": mediaType, "content-length": String(bytes.byteLength) }, () => bytes);
      if (E.isLeft(r)) return r;
      if (r.right.status !== 201) return E.left(await unexpected(r.right, `writing manifest ${reference}`));
      await r.right.dump();
      return E.right(r.right.headers["docker-content-digest"] ?? sha256(bytes));
    },
    listTags: async () => {
      const tags: string[] = [];
      let path: string | undefined = `${base}/tags/list?n=1000`;
      for (let page = 0; path !== undefined && page < 10_000; page++) {
        const r = await call("GET", path);
        if (E.isLeft(r)) return r;
        if (r.right.status !== 200) return E.left(await unexpected(r.right, "listing tags"));
        const doc = JSON.parse(new TextDecoder().decode(await r.right.bytes(16 << 20))) as { tags?: string[] | null };
        tags.push(...(doc.tags ?? []));
        const link = /<([^>]+)>;\s*rel="?next"?/.exec(r.right.headers["link"] ?? "")?.[1];
        path = link === undefined ? undefined : link;
      }
      return E.right(tags);
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
