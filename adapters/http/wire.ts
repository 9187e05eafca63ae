/**
 * GET and HEAD over HTTP/1.1 with the body read straight off the socket:
 * the socket reads (`onread`) into 1 MiB buffers of ours, where the bytes
 * stay (framing is squeezed out in place, http1-framing.ts), and each read
 * is handed to the reader as a view of them. No stream machinery lies between
 * the wire and the reader: undici and node:http deliver 64 KiB chunks, each
 * a fresh allocation pushed through streams, which on a fast link costs
 * several times the socket's own time. Connections are kept per origin for
 * the next request. Requests with a body stay with undici (client.ts).
 */
import { createHash } from "node:crypto";
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect, rootCertificates, type ConnectionOptions } from "node:tls";
import { lend, seal, slabBytes, takeSlab } from "../bytes/slabs.ts";
import { bodyEnded, bodyStateOf, decodeBody, headEnd, headText, parseHead, readLimit, requestHead, type BodyState } from "./http1-framing.ts";

/** Where and how to connect for one request. */
export interface WireOptions {
  /** Accept any certificate. */
  readonly insecureSkipVerify: boolean;
  /** Extra CA certificates (PEM) for this origin, trusted beside the system's. */
  readonly ca: ReadonlyArray<string>;
  readonly connectMs: number;
  /** The longest wait for the response's head, and for any pause in its body. */
  readonly idleMs: number;
  readonly signal?: AbortSignal;
}

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
  /** Sends a GET or HEAD and settles with the response head; the body follows through `body`. */
  readonly request: (method: "GET" | "HEAD", url: URL, headers: Readonly<Record<string, string>>, options: WireOptions) => Promise<WireResponse>;
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
/** Bytes waiting for the reader before the socket stops reading: memory stays flat whatever the body's size. */
const maxReadyBytes = 2 << 20;
const maxIdlePerOrigin = 8;

/** One response being read: its head, then its body into chunks. */
class Exchange {
  private head: Buffer = Buffer.allocUnsafe(headStartBytes);
  private headFilled = 0;
  private state: BodyState | undefined;
  private fill: Buffer | undefined;
  private filled = 0;
  private readonly ready: Uint8Array[] = [];
  private readyBytes = 0;
  private ended = false;
  private failed: Error | undefined;
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
    // Small bodies (manifests, tokens, errors) get a buffer of their size; blobs get slabs, used again once read.
    this.fill ??= this.state.kind === "length" && this.state.remaining < slabBytes / 4 ? Buffer.allocUnsafe(Math.max(1, this.state.remaining)) : takeSlab();
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
  timedOut(idleMs: number): void {
    const s = idleMs / 1000;
    this.fail(this.state === undefined ? new WireError(`no response within ${s} s`, "UND_ERR_HEADERS_TIMEOUT") : new WireError(`no data for ${s} s`, "UND_ERR_BODY_TIMEOUT"));
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
    if (typeof decoded === "string") return this.fail(new WireError(decoded, "UND_ERR_SOCKET"));
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
      if (typeof head === "string") return this.fail(new WireError(head, "UND_ERR_SOCKET"));
      // Interim answers (100 Continue, 103 Early Hints) come before the real one.
      if (head.status < 200) {
        this.head.copy(this.head, 0, end, this.headFilled);
        this.headFilled -= end;
        continue;
      }
      const state = bodyStateOf(this.method, head);
      if (typeof state === "string") return this.fail(new WireError(state, "UND_ERR_SOCKET"));
      this.state = state;
      const close = (head.headers["connection"] ?? "").toLowerCase().split(",").map((t) => t.trim());
      this.reusable = state.kind !== "close" && !close.includes("close") && (head.minor === 1 || close.includes("keep-alive"));
      this.onHead({ status: head.status, headers: head.headers, body: { [Symbol.asyncIterator]: () => this.iterator() }, cancel: () => this.cancel() });
      // What came with the head is the body's start: decoded where it lies, then copied into a chunk.
      const rest = this.headFilled - end;
      const decoded = decodeBody(state, this.head, end, rest);
      if (typeof decoded === "string") return this.fail(new WireError(decoded, "UND_ERR_SOCKET"));
      if (decoded.excess > 0) this.reusable = false;
      for (let at = end; at < end + decoded.body; ) {
        const into = this.target();
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
    this.ready.push(lend(fill, fill.subarray(this.filled, this.filled + n)));
    this.readyBytes += n;
    this.filled += n;
    if (this.filled === fill.byteLength) this.nextFill();
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
            ...(options.ca.length === 0 ? {} : { ca: [...rootCertificates, ...options.ca] }),
            onread,
          } as ConnectionOptions)
        : netConnect({ host, port, onread });
    this.socket.setNoDelay(true);
    // Errors reach the exchange through "close"; an idle connection's must not go unheard (an unhandled "error" kills the process).
    this.socket.on("error", () => undefined);
    this.socket.on("timeout", () => this.exchange?.timedOut(this.idleMs));
  }

  /** The idle limit of the request under way. */
  idleMs = 0;

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

/** Connections are shared only between requests that would have trusted the same server. */
const poolKey = (url: URL, options: WireOptions): string =>
  url.protocol !== "https:" ? url.origin : `${url.origin} ${options.insecureSkipVerify ? "insecure" : createHash("sha256").update(options.ca.join("\n")).digest("hex")}`;

/** A pool of kept connections per origin and trust, and the requests on them. */
export const wire = (): Wire => {
  const idle = new Map<string, Connection[]>();
  const busy = new Set<Connection>();
  let closed = false;

  const take = (origin: string): Connection | undefined => {
    const list = idle.get(origin);
    for (let c = list?.pop(); c !== undefined; c = list?.pop()) if (!c.socket.destroyed) return c;
    return undefined;
  };
  const keep = (c: Connection): void => {
    busy.delete(c);
    const list = idle.get(c.origin) ?? [];
    if (closed || list.length >= maxIdlePerOrigin || c.socket.destroyed) return void c.socket.destroy();
    c.socket.setTimeout(0);
    c.socket.unref();
    list.push(c);
    idle.set(c.origin, list);
  };
  const forget = (c: Connection): void => {
    const list = idle.get(c.origin);
    if (list !== undefined) idle.set(c.origin, list.filter((x) => x !== c));
  };

  const attempt = async (method: "GET" | "HEAD", url: URL, headers: Readonly<Record<string, string>>, options: WireOptions, reused: Connection | undefined): Promise<WireResponse> => {
    const c = reused ?? (await open(url, options));
    c.socket.ref();
    busy.add(c);
    return new Promise<WireResponse>((resolve, reject) => {
      let answered = false;
      const abort = () => exchange.fail(new WireError("interrupted", "ABORT_ERR"));
      const release = () => {
        options.signal?.removeEventListener("abort", abort);
        c.socket.off("close", onClose);
        c.socket.off("error", onError);
        c.exchange = undefined;
      };
      const exchange = new Exchange(
        method,
        (r) => {
          answered = true;
          resolve(r);
        },
        (e, started) => {
          release();
          busy.delete(c);
          c.socket.destroy();
          if (answered) return;
          // A kept connection the server closed while it lay idle: once more on a new one.
          if (reused !== undefined && !started && (e as WireError).code === "UND_ERR_SOCKET") resolve(attempt(method, url, headers, options, undefined));
          else reject(e);
        },
        (reusable) => {
          release();
          if (reusable) keep(c);
          else {
            busy.delete(c);
            c.socket.destroy();
          }
        },
        () => c.resume(),
        () => {
          release();
          busy.delete(c);
          c.socket.destroy();
        },
      );
      const onClose = () => exchange.closed(undefined);
      const onError = (e: Error) => exchange.closed(e);
      c.exchange = exchange;
      c.socket.on("close", onClose);
      c.socket.on("error", onError);
      c.idleMs = options.idleMs;
      c.socket.setTimeout(options.idleMs);
      if (options.signal?.aborted === true) return abort();
      options.signal?.addEventListener("abort", abort, { once: true });
      c.socket.write(requestHead(method, url, headers));
    });
  };

  return {
    request: (method, url, headers, options) => {
      if (closed) return Promise.reject(new WireError("the client is closed", "UND_ERR_DESTROYED"));
      const reused = take(poolKey(url, options));
      if (reused !== undefined) forget(reused);
      return attempt(method, url, headers, options, reused);
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
