/**
 * The socket-level GET client against real servers on loopback: node:http
 * writing bodies in random pieces (Content-Length or chunked, with
 * trailers), raw sockets that split heads, send interim answers, close
 * early, stall or say too much, and TLS with a CA made here.
 */
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer, type Socket } from "node:net";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { giveBack, lend, seal, takeSlab } from "../../../adapters/bytes/slabs.ts";
import { wire, type WireOptions, type WireResponse } from "../../../adapters/http/wire.ts";
import { tempDir } from "../../tmp.ts";

const options: WireOptions = { insecureSkipVerify: false, ca: [], connectMs: 5000, idleMs: 5000 };

const listen = async <S extends { listen: (port: number, host: string, cb: () => void) => unknown; address: () => unknown }>(server: S): Promise<string> => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `127.0.0.1:${(server.address() as { port: number }).port}`;
};

const readAll = async (r: WireResponse): Promise<Buffer> => {
  const chunks: Uint8Array[] = [];
  for await (const c of r.body) chunks.push(c);
  return Buffer.concat(chunks);
};

/** A raw server: each connection gets `script`; counts connections. */
const rawServer = async (script: (socket: Socket, request: string) => void | Promise<void>) => {
  let connections = 0;
  const server = createNetServer((socket) => {
    connections++;
    socket.on("error", () => undefined);
    let pending = "";
    socket.on("data", (d) => {
      pending += d.toString("latin1");
      for (let end = pending.indexOf("\r\n\r\n"); end !== -1; end = pending.indexOf("\r\n\r\n")) {
        const request = pending.slice(0, end);
        pending = pending.slice(end + 4);
        void script(socket, request);
      }
    });
  });
  const host = await listen(server);
  return { host, connections: () => connections, stop: () => new Promise<void>((r) => server.close(() => r())) };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("against node:http", () => {
  let server: Server;
  let host: string;
  let connections = 0;
  /** What the next request is answered with. */
  let answer: (req: IncomingMessage, res: ServerResponse) => void | Promise<void> = (_q, s) => void s.end();
  beforeAll(async () => {
    server = createHttpServer((q, s) => void answer(q, s));
    server.on("connection", () => connections++);
    host = await listen(server);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("reads bodies written in random pieces, framed either way, with trailers, byte for byte, on one kept connection", async () => {
    const client = wire();
    const before = connections;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 200_000 }), { maxLength: 12 }),
        fc.boolean(),
        fc.boolean(),
        fc.nat(),
        async (sizes, withLength, withTrailer, seed) => {
          const parts = sizes.map((n, i) => randomBytes(n).fill(seed + i, 0, 1));
          const body = Buffer.concat(parts);
          answer = async (_q, s) => {
            if (withLength) s.setHeader("content-length", body.byteLength);
            else if (withTrailer) s.setHeader("trailer", "x-sum");
            for (const p of parts) {
              s.write(p);
              if (p.byteLength % 3 === 0) await sleep(1);
            }
            if (!withLength && withTrailer) s.addTrailers({ "x-sum": "abc" });
            s.end();
          };
          const r = await client.request("GET", new URL(`http://${host}/blob`), { accept: "*/*" }, options);
          expect(r.status).toBe(200);
          const got = await readAll(r);
          expect(got.equals(body)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
    // Every response was read to its end: the connection was kept for the next.
    expect(connections - before).toBe(1);
    client.close();
  });

  it("feeds a hash asked for before the first read exactly the bytes it yields, pieces already there included, and only one", async () => {
    const client = wire();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 150_000 }), { maxLength: 8 }), fc.boolean(), fc.integer({ min: 0, max: 15 }), async (sizes, withLength, waitMs) => {
        const parts = sizes.map((n) => randomBytes(n));
        const body = Buffer.concat(parts);
        answer = async (_q, s) => {
          if (withLength) s.setHeader("content-length", body.byteLength);
          for (const p of parts) {
            s.write(p);
            await sleep(1);
          }
          s.end();
        };
        const r = await client.request("GET", new URL(`http://${host}/blob`), {}, options);
        // Asked late, some of the body has arrived (and waits, unhashed) before the hash is given.
        await sleep(waitMs);
        const fed = createHash("sha256");
        const ask = (r.body as { hashAhead?: (h: { update: (d: Uint8Array) => unknown }) => boolean }).hashAhead;
        expect(ask?.(fed)).toBe(true);
        expect(ask?.(createHash("sha256"))).toBe(false);
        const got = await readAll(r);
        expect(got.equals(body)).toBe(true);
        expect(fed.digest("hex")).toBe(createHash("sha256").update(body).digest("hex"));
      }),
      { numRuns: 40 },
    );
    // Once the reader has had a piece, it is too late to ask.
    answer = (_q, s) => void s.end("abc");
    const r = await client.request("GET", new URL(`http://${host}/late`), {}, options);
    const it = r.body[Symbol.asyncIterator]();
    await it.next();
    expect((r.body as { hashAhead?: (h: { update: (d: Uint8Array) => unknown }) => boolean }).hashAhead?.(createHash("sha256"))).toBe(false);
    await it.return?.();
    client.close();
  });

  it("sends the caller's headers and answers HEAD and 204 without a body", async () => {
    const client = wire();
    let seen: IncomingMessage | undefined;
    answer = (q, s) => {
      seen = q;
      s.writeHead(q.method === "HEAD" ? 200 : 204, { "content-length": q.method === "HEAD" ? "12345" : "0", "docker-content-digest": "sha256:x" });
      s.end();
    };
    const head = await client.request("HEAD", new URL(`http://${host}/v2/a/blobs/b?x=1`), { authorization: "Bearer t" }, options);
    expect([head.status, head.headers["content-length"], (await readAll(head)).byteLength]).toEqual([200, "12345", 0]);
    expect([seen?.method, seen?.url, seen?.headers["authorization"], seen?.headers["host"]]).toEqual(["HEAD", "/v2/a/blobs/b?x=1", "Bearer t", host]);
    const empty = await client.request("GET", new URL(`http://${host}/`), {}, options);
    expect([empty.status, empty.headers["docker-content-digest"], (await readAll(empty)).byteLength]).toEqual([204, "sha256:x", 0]);
    client.close();
  });

  it("keeps bodies intact while their slabs are given back and read into again, two at a time", async () => {
    const client = wire();
    const bodies = [randomBytes(9 << 20), randomBytes(7 << 20)];
    answer = (q, s) => {
      const body = bodies[Number(q.url?.slice(1))] ?? Buffer.alloc(0);
      s.setHeader("content-length", body.byteLength);
      s.end(body);
    };
    const digests = await Promise.all(
      bodies.map(async (_, i) => {
        const r = await client.request("GET", new URL(`http://${host}/${i}`), {}, options);
        const hash = createHash("sha256");
        for await (const chunk of r.body) {
          hash.update(chunk);
          giveBack(chunk);
        }
        return hash.digest("hex");
      }),
    );
    expect(digests).toEqual(bodies.map((b) => createHash("sha256").update(b).digest("hex")));
    client.close();
  });

  it("keeps memory flat while the reader waits: the socket stops reading", async () => {
    const client = wire();
    const body = randomBytes(64 << 20);
    answer = (_q, s) => {
      s.setHeader("content-length", body.byteLength);
      s.end(body);
    };
    const r = await client.request("GET", new URL(`http://${host}/big`), {}, options);
    const it = r.body[Symbol.asyncIterator]();
    const first = await it.next();
    // One view per socket read, never more than a slab.
    expect(first.value?.byteLength).toBeGreaterThan(0);
    expect(first.value?.byteLength).toBeLessThanOrEqual(1 << 20);
    const held = process.memoryUsage().arrayBuffers;
    await sleep(300);
    // 64 MiB are on offer; a few chunks and the kernel's buffers are all that may be taken in.
    expect(process.memoryUsage().arrayBuffers - held).toBeLessThan(8 << 20);
    let total = first.value?.byteLength ?? 0;
    for (let n = await it.next(); n.done !== true; n = await it.next()) total += n.value.byteLength;
    expect(total).toBe(body.byteLength);
    client.close();
  });
});

describe("request bodies", () => {
  let server: Server;
  let host: string;
  /** What the server received: method, framing headers, the body's digest and length. */
  const received: Array<{ method: string; length?: string; chunked: boolean; sha: string; bytes: number }> = [];
  beforeAll(async () => {
    server = createHttpServer((q, s) => {
      const hash = createHash("sha256");
      let bytes = 0;
      q.on("data", (d: Buffer) => {
        hash.update(d);
        bytes += d.byteLength;
      });
      q.on("end", () => {
        received.push({ method: q.method ?? "", ...(q.headers["content-length"] === undefined ? {} : { length: q.headers["content-length"] }), chunked: q.headers["transfer-encoding"] === "chunked", sha: hash.digest("hex"), bytes });
        s.writeHead(201, { location: "/done" });
        s.end();
      });
    });
    host = await listen(server);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const stream = async function* (parts: ReadonlyArray<Uint8Array>): AsyncIterable<Uint8Array> {
    for (const p of parts) {
      await sleep(0);
      yield p;
    }
  };
  const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

  it("sends bytes, streams of a declared length, streams without one (chunked), and empty POSTs", async () => {
    const client = wire();
    const bytes = randomBytes(300_000);
    const parts = [randomBytes(70_000), randomBytes(1), randomBytes(2 << 20), new Uint8Array(0), randomBytes(5)];
    const all = Buffer.concat(parts);
    received.length = 0;
    for (const [method, headers, body] of [
      ["PUT", {}, bytes],
      ["PUT", { "Content-Length": String(all.byteLength) }, stream(parts)],
      ["PATCH", {}, stream(parts)],
      ["POST", { "content-length": "0" }, undefined],
    ] as const) {
      const r = await client.request(method, new URL(`http://${host}/v2/a/blobs/uploads/`), headers, options, body);
      expect([r.status, r.headers["location"]]).toEqual([201, "/done"]);
      await readAll(r);
    }
    expect(received).toEqual([
      { method: "PUT", length: "300000", chunked: false, sha: sha(bytes), bytes: 300_000 },
      { method: "PUT", length: String(all.byteLength), chunked: false, sha: sha(all), bytes: all.byteLength },
      { method: "PATCH", chunked: true, sha: sha(all), bytes: all.byteLength },
      { method: "POST", length: "0", chunked: false, sha: sha(new Uint8Array(0)), bytes: 0 },
    ]);
    client.close();
  });

  it("gives back each slab-backed chunk once the socket has taken it", async () => {
    const client = wire();
    const slab = takeSlab();
    slab.fill(7);
    const view = lend(slab, slab.subarray(0, 4096));
    seal(slab);
    const r = await client.request("PUT", new URL(`http://${host}/`), { "content-length": "4096" }, options, stream([view]));
    await readAll(r);
    expect(takeSlab().buffer).toBe(slab.buffer);
    client.close();
  });

  it("fails with the stream's own error, and refuses a body that is not its declared length", async () => {
    const client = wire();
    const broken = async function* (): AsyncIterable<Uint8Array> {
      yield randomBytes(1000);
      throw new Error("blob sha256:abc: content has digest sha256:def");
    };
    await expect(client.request("PUT", new URL(`http://${host}/`), { "content-length": "5000" }, options, broken())).rejects.toThrow("content has digest sha256:def");
    await expect(client.request("PUT", new URL(`http://${host}/`), { "content-length": "10" }, options, stream([randomBytes(11)]))).rejects.toMatchObject({ code: "BERTH_BODY_LENGTH" });
    await expect(client.request("PUT", new URL(`http://${host}/`), { "content-length": "10" }, options, stream([randomBytes(9)]))).rejects.toMatchObject({ code: "BERTH_BODY_LENGTH" });
    client.close();
  });
});

describe("against raw sockets", () => {
  it("takes an answer that comes before the body is sent, and stops sending", async () => {
    const server = await rawServer((socket) => void socket.end("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"));
    const client = wire();
    let pulled = 0;
    const endless = async function* (): AsyncIterable<Uint8Array> {
      for (let i = 0; i < 256; i++) {
        pulled++;
        await sleep(1);
        yield new Uint8Array(1 << 20);
      }
    };
    const r = await client.request("PUT", new URL(`http://${server.host}/`), { "content-length": String(256 << 20) }, options, endless());
    expect(r.status).toBe(401);
    expect(pulled).toBeLessThan(256);
    client.close();
    await server.stop();
  });

  it("gives up on an upload the server stopped reading", async () => {
    const sockets: Socket[] = [];
    const stuck = createNetServer((socket) => {
      sockets.push(socket);
      socket.on("error", () => undefined);
      socket.pause();
    });
    const host = await listen(stuck);
    const client = wire();
    const endless = async function* (): AsyncIterable<Uint8Array> {
      for (;;) yield new Uint8Array(1 << 20);
    };
    await expect(client.request("PUT", new URL(`http://${host}/`), {}, { ...options, idleMs: 300 }, endless())).rejects.toMatchObject({ code: "BERTH_UPLOAD_STALLED", message: "the registry took no data for 0.3 s" });
    client.close();
    // A paused socket never reads its end: the server closes it itself.
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((r) => stuck.close(() => r()));
  });

  it("reads heads split byte by byte, after interim answers, with chunk extensions", async () => {
    const server = await rawServer(async (socket) => {
      const text = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Long: " + "v".repeat(20_000) + "\r\n\r\n5;name=value\r\nhello\r\n0\r\n\r\n";
      for (const ch of text.slice(0, 200)) {
        socket.write(ch);
        await sleep(0);
      }
      socket.write(text.slice(200));
    });
    const client = wire();
    const r = await client.request("GET", new URL(`http://${server.host}/`), {}, options);
    expect([r.status, r.headers["x-long"]?.length, (await readAll(r)).toString()]).toEqual([200, 20_000, "hello"]);
    client.close();
    await server.stop();
  });

  it("gives what came before an early close, then the error; a new request opens a new connection", async () => {
    const server = await rawServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
      socket.end(Buffer.alloc(40_000, 1));
    });
    const client = wire();
    const r = await client.request("GET", new URL(`http://${server.host}/`), {}, options);
    const got: Uint8Array[] = [];
    await expect(
      (async () => {
        for await (const c of r.body) got.push(c);
      })(),
    ).rejects.toThrow("the connection closed before the body ended");
    expect(Buffer.concat(got).byteLength).toBe(40_000);
    await expect(client.request("GET", new URL(`http://${server.host}/`), {}, options)).resolves.toMatchObject({ status: 200 });
    expect(server.connections()).toBe(2);
    client.close();
    await server.stop();
  });

  it("hands a small body that came with its head over in one chunk, and the rest of one that did not in few", async () => {
    const server = await rawServer(async (socket, request) => {
      const body = "x".repeat(558);
      if (request.startsWith("GET /whole")) return void socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 558\r\n\r\n${body}`);
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 558\r\n\r\n${body.slice(0, 100)}`);
      await sleep(20);
      socket.write(body.slice(100));
    });
    const client = wire();
    for (const [path, most] of [["/whole", 1], ["/split", 2]] as const) {
      const r = await client.request("GET", new URL(`http://${server.host}${path}`), {}, options);
      const chunks: Uint8Array[] = [];
      for await (const c of r.body) chunks.push(c);
      expect(Buffer.concat(chunks).toString()).toBe("x".repeat(558));
      expect(chunks.length).toBeLessThanOrEqual(most);
    }
    client.close();
    await server.stop();
  });

  it("reads a body framed by the connection's end", async () => {
    const server = await rawServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\n\r\nuntil");
      setTimeout(() => socket.end(" the end"), 20);
    });
    const client = wire();
    const r = await client.request("GET", new URL(`http://${server.host}/`), {}, options);
    expect((await readAll(r)).toString()).toBe("until the end");
    client.close();
    await server.stop();
  });

  it("opens a new connection when a kept one was closed by the server, and when a response said too much", async () => {
    let n = 0;
    const server = await rawServer((socket) => {
      n++;
      // The first answer carries bytes past its body; the second is followed by the server closing the idle connection.
      if (n === 1) socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA");
      else {
        socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        setTimeout(() => socket.destroy(), 30);
      }
    });
    const client = wire();
    for (let i = 0; i < 3; i++) {
      const r = await client.request("GET", new URL(`http://${server.host}/`), {}, options);
      expect((await readAll(r)).toString()).toBe("ok");
      await sleep(80);
    }
    expect(server.connections()).toBe(3);
    client.close();
    await server.stop();
  });

  it("refuses what is not HTTP/1.1, oversized heads and bad lengths, in one line", async () => {
    const answers = ["SSH-2.0-OpenSSH\r\n\r\n", `HTTP/1.1 200 OK\r\nX: ${"a".repeat(70_000)}\r\n\r\n`, "HTTP/1.1 200 OK\r\nContent-Length: 5, 7\r\n\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"];
    const server = await rawServer((socket, request) => void socket.end(answers[Number(/GET \/(\d)/.exec(request)?.[1])] ?? ""));
    const client = wire();
    const messages: string[] = [];
    for (let i = 0; i < answers.length; i++) {
      await client.request("GET", new URL(`http://${server.host}/${i}`), {}, options).then(
        () => messages.push("answered"),
        (e: Error) => messages.push(e.message),
      );
    }
    expect(messages.map((m) => m.replace(/".*/, ""))).toEqual(["not an HTTP/1.1 status line: ", "response headers larger than 65536 bytes", "a bad content-length ", "an unsupported transfer-encoding "]);
    client.close();
    await server.stop();
  });

  it("times out a silent server and a stalled body, and stops at an abort", async () => {
    const server = await rawServer((socket, request) => {
      if (request.startsWith("GET /stall")) socket.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    });
    const client = wire();
    const quick = { ...options, idleMs: 200 };
    await expect(client.request("GET", new URL(`http://${server.host}/silent`), {}, quick)).rejects.toMatchObject({ code: "UND_ERR_HEADERS_TIMEOUT", message: "no response within 0.2 s" });
    const stalled = await client.request("GET", new URL(`http://${server.host}/stall`), {}, quick);
    await expect(readAll(stalled)).rejects.toMatchObject({ code: "UND_ERR_BODY_TIMEOUT", message: "no data for 0.2 s" });
    const controller = new AbortController();
    const aborted = client.request("GET", new URL(`http://${server.host}/silent`), {}, { ...options, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(aborted).rejects.toMatchObject({ code: "ABORT_ERR" });
    client.close();
    await server.stop();
  });

  it("refuses a refused connection", async () => {
    const server = await rawServer(() => undefined);
    const host = server.host;
    await server.stop();
    await expect(wire().request("GET", new URL(`http://${host}/`), {}, options)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});

describe("TLS", () => {
  const root = tempDir();
  const openssl = (...args: string[]) => expect(spawnSync("openssl", args, { encoding: "utf8" }).status).toBe(0);
  let host: string;
  let server: ReturnType<typeof createHttpsServer>;
  let ca: string;
  beforeAll(async () => {
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(root, "ca.key"), "-out", join(root, "ca.crt"), "-days", "1", "-subj", "/CN=berth wire CA");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", join(root, "server.key"), "-out", join(root, "server.csr"), "-subj", "/CN=127.0.0.1");
    writeFileSync(join(root, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
    openssl("x509", "-req", "-in", join(root, "server.csr"), "-CA", join(root, "ca.crt"), "-CAkey", join(root, "ca.key"), "-CAcreateserial", "-out", join(root, "server.crt"), "-days", "1", "-extfile", join(root, "san.ext"));
    ca = readFileSync(join(root, "ca.crt"), "utf8");
    const body = randomBytes(3 << 20);
    server = createHttpsServer({ key: readFileSync(join(root, "server.key")), cert: readFileSync(join(root, "server.crt")) }, (_q, s) => {
      s.setHeader("content-length", body.byteLength);
      s.setHeader("x-sum", body.subarray(0, 8).toString("hex"));
      s.end(body);
    });
    host = await listen(server);
  }, 60_000);
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("reads over TLS with the CA given, refuses without it, and skips checks when told", async () => {
    const client = wire();
    const r = await client.request("GET", new URL(`https://${host}/`), {}, { ...options, ca: [ca] });
    const got = await readAll(r);
    expect([got.byteLength, got.subarray(0, 8).toString("hex")]).toEqual([3 << 20, r.headers["x-sum"]]);
    await expect(client.request("GET", new URL(`https://${host}/`), {}, options)).rejects.toThrow(/self.signed|unable to verify|certificate/i);
    const insecure = await wire().request("GET", new URL(`https://${host}/`), {}, { ...options, insecureSkipVerify: true });
    expect((await readAll(insecure)).byteLength).toBe(3 << 20);
    client.close();
  });
});
