import type { HttpClient, HttpResponse, TlsOptions } from "./client.ts";
import { defaultTimeouts, networkErrorMessage, watchdog, type NetworkTimeouts } from "./timeouts.ts";

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

/** A body's chunks; a pause longer than `idleMs` cancels it with an error (fetch has no body timeout of its own). */
async function* chunks(stream: ReadableStream<Uint8Array> | null, idleMs: number): AsyncIterable<Uint8Array> {
  if (stream === null) return;
  const reader = stream.getReader();
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no data for ${idleMs / 1000} s`)), idleMs);
      });
      try {
        const r = await Promise.race([reader.read(), stalled]);
        if (r.done) return;
        yield r.value;
      } catch (e) {
        await reader.cancel().catch(() => undefined);
        throw e;
      } finally {
        clearTimeout(timer);
      }
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
export const fetchClient = (tls: TlsOptions = {}, signal?: AbortSignal, timeouts: NetworkTimeouts = defaultTimeouts): HttpClient => {
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
    ...(signal === undefined ? {} : { signal }),
    timeouts,
    request: async (req) => {
      const url = new URL(req.url);
      if (tls.insecureSkipVerify === true && url.protocol === "https:") {
        throw new Error(`${url.host}: fetch cannot skip TLS verification; use http:// for an insecure registry, or run Deno with --unsafely-ignore-certificate-errors`);
      }
      const client = await clientFor(url);
      const controller = new AbortController();
      const stop = (reason: unknown) => controller.abort(reason);
      const ended = AbortSignal.any([controller.signal, ...[req.signal, signal].filter((s): s is AbortSignal => s !== undefined)]);
      const upload = req.body === undefined || req.body instanceof Uint8Array ? undefined : watchdog(req.body, timeouts.idleMs, () => stop(new Error(`the registry took no data for ${timeouts.idleMs / 1000} s`)));
      const body = req.body === undefined ? undefined : req.body instanceof Uint8Array ? req.body : fromIterable(upload?.stream ?? req.body);
      // fetch has no connect or header timeout: one timer covers both, from the end of the upload.
      const wait = timeouts.connectMs + Math.max(req.responseTimeoutMs ?? 0, timeouts.idleMs);
      let timer: ReturnType<typeof setTimeout> | undefined = upload === undefined ? setTimeout(() => stop(new Error(`${url.host}: no response within ${wait / 1000} s`)), wait) : undefined;
      let r: Response;
      try {
        r = await fetch(url, {
          method: req.method,
          headers: req.headers ?? {},
          redirect: "manual",
          ...(body === undefined ? {} : { body, ...(body instanceof ReadableStream ? { duplex: "half" } : {}) }),
          signal: ended,
          ...(client === undefined ? {} : { client }),
        } as RequestInit);
      } catch (e) {
        throw new Error(networkErrorMessage(e, url, timeouts, ended), { cause: e });
      } finally {
        upload?.done();
        clearTimeout(timer);
        timer = undefined;
      }
      const headers: Record<string, string> = {};
      r.headers.forEach((v, k) => {
        headers[k.toLowerCase()] = v;
      });
      const response: HttpResponse = {
        status: r.status,
        headers,
        body: chunks(r.body, timeouts.idleMs),
        bytes: async (limit) => {
          const parts: Uint8Array[] = [];
          let total = 0;
          for await (const c of chunks(r.body, timeouts.idleMs)) {
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
        cancel: () => {
          r.body?.cancel().catch(() => undefined);
        },
      };
      return response;
    },
    close: async () => {
      for (const c of await Promise.all(clients.values())) c?.close();
    },
  };
};
