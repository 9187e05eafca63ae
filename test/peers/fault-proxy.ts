/**
 * A loopback HTTP proxy in front of the real registry that injects faults a
 * test asks for. It is only a fault injector: everything it does not change
 * it forwards to the registry unchanged.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createNetServer, type AddressInfo, type Socket } from "node:net";

/** A fault for requests whose path matches `path`; `times` says how many such requests it hits. */
export type Fault =
  | { readonly kind: "status"; readonly path: RegExp; readonly status: number; times: number }
  | { readonly kind: "reset"; readonly path: RegExp; readonly afterBytes: number; times: number }
  | { readonly kind: "corrupt"; readonly path: RegExp; times: number }
  | { readonly kind: "truncate"; readonly path: RegExp; readonly bytes: number; times: number }
  | { readonly kind: "redirect"; readonly path: RegExp; readonly to: string; times: number }
  | { readonly kind: "huge"; readonly path: RegExp; readonly bytes: number; times: number }
  | { readonly kind: "slow"; readonly path: RegExp; readonly bytesPerTick: number; readonly tickMs: number; times: number }
  /** Answers with this document instead of the registry's (a hostile manifest). */
  | { readonly kind: "serve"; readonly path: RegExp; readonly contentType: string; readonly body: string; times: number }
  /** Takes the request and never answers. */
  | { readonly kind: "silent"; readonly path: RegExp; times: number }
  /** Sends the registry's headers and the first `afterBytes` bytes, then nothing more (the connection stays open). */
  | { readonly kind: "stall"; readonly path: RegExp; readonly afterBytes: number; times: number }
  /** Redirects the request to itself, for ever. */
  | { readonly kind: "loop"; readonly path: RegExp; times: number };

/** A running proxy: its address, the faults to inject, and the requests it saw. */
export interface FaultProxy {
  readonly host: string;
  readonly faults: Fault[];
  readonly seen: Array<{ method: string; path: string; range?: string; authorized: boolean }>;
  readonly stop: () => Promise<void>;
}

const listen = (server: Server): Promise<string> =>
  new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)));

const forward = (
  upstream: string,
  req: IncomingMessage,
  res: ServerResponse,
  transform?: (chunk: Buffer, offset: number) => Buffer | "stop",
  extraHeaders: Record<string, string> = {},
): void => {
  const [hostname, port] = upstream.split(":");
  const out = request(
    { hostname, port: Number(port), method: req.method, path: req.url, headers: { ...req.headers, host: upstream, ...extraHeaders } },
    (up) => {
      const headers = { ...up.headers };
      if (transform !== undefined) delete headers["content-length"];
      res.writeHead(up.statusCode ?? 502, headers);
      let offset = 0;
      up.on("data", (chunk: Buffer) => {
        if (transform === undefined) return void res.write(chunk);
        const t = transform(chunk, offset);
        offset += chunk.length;
        if (t === "stop") {
          up.destroy();
          res.end();
        } else res.write(t);
      });
      up.on("end", () => res.end());
    },
  );
  out.on("error", () => res.destroy());
  req.pipe(out);
};

/** Sends the request on to the registry as a GET and hands its response to `onResponse`, which answers the client. */
const fromUpstream = (upstream: string, req: IncomingMessage, onResponse: (up: IncomingMessage) => void): void => {
  const [hostname, port] = upstream.split(":");
  const out = request({ hostname, port: Number(port), method: "GET", path: req.url ?? "/", headers: { ...req.headers, host: upstream } }, onResponse);
  out.on("error", () => undefined);
  req.pipe(out);
};

/** Starts a proxy in front of `upstream` (`host:port`). */
export const startFaultProxy = async (upstream: string): Promise<FaultProxy> => {
  const faults: Fault[] = [];
  const seen: FaultProxy["seen"] = [];
  // Responses a fault is holding open; cut when the proxy stops.
  const held = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    seen.push({ method: req.method ?? "", path, ...(req.headers.range === undefined ? {} : { range: req.headers.range }), authorized: req.headers.authorization !== undefined });
    const fault = faults.find((f) => f.times > 0 && f.path.test(path) && (req.method === "GET" || f.kind === "status"));
    if (fault === undefined) return forward(upstream, req, res);
    fault.times--;
    switch (fault.kind) {
      case "status":
        res.writeHead(fault.status, { "content-type": "application/json", "retry-after": "0" });
        return void res.end('{"errors":[{"code":"UNAVAILABLE","message":"injected"}]}');
      case "redirect":
        res.writeHead(307, { location: `http://${fault.to}${path}` });
        return void res.end();
      case "loop":
        fault.times++;
        res.writeHead(307, { location: path });
        return void res.end();
      case "serve":
        res.writeHead(200, { "content-type": fault.contentType, "content-length": String(Buffer.byteLength(fault.body)) });
        return void res.end(fault.body);
      case "silent":
        held.add(res);
        res.on("close", () => held.delete(res));
        return;
      case "stall": {
        return fromUpstream(upstream, req, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          let sent = 0;
          up.on("data", (chunk: Buffer) => {
            const room = fault.afterBytes - sent;
            if (room > 0) res.write(chunk.subarray(0, room));
            sent += chunk.length;
          });
          held.add(res);
          res.on("close", () => {
            held.delete(res);
            up.destroy();
          });
        });
      }
      case "huge":
        res.writeHead(200, { "content-type": "application/vnd.oci.image.manifest.v1+json" });
        return void res.end(Buffer.alloc(fault.bytes, 0x20));
      case "reset": {
        // Send the headers and some of the body as the registry gave them, then cut the connection.
        return fromUpstream(upstream, req, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          let sent = 0;
          up.on("data", (chunk: Buffer) => {
            const room = fault.afterBytes - sent;
            if (room <= 0) return;
            sent += Math.min(room, chunk.length);
            const cut = sent >= fault.afterBytes;
            // Cut only once the bytes are on the wire, so the client has really read part of the body.
            res.write(chunk.subarray(0, room), () => {
              if (cut) setTimeout(() => res.socket?.destroy(), 50);
            });
            if (cut) up.destroy();
          });
        });
      }
      case "corrupt":
        return forward(upstream, req, res, (chunk, offset) => {
          const copy = Buffer.from(chunk);
          if (offset === 0 && copy.length > 0) copy[0] = (copy[0] ?? 0) ^ 0xff;
          return copy;
        });
      case "slow": {
        // Passes the body on a few bytes at a time, to give a test time to interrupt.
        return fromUpstream(upstream, req, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          const queue: Buffer[] = [];
          let ended = false;
          up.on("data", (c: Buffer) => queue.push(c));
          up.on("end", () => (ended = true));
          const timer = setInterval(() => {
            let budget = fault.bytesPerTick;
            while (budget > 0 && queue.length > 0) {
              const head = queue[0] as Buffer;
              const piece = head.subarray(0, budget);
              res.write(piece);
              budget -= piece.length;
              if (piece.length === head.length) queue.shift();
              else queue[0] = head.subarray(piece.length);
            }
            if (ended && queue.length === 0) {
              clearInterval(timer);
              res.end();
            }
          }, fault.tickMs);
          res.on("close", () => clearInterval(timer));
        });
      }
      case "truncate":
        return forward(upstream, req, res, (chunk, offset) => (offset >= fault.bytes ? "stop" : chunk.subarray(0, Math.max(0, fault.bytes - offset))));
    }
  });
  const host = await listen(server);
  return {
    host,
    faults,
    seen,
    stop: () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
};

/**
 * A TCP server that takes connections and never says a word (a registry
 * that hangs, or a TLS handshake that never completes); counts connections.
 */
export const startSilentServer = async (): Promise<{ host: string; connections: () => number; stop: () => Promise<void> }> => {
  const sockets = new Set<Socket>();
  let count = 0;
  const server = createNetServer((s) => {
    count++;
    sockets.add(s);
    s.on("data", () => undefined);
    s.on("error", () => undefined);
    s.on("close", () => sockets.delete(s));
  });
  const host = await new Promise<string>((resolve) => server.listen(0, "127.0.0.1", () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)));
  return {
    host,
    connections: () => count,
    stop: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
};

/**
 * A second origin for redirects: it serves blobs from `upstream` (with its
 * own `upstreamAuthorization`) and records whether berth's credentials reached it.
 */
export const startBlobHost = async (
  upstream: string,
  upstreamAuthorization: string,
): Promise<{ host: string; authorizationSeen: () => boolean; requests: () => number; stop: () => Promise<void> }> => {
  let authorized = false;
  let count = 0;
  const server = createServer((req, res) => {
    count++;
    if (req.headers.authorization !== undefined) authorized = true;
    delete req.headers.authorization;
    forward(upstream, req, res, undefined, { authorization: upstreamAuthorization });
  });
  const host = await listen(server);
  return { host, authorizationSeen: () => authorized, requests: () => count, stop: () => new Promise((r) => server.close(() => r())) };
};
