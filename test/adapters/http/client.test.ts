/**
 * The client for the runtime: berth's own sockets on Node and on Deno; on
 * Deno behind a proxy named in the environment, fetch, which honours it.
 */
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultTimeouts, httpClient } from "../../../adapters/http/client.ts";

const onDeno = (globalThis as { Deno?: unknown }).Deno !== undefined;
const server = createServer((_q, s) => void s.end("ok"));
let url = "";

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** What a GET of the server gives with `env` as the process's environment (the proxy variables set only meanwhile). */
const outcome = async (env: Record<string, string>): Promise<string> => {
  const before = { ...process.env };
  Object.assign(process.env, env);
  const client = httpClient({}, undefined, defaultTimeouts, process.env);
  try {
    const r = await client.request({ method: "GET", url });
    return `${r.status} ${new TextDecoder().decode(await r.bytes(100))}`;
  } catch {
    return "failed";
  } finally {
    await client.close();
    for (const k of Object.keys(env)) {
      if (before[k] === undefined) delete process.env[k];
      else process.env[k] = before[k];
    }
  }
};

describe("the HTTP client", () => {
  it("goes straight to the server, unless on Deno a proxy is named (a dead one here: the request fails)", async () => {
    expect(await outcome({})).toBe("200 ok");
    expect(await outcome({ HTTP_PROXY: "http://127.0.0.1:1" })).toBe(onDeno ? "failed" : "200 ok");
  });
});
