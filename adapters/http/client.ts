import { Readable } from "node:stream";
import { rootCertificates } from "node:tls";
import type { Dispatcher } from "undici";
import { fetchClient } from "./fetch-client.ts";
import type { Agent as AgentClass } from "undici";
import { defaultTimeouts, networkErrorMessage, watchdog, type NetworkTimeouts } from "./timeouts.ts";
import type { Connector } from "./undici-parts.ts";
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

/** What berth needs of HTTP: one interface, undici on Node, fetch on Deno. */
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

const flatten = (headers: Record<string, string | string[] | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).flatMap(([k, v]) => (v === undefined ? [] : [[k.toLowerCase(), Array.isArray(v) ? v.join(", ") : v]])));

/**
 * Settles (rejecting) when `signal` aborts; never otherwise. What the
 * abandoned request brings later is dropped by its agent's close.
 */
const abortion = (signal: AbortSignal): Promise<never> =>
  new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });

/** How long a closing client waits for requests still in flight before it cuts their connections. */
const closeGraceMs = 1000;

/**
 * An HTTP client on undici, pooling connections per origin; redirects are
 * returned, not followed. `signal` aborts every request. Every wait is
 * bounded: connecting (TLS included) by `timeouts.connectMs`, the response
 * headers and each pause in a body (either way) by `timeouts.idleMs`.
 */
export const undiciClient = (tls: TlsOptions = {}, signal?: AbortSignal, timeouts: NetworkTimeouts = defaultTimeouts): HttpClient => {
  // Loaded on the first request, so that nothing loads undici where it is not used (Deno, commands without HTTP).
  let parts: Promise<typeof import("./undici-parts.ts")> | undefined;
  const load = () => (parts ??= import("./undici-parts.ts"));
  const agentWith = async (ca: ReadonlyArray<string>): Promise<AgentClass> => {
    const undici = await load();
    // `ca` replaces Node's roots, so the system's stay in: a token server elsewhere keeps working.
    const base = undici.buildConnector({ rejectUnauthorized: tls.insecureSkipVerify !== true, timeout: timeouts.connectMs, ...(ca.length === 0 ? {} : { ca: [...rootCertificates, ...ca] }) });
    // A socket still connecting (a TLS handshake with a silent server) is cut by Ctrl-C, not left to its timeout.
    const connect: Connector = (options, callback) => {
      const socket = base(options, (err, s) => {
        connecting.delete(socket);
        callback(err, s);
      });
      if (signal?.aborted === true) socket.destroy(new Error("interrupted"));
      else connecting.add(socket);
      return socket;
    };
    return new undici.Agent({ connect: connect as never, headersTimeout: timeouts.idleMs, bodyTimeout: timeouts.idleMs, connections: 16 });
  };
  // Sockets still connecting: one listener for all of them, not one per socket on the caller's signal.
  const connecting = new Set<ReturnType<Connector>>();
  const cutAll = () => {
    for (const socket of connecting) socket.destroy(new Error("interrupted"));
    connecting.clear();
  };
  signal?.addEventListener("abort", cutAll, { once: true });
  let shared: Promise<AgentClass> | undefined;
  const sharedAgent = () => (shared ??= agentWith(tls.ca ?? []));
  const perOrigin = new Map<string, Promise<AgentClass>>();
  const agentFor = (url: URL): Promise<AgentClass> => {
    if (tls.caFor === undefined || url.protocol !== "https:") return sharedAgent();
    let agent = perOrigin.get(url.host);
    if (agent === undefined) {
      agent = caFor(url.host).then((ca) => (ca.length === 0 ? sharedAgent() : agentWith([...(tls.ca ?? []), ...ca])));
      perOrigin.set(url.host, agent);
    }
    return agent;
  };
  const caOf = async (url: URL): Promise<ReadonlyArray<string>> => {
    const extra = url.protocol === "https:" && tls.caFor !== undefined ? await caFor(url.host) : [];
    return [...(tls.ca ?? []), ...extra];
  };
  const caCache = new Map<string, Promise<ReadonlyArray<string>>>();
  const caFor = (host: string): Promise<ReadonlyArray<string>> => {
    let ca = caCache.get(host);
    if (ca === undefined) {
      ca = tls.caFor?.(host) ?? Promise.resolve([]);
      caCache.set(host, ca);
    }
    return ca;
  };
  // GETs and HEADs (everything a pull sends, and blobs above all) go straight to the socket.
  const fast = wire();
  const viaWire = async (req: HttpRequest, url: URL): Promise<HttpResponse> => {
    const ended = AbortSignal.any([req.signal, signal].filter((s): s is AbortSignal => s !== undefined));
    try {
      const r = await fast.request(req.method as "GET" | "HEAD", url, req.headers ?? {}, {
        insecureSkipVerify: tls.insecureSkipVerify === true,
        ca: await caOf(url),
        connectMs: timeouts.connectMs,
        idleMs: timeouts.idleMs,
        signal: ended,
      });
      return wireResponse(r);
    } catch (e) {
      throw new Error(networkErrorMessage(e, url, timeouts, ended), { cause: e });
    }
  };
  return {
    ...(signal === undefined ? {} : { signal }),
    timeouts,
    request: async (req) => {
      const url = new URL(req.url);
      if ((req.method === "GET" || req.method === "HEAD") && req.body === undefined) return viaWire(req, url);
      // One signal per request: the caller's, the client's, and the upload watchdog's all end it
      // (AbortSignal.any holds its sources weakly: no listener piles up on the client's signal).
      const controller = new AbortController();
      const stop = (reason: unknown) => controller.abort(reason);
      const ended = AbortSignal.any([controller.signal, ...[req.signal, signal].filter((s): s is AbortSignal => s !== undefined)]);
      // undici stops pulling an upload when the peer stops reading; nothing else would notice.
      const upload = req.body === undefined || req.body instanceof Uint8Array ? undefined : watchdog(req.body, timeouts.idleMs, () => stop(new Error(`the registry took no data for ${timeouts.idleMs / 1000} s`)));
      try {
        const sent = (await load()).requestOn.call(await agentFor(url), {
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: req.method,
          headers: { ...req.headers },
          ...(req.body === undefined ? {} : { body: (upload === undefined ? req.body : Readable.from(upload.stream)) as NonNullable<Dispatcher.DispatchOptions["body"]> }),
          ...(req.responseTimeoutMs === undefined ? {} : { headersTimeout: Math.max(req.responseTimeoutMs, timeouts.idleMs) }),
          signal: ended,
        });
        // undici acts on an abort only once connected; Ctrl-C during a TLS handshake must not wait for it.
        // What the abandoned request brings later is dropped.
        sent.then(
          (late) => {
            if (!ended.aborted) return;
            late.body.on("error", () => undefined);
            late.body.destroy();
          },
          () => undefined,
        );
        const r = await Promise.race([sent, abortion(ended)]);
        upload?.done();
        return {
          status: r.statusCode,
          headers: flatten(r.headers),
          body: r.body,
          bytes: async (limit) => {
            const chunks: Uint8Array[] = [];
            let total = 0;
            for await (const chunk of r.body) {
              total += (chunk as Uint8Array).byteLength;
              if (total > limit) {
                r.body.on("error", () => undefined);
                r.body.destroy();
                throw new Error(`response larger than ${limit} bytes`);
              }
              chunks.push(chunk as Uint8Array);
            }
            return new Uint8Array(Buffer.concat(chunks));
          },
          dump: async () => {
            await r.body.dump().catch(() => undefined);
          },
          cancel: () => {
            // undici reports a destroyed body as an error event; nobody is reading it any more.
            r.body.on("error", () => undefined);
            r.body.destroy();
          },
        };
      } catch (e) {
        upload?.done();
        throw new Error(networkErrorMessage(e, url, timeouts, ended), { cause: e });
      }
    },
    close: async () => {
      fast.close();
      signal?.removeEventListener("abort", cutAll);
      const agents = new Set([...(shared === undefined ? [] : [await shared]), ...(await Promise.all(perOrigin.values()))]);
      await Promise.all(
        [...agents].map(async (a) => {
          let timer: ReturnType<typeof setTimeout> | undefined;
          // After Ctrl-C nothing in flight is wanted: connections are cut at once.
          const grace = signal?.aborted === true ? 0 : closeGraceMs;
          const graceful = await Promise.race([a.close().then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), grace)))]);
          clearTimeout(timer);
          if (!graceful) await a.destroy().catch(() => undefined);
        }),
      );
    },
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

/** The HTTP client for this runtime: undici on Node, fetch on Deno. */
export const httpClient = (tls: TlsOptions = {}, signal?: AbortSignal, timeouts: NetworkTimeouts = defaultTimeouts): HttpClient =>
  (globalThis as { Deno?: unknown }).Deno !== undefined ? fetchClient(tls, signal, timeouts) : undiciClient(tls, signal, timeouts);
