import { Readable } from "node:stream";
import { rootCertificates } from "node:tls";
import type { Dispatcher } from "undici";
import { fetchClient } from "./fetch-client.ts";
import type { Agent as AgentClass } from "undici";

/** One HTTP request; bodies stream. */
export interface HttpRequest {
  readonly method: "GET" | "HEAD" | "PUT" | "POST" | "PATCH" | "DELETE";
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | AsyncIterable<Uint8Array>;
  readonly signal?: AbortSignal;
}

/** One HTTP response; the body must be read or dumped. */
export interface HttpResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: AsyncIterable<Uint8Array>;
  /** Reads at most `limit` bytes of the body; more is an error. */
  readonly bytes: (limit: number) => Promise<Uint8Array>;
  /** Discards the body so the connection can be reused. */
  readonly dump: () => Promise<void>;
}

/** What berth needs of HTTP: one interface, undici on Node, fetch on Deno. */
export interface HttpClient {
  readonly request: (req: HttpRequest) => Promise<HttpResponse>;
  readonly close: () => Promise<void>;
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

/** An HTTP client on undici, pooling connections per origin; redirects are returned, not followed. `signal` aborts every request. */
export const undiciClient = (tls: TlsOptions = {}, signal?: AbortSignal): HttpClient => {
  // Loaded on the first request, so that nothing loads undici where it is not used (Deno, commands without HTTP).
  let parts: Promise<typeof import("./undici-parts.ts")> | undefined;
  const load = () => (parts ??= import("./undici-parts.ts"));
  const agentWith = async (ca: ReadonlyArray<string>): Promise<AgentClass> =>
    new (await load()).Agent({
      // `ca` replaces Node's roots, so the system's stay in: a token server elsewhere keeps working.
      connect: { rejectUnauthorized: tls.insecureSkipVerify !== true, ...(ca.length === 0 ? {} : { ca: [...rootCertificates, ...ca] }) },
      connections: 16,
    });
  let shared: Promise<AgentClass> | undefined;
  const sharedAgent = () => (shared ??= agentWith(tls.ca ?? []));
  const perOrigin = new Map<string, Promise<AgentClass>>();
  const agentFor = (url: URL): Promise<AgentClass> => {
    const caFor = tls.caFor;
    if (caFor === undefined || url.protocol !== "https:") return sharedAgent();
    let agent = perOrigin.get(url.host);
    if (agent === undefined) {
      agent = caFor(url.host).then((ca) => (ca.length === 0 ? sharedAgent() : agentWith([...(tls.ca ?? []), ...ca])));
      perOrigin.set(url.host, agent);
    }
    return agent;
  };
  return {
    request: async (req) => {
      const url = new URL(req.url);
      const r = await (await load()).requestOn.call(await agentFor(url), {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers: { ...req.headers },
        ...(req.body === undefined ? {} : { body: (req.body instanceof Uint8Array ? req.body : Readable.from(req.body)) as NonNullable<Dispatcher.DispatchOptions["body"]> }),
        ...((req.signal ?? signal) === undefined ? {} : { signal: req.signal ?? signal }),
      });
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
      };
    },
    close: async () => {
      const agents = new Set([...(shared === undefined ? [] : [await shared]), ...(await Promise.all(perOrigin.values()))]);
      await Promise.all([...agents].map((a) => a.close()));
    },
  };
};

/** The HTTP client for this runtime: undici on Node, fetch on Deno. */
export const httpClient = (tls: TlsOptions = {}, signal?: AbortSignal): HttpClient =>
  (globalThis as { Deno?: unknown }).Deno !== undefined ? fetchClient(tls, signal) : undiciClient(tls, signal);
