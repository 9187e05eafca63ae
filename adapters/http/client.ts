import { fetchClient } from "./fetch-client.ts";
import { defaultTimeouts, networkErrorMessage, type NetworkTimeouts } from "./timeouts.ts";
import { wire, type WireResponse } from "./wire.ts";

export { defaultTimeouts, type NetworkTimeouts } from "./timeouts.ts";

/** One HTTP request; bodies stream. */
export interface HttpRequest {
  readonly method: "GET" | "HEAD" | "PUT" | "POST" | "PATCH" | "DELETE";
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | AsyncIterable<Uint8Array>;
  readonly signal?: AbortSignal;
  /**
   * How long to wait for the response once the body is sent, when that is
   * longer than the client's idle timeout: a registry finishing an upload
   * may verify and move gigabytes before it answers.
   */
  readonly responseTimeoutMs?: number;
}

/** One HTTP response; the body must be read, dumped or cancelled. */
export interface HttpResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: AsyncIterable<Uint8Array>;
  /** Reads at most `limit` bytes of the body; more is an error. */
  readonly bytes: (limit: number) => Promise<Uint8Array>;
  /** Discards a short body so the connection can be reused. */
  readonly dump: () => Promise<void>;
  /** Drops the body unread (a large one, or one nobody will read): its connection is closed, not drained. */
  readonly cancel: () => void;
}

/** What berth needs of HTTP: one interface, over the runtime's sockets. */
export interface HttpClient {
  /** Sends a request; a failure to connect, a timeout or an abort rejects with a one-line message. */
  readonly request: (req: HttpRequest) => Promise<HttpResponse>;
  /** Ends every connection; never waits long for a response nobody reads. */
  readonly close: () => Promise<void>;
  /** The signal that aborts every request (Ctrl-C), for waits between requests too. */
  readonly signal?: AbortSignal;
  /** The timeouts this client applies. */
  readonly timeouts: NetworkTimeouts;
}

/** TLS settings for a client. */
export interface TlsOptions {
  /** Accept any certificate (`--tls-verify=false`). */
  readonly insecureSkipVerify?: boolean;
  /** Extra CA certificates (PEM), as from `--cert-dir`, trusted beside the system's. */
  readonly ca?: ReadonlyArray<string>;
  /** Extra CA certificates for one origin (`host[:port]`), as from containers-certs.d; asked once per origin. */
  readonly caFor?: (hostPort: string) => Promise<ReadonlyArray<string>>;
}

/**
 * The HTTP client on Node: HTTP/1.1 straight on its sockets (wire.ts), with
 * connections kept per origin; redirects are returned, not followed.
 * `signal` aborts every request. Every wait is bounded: connecting (TLS
 * included) by `timeouts.connectMs`; the response head, each pause in a
 * body either way, and a stalled upload by `timeouts.idleMs`.
 */
export const nodeClient = (tls: TlsOptions = {}, signal?: AbortSignal, timeouts: NetworkTimeouts = defaultTimeouts): HttpClient => {
  const caCache = new Map<string, Promise<ReadonlyArray<string>>>();
  /** The CAs to trust for `url`: the client's and those of containers-certs.d for its host, asked once per host. */
  const caOf = async (url: URL): Promise<ReadonlyArray<string>> => {
    if (url.protocol !== "https:" || tls.caFor === undefined) return tls.ca ?? [];
    let extra = caCache.get(url.host);
    if (extra === undefined) {
      extra = tls.caFor(url.host);
      caCache.set(url.host, extra);
    }
    return [...(tls.ca ?? []), ...(await extra)];
  };
  const connections = wire();
  return {
    ...(signal === undefined ? {} : { signal }),
    timeouts,
    request: async (req) => {
      const url = new URL(req.url);
      const ended = AbortSignal.any([req.signal, signal].filter((s): s is AbortSignal => s !== undefined));
      try {
        const r = await connections.request(
          req.method,
          url,
          req.headers ?? {},
          {
            insecureSkipVerify: tls.insecureSkipVerify === true,
            ca: await caOf(url),
            connectMs: timeouts.connectMs,
            idleMs: timeouts.idleMs,
            ...(req.responseTimeoutMs === undefined ? {} : { answerMs: req.responseTimeoutMs }),
            signal: ended,
          },
          req.body,
        );
        return wireResponse(r);
      } catch (e) {
        throw new Error(networkErrorMessage(e, url, timeouts, ended), { cause: e });
      }
    },
    close: async () => connections.close(),
  };
};

/** Largest body `dump` reads to keep its connection; a larger one closes it instead. */
const dumpLimit = 256 * 1024;

/** A response read off the socket, as the client's interface gives it. */
const wireResponse = (r: WireResponse): HttpResponse => ({
  status: r.status,
  headers: r.headers,
  body: r.body,
  bytes: async (limit) => {
    const declared = Number(r.headers["content-length"] ?? "0");
    if (declared > limit) {
      r.cancel();
      throw new Error(`response larger than ${limit} bytes`);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of r.body) {
      total += chunk.byteLength;
      if (total > limit) {
        r.cancel();
        throw new Error(`response larger than ${limit} bytes`);
      }
      chunks.push(chunk);
    }
    return chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : new Uint8Array(Buffer.concat(chunks));
  },
  dump: async () => {
    let total = 0;
    try {
      for await (const chunk of r.body) {
        total += chunk.byteLength;
        if (total > dumpLimit) return r.cancel();
      }
    } catch {
      // A body nobody wants that failed: its connection is gone already.
    }
  },
  cancel: () => r.cancel(),
});

/** Whether the environment names an HTTP proxy, which Deno's fetch honours and berth's own sockets do not. */
const proxied = (env: Readonly<Record<string, string | undefined>>): boolean =>
  ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"].some((k) => (env[k] ?? "") !== "");

/**
 * The HTTP client: HTTP/1.1 on `node:net` and `node:tls` sockets (wire.ts),
 * on Node and on Deno. Deno's fetch, used there before, was ~50 ms slower on
 * a 4 x 32 MiB pull (436 against 384 ms) and cannot skip TLS verification
 * for one client; it stays for Deno behind a proxy (`HTTPS_PROXY` and the
 * like), which it honours.
 */
export const httpClient = (tls: TlsOptions = {}, signal?: AbortSignal, timeouts: NetworkTimeouts = defaultTimeouts, env: Readonly<Record<string, string | undefined>> = process.env): HttpClient =>
  (globalThis as { Deno?: unknown }).Deno !== undefined && proxied(env) ? fetchClient(tls, signal, timeouts) : nodeClient(tls, signal, timeouts);
