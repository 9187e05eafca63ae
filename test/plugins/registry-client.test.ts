/**
 * The registry client against a scripted HTTP client: what reaches a URL,
 * which links and headers it trusts, and that a blob it hands out can be
 * dropped unread.
 */
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { HttpClient, HttpRequest, HttpResponse } from "../../adapters/http/client.ts";
import { defaultTimeouts } from "../../adapters/http/timeouts.ts";
import type { Digest } from "../../core/reference/index.ts";
import { registryClient } from "../../plugins/docker/registry.ts";

interface Scripted {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** An HTTP client that answers from `script` and records what was asked and what was cancelled. */
const scripted = (script: (req: HttpRequest) => Scripted, signal?: AbortSignal) => {
  const requests: HttpRequest[] = [];
  let cancelled = 0;
  const client: HttpClient = {
    timeouts: defaultTimeouts,
    ...(signal === undefined ? {} : { signal }),
    request: async (req) => {
      requests.push(req);
      const a = script(req);
      const bytes = new TextEncoder().encode(a.body ?? "");
      const response: HttpResponse = {
        status: a.status,
        headers: a.headers ?? {},
        body: (async function* () {
          yield bytes;
        })(),
        bytes: async () => bytes,
        dump: async () => undefined,
        cancel: () => void cancelled++,
      };
      return response;
    },
    close: async () => undefined,
  };
  return { client, requests, cancelled: () => cancelled };
};

const endpoint = { registry: "registry.example", repository: "team/app", insecure: false };

describe("the registry client", () => {
  it("sends no request for a manifest reference that is neither a tag nor a digest", async () => {
    const http = scripted(() => ({ status: 200 }));
    const c = registryClient(endpoint, { http: http.client });
    for (const bad of ["../../../v2/other/manifests/latest", "sha256:../x", "a/b", "", `sha256:${"a".repeat(64)}?x`]) {
      const r = await c.getManifest(bad);
      expect(E.isLeft(r) && r.left.code).toBe("INVALID_REFERENCE");
    }
    expect(http.requests).toEqual([]);
  });

  it("follows tag-list pages on the registry only, and drops tags the grammar refuses", async () => {
    const pages: Record<string, Scripted> = {
      "/v2/team/app/tags/list?n=1000": { status: 200, headers: { link: '</v2/team/app/tags/list?n=1000&last=b>; rel="next"' }, body: JSON.stringify({ tags: ["a", "b", "../x"] }) },
      "/v2/team/app/tags/list?n=1000&last=b": { status: 200, headers: { link: '<https://elsewhere.example/steal>; rel="next"' }, body: JSON.stringify({ tags: ["c"] }) },
    };
    const http = scripted((req) => pages[new URL(req.url).pathname + new URL(req.url).search] ?? { status: 404 });
    const r = await registryClient(endpoint, { http: http.client }).listTags();
    expect(E.isLeft(r) && r.left.message).toBe("registry.example/team/app: listing tags: the next page is on another origin (elsewhere.example)");
    expect(http.requests.map((q) => new URL(q.url).host)).toEqual(["registry.example", "registry.example"]);
  });

  it("takes the registry's word on a pushed manifest's digest only when it is a digest", async () => {
    const http = scripted(() => ({ status: 201, headers: { "docker-content-digest": "sha256:../../etc" } }));
    const r = await registryClient(endpoint, { http: http.client }, true).putManifest("1", new TextEncoder().encode("{}"), "application/vnd.oci.image.manifest.v1+json");
    expect(r).toEqual(E.right("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"));
  });

  it("closes a blob's response when the caller drops it unread", async () => {
    const http = scripted(() => ({ status: 200, body: "bytes" }));
    const r = await registryClient(endpoint, { http: http.client }).getBlob(`sha256:${"a".repeat(64)}` as Digest);
    if (E.isLeft(r)) throw new Error(r.left.message);
    await r.right[Symbol.asyncIterator]().return?.();
    expect(http.cancelled()).toBe(1);
  });

  it("stops retrying at once when the client's signal is aborted", async () => {
    const stop = new AbortController();
    let n = 0;
    const http = scripted(() => {
      if (++n === 1) stop.abort();
      return { status: 503 };
    }, stop.signal);
    // A backoff of an hour would hold the test if the abort were not heard.
    const r = await registryClient(endpoint, { http: http.client, retries: 3, retryDelayMs: 3_600_000 }).hasBlob(`sha256:${"a".repeat(64)}` as Digest);
    expect(E.isLeft(r) || r.right === false).toBe(true);
    expect(http.requests).toHaveLength(1);
  });

  it("probes a registry allowed plain HTTP once, however many requests start together", async () => {
    const http: HttpRequest[] = [];
    const client: HttpClient = {
      timeouts: defaultTimeouts,
      request: async (req) => {
        http.push(req);
        // The HTTPS attempt fails as against a plain-HTTP server, after a moment.
        if (req.url.startsWith("https:")) return new Promise((_, reject) => setTimeout(() => reject(new Error("wrong version number")), 20));
        const empty = new Uint8Array();
        return { status: 404, headers: {}, body: (async function* () {})(), bytes: async () => empty, dump: async () => undefined, cancel: () => undefined };
      },
      close: async () => undefined,
    };
    const c = registryClient({ ...endpoint, insecure: true }, { http: client });
    const digests = ["a", "b", "c", "d", "e"].map((x) => `sha256:${x.repeat(64)}` as Digest);
    const found = await Promise.all(digests.map((d) => c.hasBlob(d)));
    expect(found).toEqual(digests.map(() => E.right(false)));
    expect(http.filter((q) => q.url.startsWith("https:"))).toHaveLength(1);
    expect(http.filter((q) => q.url.startsWith("http:")).map((q) => new URL(q.url).pathname).sort()).toEqual(digests.map((d) => `/v2/team/app/blobs/${d}`));
  });
});
