import type { HttpClient, HttpResponse, TlsOptions } from "./client.ts";

/** Deno's client options, where the runtime has them (`Deno.createHttpClient`). */
interface DenoLike {
  readonly createHttpClient?: (options: { caCerts?: string[] }) => { close: () => void };
}

const denoOf = (): DenoLike | undefined => (globalThis as { Deno?: DenoLike }).Deno;

const fromIterable = (body: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> => {
  const it = body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      const r = await it.next();
      if (r.done === true) controller.close();
      else controller.enqueue(r.value);
    },
    cancel: async () => {
      await it.return?.();
    },
  });
};

async function* chunks(stream: ReadableStream<Uint8Array> | null): AsyncIterable<Uint8Array> {
  if (stream === null) return;
  const reader = stream.getReader();
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) return;
      yield r.value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * An HTTP client on `fetch`, for Deno (and any runtime with fetch): redirects
 * are returned, not followed; bodies stream both ways. Extra CAs use
 * `Deno.createHttpClient`; skipping TLS checks is not something fetch can do
 * per client, so an https request under `insecureSkipVerify` fails in one line
 * (plain http, what insecure registries usually are, works).
 */
export const fetchClient = (tls: TlsOptions = {}, signal?: AbortSignal): HttpClient => {
  const clients = new Map<string, Promise<{ close: () => void } | undefined>>();
  const clientFor = (url: URL): Promise<{ close: () => void } | undefined> => {
    if (url.protocol !== "https:") return Promise.resolve(undefined);
    let c = clients.get(url.host);
    if (c === undefined) {
      c = (tls.caFor === undefined ? Promise.resolve([] as ReadonlyArray<string>) : tls.caFor(url.host)).then((extra) => {
        const ca = [...(tls.ca ?? []), ...extra];
        const make = denoOf()?.createHttpClient;
        return ca.length === 0 || make === undefined ? undefined : make({ caCerts: ca });
      });
      clients.set(url.host, c);
    }
    return c;
  };
  return {
    request: async (req) => {
      const url = new URL(req.url);
      if (tls.insecureSkipVerify === true && url.protocol === "https:") {
        throw new Error(`${url.host}: fetch cannot skip TLS verification; use http:// for an insecure registry, or run Deno with --unsafely-ignore-certificate-errors`);
      }
      const client = await clientFor(url);
      const body = req.body === undefined ? undefined : req.body instanceof Uint8Array ? req.body : fromIterable(req.body);
      const r = await fetch(url, {
        method: req.method,
        headers: req.headers ?? {},
        redirect: "manual",
        ...(body === undefined ? {} : { body, ...(body instanceof ReadableStream ? { duplex: "half" } : {}) }),
        ...((req.signal ?? signal) === undefined ? {} : { signal: req.signal ?? signal }),
        ...(client === undefined ? {} : { client }),
      } as RequestInit);
      const headers: Record<string, string> = {};
      r.headers.forEach((v, k) => {
        headers[k.toLowerCase()] = v;
      });
      const response: HttpResponse = {
        status: r.status,
        headers,
        body: chunks(r.body),
        bytes: async (limit) => {
          const parts: Uint8Array[] = [];
          let total = 0;
          for await (const c of chunks(r.body)) {
            total += c.byteLength;
            if (total > limit) {
              await r.body?.cancel().catch(() => undefined);
              throw new Error(`response larger than ${limit} bytes`);
            }
            parts.push(c);
          }
          const out = new Uint8Array(total);
          let at = 0;
          for (const p of parts) {
            out.set(p, at);
            at += p.byteLength;
          }
          return out;
        },
        dump: async () => {
          await r.body?.cancel().catch(() => undefined);
        },
      };
      return response;
    },
    close: async () => {
      for (const c of await Promise.all(clients.values())) c?.close();
    },
  };
};
