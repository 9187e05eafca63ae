/**
 * HTTP/1.1 on Node's sockets, with bodies read straight off them: the socket
 * reads (`onread`) into 1 MiB slabs of ours, where the bytes stay (framing is
 * squeezed out in place, http1-framing.ts), and each read is handed to the
 * reader as a view of them. No stream machinery lies between the wire and the
 * reader: undici and node:http deliver 64 KiB chunks, each a fresh allocation
 * pushed through streams, which on a fast link costs several times the
 * socket's own time. Request bodies are written as they come, each chunk
 * given back (slabs.ts) once the socket has taken it. Connections are kept
 * per origin and trust for the next request.
 */
import { createHash } from "node:crypto";
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect, createSecureContext, rootCertificates, type ConnectionOptions, type SecureContext } from "node:tls";
import type { HashAhead, Hasher } from "../bytes/hash-ahead.ts";
import { giveBack, lend, seal, slabBytes, takeSlab } from "../bytes/slabs.ts";
import { bodyEnded, bodyStateOf, chunkPrefix, decodeBody, headEnd, headText, parseHead, readLimit, requestHead, type BodyState, type Method, type RequestFraming } from "./http1-framing.ts";

/** Where and how to connect for one request. */
export interface WireOptions {
  /** Accept any certificate. */
  readonly insecureSkipVerify: boolean;
  /** Extra CA certificates (PEM) for this origin, trusted beside the system's. */
  readonly ca: ReadonlyArray<string>;
  readonly connectMs: number;
  /** The longest wait for the response's head, and for any pause in a body either way. */
  readonly idleMs: number;
  /** The longest wait for the answer once a request body is sent, when longer than `idleMs` (a registry verifying an upload). */
  readonly answerMs?: number;
  readonly signal?: AbortSignal;
}

/** A request's body: bytes, or a stream whose length, if known, is in the caller's Content-Length header. */
export type WireBody = Uint8Array | AsyncIterable<Uint8Array>;

/** A response whose body is read off the socket. */
export interface WireResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The body, one view per socket read (up to 1 MiB); each is the reader's to keep: its bytes are never written again. */
  readonly body: AsyncIterable<Uint8Array>;
  /** Closes the connection without reading the rest of the body. */
  readonly cancel: () => void;
}

/** Connections to the origins one client talks to. */
export interface Wire {
  /**
   * Sends a request and settles with the response head, once the body (if
   * any) is sent or the server has answered early; the response's body
   * follows through `body`.
   */
  readonly request: (method: Method, url: URL, headers: Readonly<Record<string, string>>, options: WireOptions, body?: WireBody) => Promise<WireResponse>;
  /** Closes every connection, idle or not. */
  readonly close: () => void;
}

/** A failure with the code client.ts words (as it words undici's), so both paths say the same. */
export class WireError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const headStartBytes = 16 * 1024;
const maxHeadBytes = 64 * 1024;
/**
 * Bytes waiting for the reader before the socket stops reading: memory stays flat whatever the body's size.
 * One slab's worth: the kernel's socket buffer holds the rest, and every slab more is fresh memory to fault in
 * (measured, 24-layer pull: 2 MiB took ~600 more page faults than 1 MiB, and 4 x 256 MiB pulled no faster).
 */
const maxReadyBytes = 1 << 20;
const maxIdlePerOrigin = 8;

/**
 * Where a body's bytes go, by how many are still to come (`undefined`: not
 * known): small bodies (manifests, tokens, errors) get a buffer of their
 * size; blobs get slabs, used again once read.
 */
const fillFor = (remaining: number | undefined): Buffer =>
  remaining !== undefined && remaining < slabBytes / 4 ? Buffer.allocUnsafe(Math.max(1, remaining)) : takeSlab();

/** One response being read: its head, then its body into chunks. */
class Exchange {
  private head: Buffer = Buffer.allocUnsafe(headStartBytes);
  private headFilled = 0;
  private state: BodyState | undefined;
  private fill: Buffer | undefined;
  private filled = 0;
  private readonly ready: Uint8Array[] = [];
  private readyBytes = 0;
  /** Fed every body piece as it is delivered, when the reader asked (hashAhead). */
  private hash: Hasher | undefined;
  /** Whether the reader has had a piece: after that, nobody can start hashing ahead. */
  private taken = false;
  private ended = false;
  /** Why the exchange failed, once it has. */
  failed: Error | undefined;
  private wake: (() => void) | undefined;
  /** Whether anything of the response has arrived (a kept connection that closes before is retried). */
  started = false;
  /** Whether the connection may carry another request once this body is read. */
  private reusable = false;

  constructor(
    private readonly method: string,
    private readonly onHead: (r: WireResponse) => void,
    private readonly onFail: (e: Error, started: boolean) => void,
    /** The body was read to its end: the connection is free (`reusable`) or to be closed. */
    private readonly onDone: (reusable: boolean) => void,
    private readonly resume: () => void,
    private readonly cut: () => void,
  ) {}

  /** The buffer last handed to the socket. */
  private given: Buffer | undefined;

  /** Where the next read lands. */
  target(): Buffer {
    this.given = this.where();
    return this.given;
  }

  private where(): Buffer {
    if (this.state === undefined) {
      if (this.headFilled === this.head.byteLength) {
        const grown = Buffer.allocUnsafe(Math.min(maxHeadBytes, this.head.byteLength * 2));
        this.head.copy(grown, 0, 0, this.headFilled);
        this.head = grown;
      }
      return this.head.subarray(this.headFilled);
    }
    this.fill ??= fillFor(this.state.kind === "length" ? this.state.remaining : undefined);
    return this.fill.subarray(this.filled, this.filled + Math.max(1, readLimit(this.state, this.fill.byteLength - this.filled)));
  }

  /**
   * Takes `n` bytes read into `buf`: normally the last target, where they
   * stay; otherwise (the first read of a kept connection, which went into the
   * connection's own buffer) they are copied in. False asks the socket to
   * stop reading for now.
   */
  read(buf: Buffer, n: number): boolean {
    this.started = true;
    if (buf === this.given) return this.took(n);
    let more = true;
    let at = 0;
    while (at < n && !this.ended && this.failed === undefined) {
      const into = this.target();
      const k = Math.min(into.byteLength, n - at);
      buf.copy(into, 0, at, at + k);
      at += k;
      more = this.took(k);
    }
    // Bytes past the response's end: the connection is not used again.
    if (at < n) this.cut();
    return more;
  }

  /** A response that took too long: for its head, or for the next bytes of its body. */
  timedOut(ms: number): void {
    const s = ms / 1000;
    this.fail(
      this.sending
        ? new WireError(`the registry took no data for ${s} s`, "BERTH_UPLOAD_STALLED")
        : this.state === undefined
          ? new WireError(`no response within ${s} s`, "UND_ERR_HEADERS_TIMEOUT")
          : new WireError(`no data for ${s} s`, "UND_ERR_BODY_TIMEOUT"),
    );
  }

  /** Whether the request's body is still being sent. */
  sending = false;

  /** Whether the response's head has arrived. */
  get answered(): boolean {
    return this.state !== undefined;
  }

  private took(n: number): boolean {
    if (this.ended) return true;
    if (this.state === undefined) {
      this.headFilled += n;
      return this.headRead();
    }
    const fill = this.fill;
    if (fill === undefined) return true;
    const decoded = decodeBody(this.state, fill, this.filled, n);
    if (typeof decoded === "string") return this.fail(new WireError(decoded, "BERTH_HTTP_PROTOCOL"));
    this.deliver(decoded.body);
    if (decoded.excess > 0) this.reusable = false;
    if (bodyEnded(this.state)) this.finish();
    this.signal();
    return this.readyBytes < maxReadyBytes;
  }

  private headRead(): boolean {
    for (;;) {
      const end = headEnd(this.head, this.headFilled);
      if (end === -1) {
        if (this.headFilled >= maxHeadBytes) return this.fail(new WireError(`response headers larger than ${maxHeadBytes} bytes`, "UND_ERR_HEADERS_OVERFLOW"));
        return true;
      }
      const head = parseHead(headText(this.head, end));
      if (typeof head === "string") return this.fail(new WireError(head, "BERTH_HTTP_PROTOCOL"));
      // Interim answers (100 Continue, 103 Early Hints) come before the real one.
      if (head.status < 200) {
        this.head.copy(this.head, 0, end, this.headFilled);
        this.headFilled -= end;
        continue;
      }
      const state = bodyStateOf(this.method, head);
      if (typeof state === "string") return this.fail(new WireError(state, "BERTH_HTTP_PROTOCOL"));
      this.state = state;
      const close = (head.headers["connection"] ?? "").toLowerCase().split(",").map((t) => t.trim());
      this.reusable = state.kind !== "close" && !close.includes("close") && (head.minor === 1 || close.includes("keep-alive"));
      const body: AsyncIterable<Uint8Array> & HashAhead = { [Symbol.asyncIterator]: () => this.iterator(), hashAhead: (h) => this.hashAhead(h) };
      this.onHead({ status: head.status, headers: head.headers, body, cancel: () => this.cancel() });
      // What came with the head is the body's start: decoded where it lies, then copied into a chunk
      // sized by the whole body (decoding counts these bytes off what remains to be read).
      const total = state.kind === "length" ? state.remaining : undefined;
      const rest = this.headFilled - end;
      const decoded = decodeBody(state, this.head, end, rest);
      if (typeof decoded === "string") return this.fail(new WireError(decoded, "BERTH_HTTP_PROTOCOL"));
      if (decoded.excess > 0) this.reusable = false;
      for (let at = end; at < end + decoded.body; ) {
        this.fill ??= fillFor(total);
        const into = this.fill.subarray(this.filled);
        const n = Math.min(into.byteLength, end + decoded.body - at);
        this.head.copy(into, 0, at, at + n);
        at += n;
        this.deliver(n);
      }
      if (bodyEnded(state)) this.finish();
      this.signal();
      return true;
    }
  }

  /**
   * Hands the `n` body bytes just decoded at the fill point to the reader as
   * they are: a view of each read, taken while the bytes are still in the
   * CPU's cache (hashing 1 MiB chunks later, from memory, costs twice as much).
   */
  private deliver(n: number): void {
    const fill = this.fill;
    if (fill === undefined || n === 0) return;
    const piece = fill.subarray(this.filled, this.filled + n);
    this.hash?.update(piece);
    this.ready.push(lend(fill, piece));
    this.readyBytes += n;
    this.filled += n;
    if (this.filled === fill.byteLength) this.nextFill();
  }

  /** Hashes the body from here on as it is delivered (see hash-ahead.ts); what is ready already, at once. Only before the reader's first piece. */
  private hashAhead(hash: Hasher): boolean {
    if (this.taken || this.hash !== undefined) return false;
    for (const piece of this.ready) hash.update(piece);
    this.hash = hash;
    return true;
  }

  /** Done with the current buffer: no more views are cut from it. */
  private nextFill(): void {
    if (this.fill !== undefined) seal(this.fill);
    this.fill = undefined;
    this.filled = 0;
  }

  private finish(): void {
    if (this.ended) return;
    this.nextFill();
    this.ended = true;
    this.onDone(this.reusable);
    this.signal();
  }

  /** The connection ended: the end of a body framed by it, or a failure. */
  closed(error: Error | undefined): void {
    if (this.ended) return;
    if (error === undefined && this.state?.kind === "close") return this.finish();
    this.fail(
      error ??
        new WireError(this.state === undefined ? "the connection closed before a response" : "the connection closed before the body ended", "UND_ERR_SOCKET"),
    );
  }

  /** Fails the exchange: before the head, the request rejects; after, the body's reader gets the error. */
  fail(e: Error): false {
    if (this.ended || this.failed !== undefined) return false;
    // What arrived before the failure is still the body's (it stays in `ready`): a reader resumes after it.
    this.nextFill();
    this.failed = e;
    this.onFail(e, this.started);
    this.signal();
    return false;
  }

  private signal(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private cancel(): void {
    if (this.ended) return;
    this.ended = true;
    this.ready.length = 0;
    this.readyBytes = 0;
    this.nextFill();
    this.cut();
    this.signal();
  }

  private iterator(): AsyncIterator<Uint8Array> {
    return {
      next: async () => {
        for (;;) {
          const chunk = this.ready.shift();
          if (chunk !== undefined) {
            this.taken = true;
            this.readyBytes -= chunk.byteLength;
            if (this.readyBytes < maxReadyBytes) this.resume();
            return { done: false, value: chunk };
          }
          if (this.failed !== undefined) throw this.failed;
          if (this.ended) return { done: true, value: undefined };
          this.resume();
          await new Promise<void>((r) => (this.wake = r));
        }
      },
      return: async () => {
        this.cancel();
        return { done: true, value: undefined };
      },
    };
  }
}

/** A socket with the exchange it is reading, if any. */
class Connection {
  exchange: Exchange | undefined;
  paused = false;
  /** Bytes that arrive with no exchange waiting for them (the connection is then closed). */
  private readonly scratch = Buffer.allocUnsafe(1024);
  readonly socket: Socket;

  constructor(
    /** The pool this connection returns to: its origin and the trust it was opened with. */
    readonly origin: string,
    url: URL,
    options: WireOptions,
  ) {
    const port = Number(url.port !== "" ? url.port : url.protocol === "https:" ? 443 : 80);
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const onread = { buffer: () => this.exchange?.target() ?? this.scratch, callback: (n: number, buf: Buffer) => this.read(n, buf) };
    this.socket =
      url.protocol === "https:"
        ? tlsConnect({
            host,
            port,
            // SNI takes a host name, never an address.
            ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }),
            rejectUnauthorized: !options.insecureSkipVerify,
            secureContext: options.insecureSkipVerify ? unverifiedContext() : secureContextFor(options.ca),
            onread,
          } as ConnectionOptions)
        : netConnect({ host, port, onread });
    this.socket.setNoDelay(true);
    // Errors reach the exchange through "close"; an idle connection's must not go unheard (an unhandled "error" kills the process).
    this.socket.on("error", () => undefined);
    this.socket.on("timeout", () => this.exchange?.timedOut(this.idleMs));
  }

  /** The wait limit of the request under way (its idle limit, or the wait for an answer after an upload). */
  idleMs = 0;

  /** Waits the longest `ms` for the next activity on the connection. */
  limit(ms: number): void {
    this.idleMs = ms;
    this.socket.setTimeout(ms);
  }

  /** When the connection last finished a response: a kept connection idle for long may have been closed by the server. */
  idleSince = 0;

  private read(n: number, buf: Buffer): boolean {
    const exchange = this.exchange;
    if (exchange === undefined) {
      // Nobody asked: a server that sends unasked bytes is not spoken to again.
      this.socket.destroy();
      return false;
    }
    const more = exchange.read(buf, n);
    this.paused = !more;
    return more;
  }

  resume(): void {
    if (this.paused && !this.socket.destroyed) {
      this.paused = false;
      this.socket.resume();
    }
  }
}

/** Opens a connection; settles once it is connected (TLS handshake done). */
const open = (url: URL, options: WireOptions): Promise<Connection> =>
  new Promise((resolve, reject) => {
    const c = new Connection(poolKey(url, options), url, options);
    const timer = setTimeout(() => fail(new WireError(`no connection within ${options.connectMs / 1000} s`, "UND_ERR_CONNECT_TIMEOUT")), options.connectMs);
    const abort = () => fail(new WireError("interrupted", "ABORT_ERR"));
    const done = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", abort);
      c.socket.off("error", fail);
    };
    function fail(e: Error): void {
      done();
      c.socket.destroy();
      reject(e);
    }
    if (options.signal?.aborted === true) return abort();
    options.signal?.addEventListener("abort", abort, { once: true });
    c.socket.once("error", fail);
    c.socket.once(url.protocol === "https:" ? "secureConnect" : "connect", () => {
      done();
      resolve(c);
    });
  });

/** How recently a kept connection must have been in use to carry a stream (which cannot be resent if the connection turns out closed). */
const freshMs = 1000;

/** The length a caller declared for a streamed body; without one, the body is sent chunked. */
const declaredLength = (headers: Readonly<Record<string, string>>): RequestFraming => {
  const value = Object.entries(headers).find(([k]) => k.toLowerCase() === "content-length")?.[1];
  return value !== undefined && /^\d{1,15}$/.test(value) ? { length: Number(value) } : "chunked";
};

/** Waits until the socket can take more, or is gone. */
const drained = (socket: Socket): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      socket.off("drain", done);
      socket.off("close", done);
      resolve();
    };
    socket.on("drain", done);
    socket.on("close", done);
  });

/**
 * Writes a request body: bytes at once, a stream chunk by chunk as the
 * socket takes them, each chunk given back once written (slabs.ts: the
 * socket is the last reader of an upload's bytes). A stream of a declared
 * length must be exactly that long. `stop` ends it early (the server has
 * answered, or the exchange failed).
 */
const send = async (c: Connection, body: WireBody, framing: RequestFraming, stop: () => unknown): Promise<void> => {
  const socket = c.socket;
  if (body instanceof Uint8Array) {
    if (!socket.write(body)) await drained(socket);
    return;
  }
  const chunked = framing === "chunked";
  let sent = 0;
  for await (const chunk of body) {
    if (stop() || socket.destroyed) return;
    if (chunk.byteLength === 0) continue;
    sent += chunk.byteLength;
    if (!chunked && sent > framing.length) throw new WireError(`the body is longer than its declared ${framing.length} bytes`, "BERTH_BODY_LENGTH");
    let more: boolean;
    if (chunked) {
      socket.cork();
      socket.write(chunkPrefix(chunk.byteLength));
      socket.write(chunk, () => giveBack(chunk));
      more = socket.write("\r\n");
      socket.uncork();
    } else more = socket.write(chunk, () => giveBack(chunk));
    if (!more) await drained(socket);
  }
  if (stop() || socket.destroyed) return;
  if (chunked) socket.write("0\r\n\r\n");
  else if (sent !== framing.length) throw new WireError(`the body ended after ${sent} of its declared ${framing.length} bytes`, "BERTH_BODY_LENGTH");
};

/** TLS contexts by the CAs they trust: made once, as each holds a parsed copy of every root certificate. */
const secureContexts = new Map<string, SecureContext>();
const secureContextFor = (ca: ReadonlyArray<string>): SecureContext => {
  const key = ca.join("\n");
  let context = secureContexts.get(key);
  if (context === undefined) {
    context = createSecureContext(ca.length === 0 ? {} : { ca: [...rootCertificates, ...ca] });
    secureContexts.set(key, context);
  }
  return context;
};

let unverified: SecureContext | undefined;
/**
 * The context of connections that verify nothing (`--tls-verify=false`, which tries TLS before plain
 * HTTP): it trusts no root, so that none is parsed (~20 ms of the first TLS connection here, unless
 * NODE_EXTRA_CA_CERTS made Node parse them all at its start).
 */
const unverifiedContext = (): SecureContext => (unverified ??= createSecureContext({ ca: [] }));

/** Connections are shared only between requests that would have trusted the same server. */
const poolKey = (url: URL, options: WireOptions): string =>
  url.protocol !== "https:" ? url.origin : `${url.origin} ${options.insecureSkipVerify ? "insecure" : createHash("sha256").update(options.ca.join("\n")).digest("hex")}`;

/** A pool of kept connections per origin and trust, and the requests on them. */
export const wire = (): Wire => {
  const idle = new Map<string, Connection[]>();
  const busy = new Set<Connection>();
  let closed = false;

  /** A kept connection to `origin` that has been idle since `after` (ms since the epoch) at the earliest. */
  const take = (origin: string, after: number): Connection | undefined => {
    const list = idle.get(origin);
    for (let c = list?.pop(); c !== undefined; c = list?.pop()) {
      if (c.socket.destroyed) continue;
      if (c.idleSince >= after) return c;
      c.socket.destroy();
    }
    return undefined;
  };
  const keep = (c: Connection): void => {
    busy.delete(c);
    const list = idle.get(c.origin) ?? [];
    if (closed || list.length >= maxIdlePerOrigin || c.socket.destroyed) return void c.socket.destroy();
    c.socket.setTimeout(0);
    c.socket.unref();
    c.idleSince = Date.now();
    list.push(c);
    idle.set(c.origin, list);
  };
  const forget = (c: Connection): void => {
    const list = idle.get(c.origin);
    if (list !== undefined) idle.set(c.origin, list.filter((x) => x !== c));
  };

  const attempt = async (method: Method, url: URL, headers: Readonly<Record<string, string>>, options: WireOptions, body: WireBody | undefined, reused: Connection | undefined): Promise<WireResponse> => {
    const c = reused ?? (await open(url, options));
    c.socket.ref();
    busy.add(c);
    return new Promise<WireResponse>((resolve, reject) => {
      let answered = false;
      let sent = body === undefined;
      let early = false;
      let head: WireResponse | undefined;
      const abort = () => exchange.fail(new WireError("interrupted", "ABORT_ERR"));
      const release = () => {
        options.signal?.removeEventListener("abort", abort);
        c.socket.off("close", onClose);
        c.socket.off("error", onError);
        c.exchange = undefined;
      };
      const drop = () => {
        release();
        busy.delete(c);
        c.socket.destroy();
      };
      // The caller hears of the answer once the body is sent, or at once if the server answered before it all went.
      const settle = () => {
        if (head !== undefined && (sent || early)) resolve(head);
      };
      const exchange = new Exchange(
        method,
        (r) => {
          answered = true;
          head = r;
          c.limit(options.idleMs);
          if (!sent) {
            // An answer before the whole body (a refusal): the rest is not sent, and the connection not used again.
            early = true;
            exchange.sending = false;
          }
          settle();
        },
        (e, started) => {
          drop();
          if (answered && (sent || early)) return;
          // A kept connection the server closed while it lay idle: once more on a new one, if the body can be sent again.
          const replayable = body === undefined || body instanceof Uint8Array;
          if (reused !== undefined && !started && replayable && (e as WireError).code === "UND_ERR_SOCKET") resolve(attempt(method, url, headers, options, body, undefined));
          else reject(e);
        },
        (reusable) => {
          release();
          if (reusable && sent && !early) keep(c);
          else {
            busy.delete(c);
            c.socket.destroy();
          }
        },
        () => c.resume(),
        drop,
      );
      const onClose = () => exchange.closed(undefined);
      const onError = (e: Error) => exchange.closed(e);
      c.exchange = exchange;
      c.socket.on("close", onClose);
      c.socket.on("error", onError);
      c.limit(options.idleMs);
      if (options.signal?.aborted === true) return abort();
      options.signal?.addEventListener("abort", abort, { once: true });
      const framing: RequestFraming = body === undefined ? (method === "POST" || method === "PUT" || method === "PATCH" ? { length: 0 } : "none") : body instanceof Uint8Array ? { length: body.byteLength } : declaredLength(headers);
      c.socket.write(requestHead(method, url, headers, framing));
      if (body === undefined) return;
      exchange.sending = true;
      send(c, body, framing, () => early || exchange.failed).then(
        () => {
          exchange.sending = false;
          if (early) return;
          sent = true;
          // The registry may verify and move the whole blob before it answers.
          if (!answered) c.limit(Math.max(options.idleMs, options.answerMs ?? 0));
          settle();
        },
        (e: unknown) => exchange.fail(e instanceof Error ? e : new Error(String(e))),
      );
    });
  };

  return {
    request: (method, url, headers, options, body) => {
      if (closed) return Promise.reject(new WireError("the client is closed", "UND_ERR_DESTROYED"));
      // A stream cannot be sent twice: it goes on a kept connection only if that one was in use a moment ago.
      const fresh = body !== undefined && !(body instanceof Uint8Array);
      const reused = take(poolKey(url, options), fresh ? Date.now() - freshMs : 0);
      if (reused !== undefined) forget(reused);
      return attempt(method, url, headers, options, body, reused);
    },
    close: () => {
      closed = true;
      for (const list of idle.values()) for (const c of list) c.socket.destroy();
      idle.clear();
      for (const c of busy) c.socket.destroy();
      busy.clear();
    },
  };
};
