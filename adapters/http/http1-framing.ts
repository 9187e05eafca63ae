/**
 * HTTP/1.1 response framing (RFC 9112) as plain functions on bytes: the
 * status line and headers, and a body decoder that works in place, so that
 * body bytes read off a socket into a buffer stay where they landed (chunk
 * size lines are squeezed out by moving the data down). No I/O here: the
 * socket side is wire.ts.
 */

/** A response's status line and headers. */
export interface ResponseHead {
  readonly status: number;
  /** HTTP/1.0 answers close the connection unless they say otherwise. */
  readonly minor: 0 | 1;
  /** Lower-case names; repeated headers joined with ", " (as Node and undici do). */
  readonly headers: Readonly<Record<string, string>>;
}

/** Header names as RFC 9110 tokens. */
const tokenChars = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Field values: visible characters, spaces and tabs, and obs-text. */
const valueChars = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Parses a head (the bytes before the blank line, latin-1): the status line
 * and the header fields. A string says what is wrong.
 */
export const parseHead = (text: string): ResponseHead | string => {
  const lines = text.split("\r\n");
  const status = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: [\t\x20-\x7e\x80-\xff]*)?$/.exec(lines[0] ?? "");
  if (status === null) return `not an HTTP/1.1 status line: "${printableStart(lines[0] ?? "")}"`;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    const name = colon <= 0 ? "" : line.slice(0, colon);
    // No whitespace before the colon (a smuggling vector RFC 9112 forbids) and a token as the name.
    if (!tokenChars.test(name)) return `a malformed header line "${printableStart(line)}"`;
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    if (!valueChars.test(value)) return `a header "${name}" with control characters`;
    const key = name.toLowerCase();
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  return { status: Number(status[2]), minor: status[1] === "0" ? 0 : 1, headers };
};

const printableStart = (s: string): string => s.slice(0, 40).replace(/[^\x20-\x7e]/g, "?");

/** How a body is delimited, and where its decoding stands. */
export type BodyState =
  | { readonly kind: "length"; remaining: number }
  | { readonly kind: "chunked"; phase: "size" | "data" | "data-end" | "trailer" | "done"; remaining: number; line: string }
  | { readonly kind: "close" };

/**
 * How the body of `head` (an answer to `method`) is delimited: none (HEAD,
 * 1xx, 204, 304), chunked, a Content-Length, or the end of the connection.
 * A transfer coding other than chunked, or a Content-Length that is not one
 * number, is refused (RFC 9112 6.3).
 */
export const bodyStateOf = (method: string, head: ResponseHead): BodyState | string => {
  if (method === "HEAD" || head.status < 200 || head.status === 204 || head.status === 304) return { kind: "length", remaining: 0 };
  const te = head.headers["transfer-encoding"];
  if (te !== undefined) {
    if (te.trim().toLowerCase() !== "chunked") return `an unsupported transfer-encoding "${printableStart(te)}"`;
    return { kind: "chunked", phase: "size", remaining: 0, line: "" };
  }
  const length = head.headers["content-length"];
  if (length !== undefined) {
    // Repeated equal values (joined with ", ") are one length; different ones are not.
    const values = new Set(length.split(",").map((v) => v.trim()));
    const only = values.size === 1 ? [...values][0] ?? "" : "";
    if (!/^\d{1,15}$/.test(only)) return `a bad content-length "${printableStart(length)}"`;
    return { kind: "length", remaining: Number(only) };
  }
  return { kind: "close" };
};

/** Whether the body has been read to its end. */
export const bodyEnded = (state: BodyState): boolean => (state.kind === "length" ? state.remaining === 0 : state.kind === "chunked" ? state.phase === "done" : false);

/** The most bytes the next read may take without reading past the body (a length-framed body's rest; otherwise `room`). */
export const readLimit = (state: BodyState, room: number): number => (state.kind === "length" ? Math.min(state.remaining, room) : room);

/** What decoding some bytes gave. */
export interface Decoded {
  /** How many body bytes now lie at the start of the region. */
  readonly body: number;
  /** Bytes after the body's end (a server that sent more than it framed). */
  readonly excess: number;
}

const maxLine = 4096;

/**
 * Decodes the `n` bytes at `buf[at]` in place: the body's bytes among them
 * are moved to `buf[at, at + body)`, chunk framing is consumed into `state`.
 * A string says what is wrong with the framing.
 */
export const decodeBody = (state: BodyState, buf: Uint8Array, at: number, n: number): Decoded | string => {
  if (state.kind === "close") return { body: n, excess: 0 };
  if (state.kind === "length") {
    const body = Math.min(n, state.remaining);
    state.remaining -= body;
    return { body, excess: n - body };
  }
  let read = at;
  let write = at;
  const end = at + n;
  while (read < end && state.phase !== "done") {
    if (state.phase === "data") {
      const take = Math.min(state.remaining, end - read);
      if (write !== read) buf.copyWithin(write, read, read + take);
      write += take;
      read += take;
      state.remaining -= take;
      if (state.remaining === 0) state.phase = "data-end";
      continue;
    }
    // Size lines, the CRLF after each chunk's data, and trailer fields are lines.
    const nl = buf.indexOf(0x0a, read);
    const stop = nl === -1 || nl >= end ? end : nl;
    state.line += latin1(buf, read, stop);
    read = stop === end ? end : stop + 1;
    if (state.line.length > maxLine) return "a chunk line longer than 4 KiB";
    if (stop === end) continue;
    const line = state.line.endsWith("\r") ? state.line.slice(0, -1) : state.line;
    state.line = "";
    if (state.phase === "data-end") {
      if (line !== "") return "a chunk not followed by CRLF";
      state.phase = "size";
    } else if (state.phase === "size") {
      // A size (at most 2^48: 12 hex digits), optional extensions after ";".
      const size = /^([0-9a-fA-F]{1,12})[ \t]*(?:;.*)?$/.exec(line);
      if (size === null) return `a bad chunk size "${printableStart(line)}"`;
      state.remaining = Number.parseInt(size[1] ?? "0", 16);
      state.phase = state.remaining === 0 ? "trailer" : "data";
    } else if (line === "") state.phase = "done";
  }
  return { body: write - at, excess: end - read };
};

const latin1 = (buf: Uint8Array, from: number, to: number): string => {
  let s = "";
  for (let i = from; i < to; i += 8192) s += String.fromCharCode(...buf.subarray(i, Math.min(to, i + 8192)));
  return s;
};

/** Where a head ends: the index just past the blank line, or -1 while it is incomplete. */
export const headEnd = (buf: Uint8Array, length: number): number => {
  for (let i = buf.indexOf(0x0a); i !== -1 && i < length; i = buf.indexOf(0x0a, i + 1)) {
    // "\n\r\n" or "\n\n" (a bare LF, which RFC 9112 lets a recipient accept) ends the head.
    if (buf[i + 1] === 0x0a && i + 1 < length) return i + 2;
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a && i + 2 < length) return i + 3;
  }
  return -1;
};

/** The head's text without its blank line, with bare LFs made CRLFs. */
export const headText = (buf: Uint8Array, end: number): string =>
  latin1(buf, 0, end)
    .replace(/\r?\n/g, "\r\n")
    .replace(/(\r\n)+$/, "");

/** How a request's body is delimited: none, a known length, or chunked coding (a stream of unknown length). */
export type RequestFraming = { readonly length: number } | "chunked" | "none";

/** The methods berth sends. */
export type Method = "GET" | "HEAD" | "PUT" | "POST" | "PATCH" | "DELETE";

/**
 * The head of a request: the request line, Host, the framing of its body,
 * then the caller's headers with CR, LF and NUL taken out (no header
 * injection) and without framing or Connection headers of their own (the
 * connection is kept, and the body is framed as it is sent).
 */
export const requestHead = (method: Method, url: URL, headers: Readonly<Record<string, string>>, framing: RequestFraming = "none"): string =>
  [
    `${method} ${url.pathname}${url.search} HTTP/1.1`,
    `host: ${url.host}`,
    ...(framing === "none" ? [] : framing === "chunked" ? ["transfer-encoding: chunked"] : [`content-length: ${framing.length}`]),
    ...Object.entries(headers)
      .filter(([k]) => tokenChars.test(k) && !["host", "connection", "content-length", "transfer-encoding"].includes(k.toLowerCase()))
      .map(([k, v]) => `${k}: ${v.replace(/[\r\n\0]/g, "")}`),
    "",
    "",
  ].join("\r\n");

/** The framing of a chunk of a chunked body: its size line (before) and the CRLF after; the last chunk is empty. */
export const chunkPrefix = (size: number): string => `${size.toString(16)}\r\n`;
