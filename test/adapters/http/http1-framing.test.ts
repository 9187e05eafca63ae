/**
 * HTTP/1.1 response framing: bodies framed by Content-Length or chunked
 * coding (random chunk sizes, extensions, trailers), read in random pieces
 * and decoded in place, come out byte for byte; heads parse as Node's parser
 * reads them; nothing throws on arbitrary bytes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bodyEnded, bodyStateOf, decodeBody, headEnd, headText, parseHead, requestHead, type BodyState } from "../../../adapters/http/http1-framing.ts";

const enc = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

/** A body as a server frames it with chunked coding. */
const chunked = (chunks: ReadonlyArray<Uint8Array>, extension: string, trailers: ReadonlyArray<string>): Uint8Array =>
  Buffer.concat([
    ...chunks.flatMap((c) => [enc(`${c.byteLength.toString(16)}${extension}\r\n`), c, enc("\r\n")]),
    enc(`0${extension}\r\n`),
    ...trailers.map((t) => enc(`${t}\r\n`)),
    enc("\r\n"),
  ]);

/** Feeds `wire` in pieces of the given sizes into one buffer, as a socket would, decoding each piece where it lands. */
const decodeInPieces = (state: BodyState, wire: Uint8Array, sizes: ReadonlyArray<number>): { body: Uint8Array; excess: number } | string => {
  const buf = new Uint8Array(wire.byteLength + 1);
  let filled = 0;
  let at = 0;
  let excess = 0;
  for (let i = 0; at < wire.byteLength; i++) {
    const n = Math.min(Math.max(1, sizes[i % Math.max(1, sizes.length)] ?? 1), wire.byteLength - at);
    buf.set(wire.subarray(at, at + n), filled);
    at += n;
    const d = decodeBody(state, buf, filled, n);
    if (typeof d === "string") return d;
    filled += d.body;
    excess += d.excess;
  }
  return { body: buf.slice(0, filled), excess };
};

const bytes = fc.uint8Array({ minLength: 0, maxLength: 300 });
const pieces = fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 });

describe("bodies", () => {
  it("decodes chunked bodies read in any pieces to the bytes that were sent", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 80 }), { maxLength: 8 }),
        fc.constantFrom("", ";ext=1", ";a;b=\"c\"", " ;x"),
        fc.array(fc.constantFrom("X-Checksum: abc", "Expires: never", "a:b"), { maxLength: 3 }),
        pieces,
        (chunks, extension, trailers, sizes) => {
          const state = bodyStateOf("GET", { status: 200, minor: 1, headers: { "transfer-encoding": "chunked" } });
          expect(typeof state).not.toBe("string");
          const out = decodeInPieces(state as BodyState, chunked(chunks, extension, trailers), sizes);
          expect(out).toEqual({ body: new Uint8Array(Buffer.concat(chunks)), excess: 0 });
          expect(bodyEnded(state as BodyState)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("takes exactly Content-Length bytes and counts what follows as excess", () => {
    fc.assert(
      fc.property(bytes, bytes, pieces, (body, after, sizes) => {
        const state = bodyStateOf("GET", { status: 200, minor: 1, headers: { "content-length": String(body.byteLength) } }) as BodyState;
        const out = decodeInPieces(state, new Uint8Array(Buffer.concat([body, after])), sizes);
        expect(out).toEqual({ body, excess: after.byteLength });
        expect(bodyEnded(state)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("counts bytes after a chunked body's end as excess", () => {
    const state = bodyStateOf("GET", { status: 200, minor: 1, headers: { "transfer-encoding": "chunked" } }) as BodyState;
    expect(decodeInPieces(state, enc("3\r\nabc\r\n0\r\n\r\nHTTP/1.1 200"), [7])).toEqual({ body: enc("abc"), excess: 12 });
  });

  it("refuses broken chunk framing in one line", () => {
    const broken = ["zz\r\n", "3\r\nabcX\r\n", "-1\r\n", "1234567890abc\r\n", `${"0".repeat(5000)}`];
    for (const wire of broken) {
      const state = bodyStateOf("GET", { status: 200, minor: 1, headers: { "transfer-encoding": "chunked" } }) as BodyState;
      const out = decodeInPieces(state, enc(wire), [3]);
      expect(typeof out).toBe("string");
      expect(out as string).not.toContain("\n");
    }
  });

  it("frames no body for HEAD, 204, 304 and 1xx; refuses other codings and conflicting lengths", () => {
    for (const [method, status] of [["HEAD", 200], ["GET", 204], ["GET", 304], ["GET", 100]] as const) {
      expect(bodyStateOf(method, { status, minor: 1, headers: { "content-length": "10" } })).toEqual({ kind: "length", remaining: 0 });
    }
    expect(bodyStateOf("GET", { status: 200, minor: 1, headers: {} })).toEqual({ kind: "close" });
    expect(bodyStateOf("GET", { status: 200, minor: 1, headers: { "content-length": "5, 5" } })).toEqual({ kind: "length", remaining: 5 });
    expect(bodyStateOf("GET", { status: 200, minor: 1, headers: { "content-length": "5, 6" } })).toMatch(/^a bad content-length/);
    expect(bodyStateOf("GET", { status: 200, minor: 1, headers: { "content-length": "-1" } })).toMatch(/^a bad content-length/);
    expect(bodyStateOf("GET", { status: 200, minor: 1, headers: { "transfer-encoding": "gzip, chunked" } })).toMatch(/^an unsupported transfer-encoding/);
  });

  it("never throws on arbitrary bytes in any state", () => {
    const states = fc.constantFrom<() => BodyState>(
      () => ({ kind: "chunked", phase: "size", remaining: 0, line: "" }),
      () => ({ kind: "chunked", phase: "data", remaining: 7, line: "" }),
      () => ({ kind: "chunked", phase: "trailer", remaining: 0, line: "" }),
      () => ({ kind: "length", remaining: 9 }),
      () => ({ kind: "close" }),
    );
    fc.assert(
      fc.property(states, fc.uint8Array({ maxLength: 200 }), pieces, (state, wire, sizes) => {
        const out = decodeInPieces(state(), wire, sizes);
        expect(typeof out === "string" || out.body.byteLength <= wire.byteLength).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});

describe("heads", () => {
  it("parses status, version and headers; repeated headers are joined", () => {
    const raw = enc("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 3-9/10\r\nX-A: 1\r\nx-a: 2\r\nEmpty:\r\n\r\nbody");
    const end = headEnd(raw, raw.byteLength);
    expect(end).toBe(raw.byteLength - 4);
    expect(parseHead(headText(raw, end))).toEqual({ status: 206, minor: 1, headers: { "content-range": "bytes 3-9/10", "x-a": "1, 2", empty: "" } });
    expect(parseHead("HTTP/1.0 200")).toEqual({ status: 200, minor: 0, headers: {} });
  });

  it("finds the end of a head ended by bare LFs, and not before it is all there", () => {
    const raw = enc("HTTP/1.1 200 OK\nA: b\n\nrest");
    expect(headEnd(raw, raw.byteLength)).toBe(raw.byteLength - 4);
    expect(parseHead(headText(raw, headEnd(raw, raw.byteLength)))).toEqual({ status: 200, minor: 1, headers: { a: "b" } });
    const partial = enc("HTTP/1.1 200 OK\r\nA: b\r\n\r");
    expect(headEnd(partial, partial.byteLength)).toBe(-1);
    // Stale bytes past what was read do not count.
    const stale = enc("HTTP/1.1 200 OK\r\n\r\n");
    expect(headEnd(stale, stale.byteLength - 2)).toBe(-1);
  });

  it("refuses space before a colon, control characters and bad status lines", () => {
    expect(parseHead("HTTP/1.1 200 OK\r\nContent-Length : 5")).toMatch(/^a malformed header line/);
    expect(parseHead("HTTP/1.1 200 OK\r\nA: b\rc")).toMatch(/^a header "A" with control characters/);
    expect(parseHead("HTTP/2 200")).toMatch(/^not an HTTP\/1.1 status line/);
    expect(parseHead("HTTP/1.1 099 Low")).toMatch(/^not an HTTP\/1.1 status line/);
  });

  it("never throws on arbitrary text, and what it accepts has a three-digit status", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `HTTP/1.1 200 OK\r\n${s}`)), (text) => {
        const head = parseHead(text);
        expect(typeof head === "string" || (head.status >= 100 && head.status <= 999)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it("writes a request head without CR or LF from the caller's headers and without framing headers", () => {
    const head = requestHead("GET", new URL("http://h:5000/v2/a/blobs/x?y=1"), { accept: "a\r\nInjected: 1", connection: "close", "content-length": "5", "bad name": "x" });
    expect(head).toBe("GET /v2/a/blobs/x?y=1 HTTP/1.1\r\nhost: h:5000\r\naccept: aInjected: 1\r\n\r\n");
  });
});
