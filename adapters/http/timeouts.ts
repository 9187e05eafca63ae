/** How long berth waits on the network before it gives up on a request (and retries it, where it can). */
export interface NetworkTimeouts {
  /** Connecting, the TLS handshake included. */
  readonly connectMs: number;
  /** Waiting for response headers, and any pause in a body either way. */
  readonly idleMs: number;
}

/**
 * Connects within 10 s (Go's TLS handshake limit, which skopeo uses), and
 * 30 s without progress, where skopeo and podman wait for ever on a silent
 * registry.
 */
export const defaultTimeouts: NetworkTimeouts = { connectMs: 10_000, idleMs: 30_000 };

/** The timeouts one "network timeout" setting means: every wait (connecting too) lasts at most that long. */
export const timeoutsOf = (ms: number): NetworkTimeouts => ({ connectMs: ms, idleMs: ms });

const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(3))} s`;

const codeOf = (e: unknown): string | undefined => {
  for (let c: unknown = e, depth = 0; c !== undefined && c !== null && depth < 4; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
};

/**
 * One line for a failed request: a timeout says which wait ran out, a
 * refused or unknown host says so, Ctrl-C is "interrupted"; anything else is
 * the system's message on one line. The caller prefixes the place.
 */
export const networkErrorMessage = (e: unknown, url: URL, timeouts: NetworkTimeouts, signal?: AbortSignal): string => {
  if (signal?.aborted === true) {
    const reason: unknown = signal.reason;
    return reason instanceof Error && reason.name !== "AbortError" ? reason.message : "interrupted";
  }
  switch (codeOf(e)) {
    case "UND_ERR_CONNECT_TIMEOUT":
      return `${url.host}: no connection within ${seconds(timeouts.connectMs)}`;
    case "UND_ERR_HEADERS_TIMEOUT":
      return `${url.host}: no response within ${seconds(timeouts.idleMs)}`;
    case "UND_ERR_BODY_TIMEOUT":
      return `${url.host}: no data for ${seconds(timeouts.idleMs)}`;
    case "ECONNREFUSED":
      return `${url.host}: connection refused`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `${url.host}: no such host`;
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return `${url.host}: the connection was closed by the other end`;
    case "ERR_SSL_WRONG_VERSION_NUMBER":
    case "ERR_SSL_PACKET_LENGTH_TOO_LONG":
      // What to do, too: the usual cause is a plain-HTTP registry used without saying so.
      return `${url.host}: the server gave an HTTP response to an HTTPS client (use --tls-verify=false for it, or mark it insecure in registries.conf)`;
    default: {
      const inner = (e as { cause?: { message?: unknown } }).cause?.message;
      const text = typeof inner === "string" && inner !== "" ? inner : e instanceof Error ? e.message : String(e);
      return `${url.host}: ${text.split("\n")[0]?.trim() ?? text}`;
    }
  }
};

/**
 * Watches an upload: `onStall` fires when the consumer has not asked for the
 * next chunk for `ms` (the peer stopped reading). Time spent waiting on the
 * source is not counted. `done` disarms it.
 */
export const watchdog = (body: AsyncIterable<Uint8Array>, ms: number, onStall: () => void): { stream: AsyncIterable<Uint8Array>; done: () => void } => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let finished = false;
  const disarm = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  async function* stream(): AsyncIterable<Uint8Array> {
    try {
      for await (const chunk of body) {
        if (!finished) timer = setTimeout(onStall, ms);
        yield chunk;
        disarm();
      }
    } finally {
      disarm();
    }
  }
  return {
    stream: stream(),
    done: () => {
      finished = true;
      disarm();
    },
  };
};
