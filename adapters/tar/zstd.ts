/**
 * Reading zstd (RFC 8878) as it streams: fzstd decodes, and a guard of our
 * own reads every frame and block header before fzstd sees it, because fzstd
 * allocates whatever window a frame declares (up to 2 GiB, or the whole
 * content size of a single-segment frame): a 6-byte header must not be able
 * to ask for that. Output is capped like gzip's (a bomb fails).
 */
/** The decoder, loaded on first use: building its tables is ~1.4 ms of every command's start, and most read no zstd. */
let fzstd: Promise<typeof import("fzstd")> | undefined;

/** The largest window a frame may ask for: zstd's own default decoder limit (windowLog 27). */
export const zstdMaxWindow = 1 << 27;

const maxBlock = 128 * 1024;

type Mode = "magic" | "descriptor" | "header" | "block" | "skippable";

/**
 * Checks a zstd stream's framing as bytes pass, without decoding: frame
 * headers (no dictionaries, no reserved bits, a window of at most
 * {@link zstdMaxWindow}), block headers (no reserved type, no block larger
 * than the format allows) and skippable frames. `feed` and `end` give why the
 * stream is refused, or undefined.
 */
export class ZstdFraming {
  private mode: Mode = "magic";
  private bytes: number[] = [];
  private need = 4;
  private skip = 0;
  private descriptor = 0;
  private checksum = false;
  private blockLimit = maxBlock;
  private lastBlock = false;
  private frames = 0;

  feed(chunk: Uint8Array): string | undefined {
    let i = 0;
    while (i < chunk.byteLength) {
      if (this.skip > 0) {
        const k = Math.min(this.skip, chunk.byteLength - i);
        this.skip -= k;
        i += k;
        continue;
      }
      this.bytes.push(chunk[i++] ?? 0);
      if (this.bytes.length < this.need) continue;
      const why = this.step();
      if (why !== undefined) return why;
    }
    return undefined;
  }

  end(): string | undefined {
    if (this.skip > 0 || this.mode !== "magic" || this.bytes.length > 0) return "zstd stream ends in the middle of a frame";
    if (this.frames === 0) return "zstd stream holds no frame";
    return undefined;
  }

  private expect(mode: Mode, need: number): undefined {
    this.mode = mode;
    this.need = need;
    this.bytes = [];
    return undefined;
  }

  private little(from: number, n: number): number {
    let v = 0;
    for (let k = n - 1; k >= 0; k--) v = v * 256 + (this.bytes[from + k] ?? 0);
    return v;
  }

  private step(): string | undefined {
    const b = this.bytes;
    switch (this.mode) {
      case "magic": {
        const magic = this.little(0, 4);
        if (magic === 0xfd2fb528) return this.expect("descriptor", 1);
        if (magic >= 0x184d2a50 && magic <= 0x184d2a5f) return this.expect("skippable", 4);
        return `not a zstd frame (magic 0x${magic.toString(16).padStart(8, "0")})`;
      }
      case "skippable":
        this.skip = this.little(0, 4);
        return this.expect("magic", 4);
      case "descriptor": {
        const d = b[0] ?? 0;
        if ((d & 0x08) !== 0) return "zstd frame header has its reserved bit set";
        if ((d & 0x03) !== 0) return "zstd frames that need a dictionary are not supported";
        this.descriptor = d;
        this.checksum = (d & 0x04) !== 0;
        const single = (d & 0x20) !== 0;
        const fcs = d >> 6;
        const fcsBytes = fcs === 0 ? (single ? 1 : 0) : [0, 2, 4, 8][fcs] ?? 0;
        return this.expect("header", (single ? 0 : 1) + fcsBytes);
      }
      case "header": {
        const d = this.descriptor;
        const single = (d & 0x20) !== 0;
        let window: number;
        if (single) {
          const fcs = d >> 6;
          const n = fcs === 0 ? 1 : [0, 2, 4, 8][fcs] ?? 0;
          window = this.little(0, n) + (n === 2 ? 256 : 0);
        } else {
          const w = b[0] ?? 0;
          const base = 2 ** (10 + (w >> 3));
          window = base + (base / 8) * (w & 7);
        }
        if (window > zstdMaxWindow) return `a zstd frame asks for a window of ${window} bytes; at most ${zstdMaxWindow} are allowed`;
        this.blockLimit = Math.min(maxBlock, Math.max(window, 1));
        this.frames++;
        return this.expect("block", 3);
      }
      case "block": {
        const h = this.little(0, 3);
        const type = (h >> 1) & 3;
        const size = h >>> 3;
        if (type === 3) return "zstd block of the reserved type";
        if (size > this.blockLimit) return `zstd block of ${size} bytes, larger than the frame allows (${this.blockLimit})`;
        this.lastBlock = (h & 1) === 1;
        this.skip = type === 1 ? 1 : size;
        if (!this.lastBlock) return this.expect("block", 3);
        this.skip += this.checksum ? 4 : 0;
        return this.expect("magic", 4);
      }
    }
  }
}

class TooMuch extends Error {}

/**
 * The decoded bytes of a zstd stream, checked by {@link ZstdFraming} ahead
 * of the decoder, failing once more than `limit` bytes come out. Input is
 * decoded 1 KiB at a time and output handed on every ~4 MiB, so memory stays
 * bounded whatever the blocks expand to.
 */
export async function* unzstd(source: AsyncIterable<Uint8Array>, limit = Number.POSITIVE_INFINITY): AsyncIterable<Uint8Array> {
  const framing = new ZstdFraming();
  let ready: Uint8Array[] = [];
  let readyBytes = 0;
  let total = 0;
  const { Decompress } = await (fzstd ??= import("fzstd"));
  const decoder = new Decompress((chunk) => {
    total += chunk.byteLength;
    if (total > limit) throw new TooMuch(`expands to more than ${limit} bytes (a decompression bomb?)`);
    // fzstd may hand out views of its own window, which it writes again: copied.
    ready.push(chunk.slice());
    readyBytes += chunk.byteLength;
  });
  const decode = (bytes: Uint8Array, final: boolean): void => {
    try {
      decoder.push(bytes, final);
    } catch (e) {
      if (e instanceof TooMuch) throw e;
      throw new Error(`zstd: ${(e as Error).message}`);
    }
  };
  for await (const chunk of source) {
    const refused = framing.feed(chunk);
    if (refused !== undefined) throw new Error(refused);
    for (let at = 0; at < chunk.byteLength; at += 1024) {
      decode(chunk.subarray(at, Math.min(chunk.byteLength, at + 1024)), false);
      if (readyBytes >= 4 << 20) {
        yield* ready;
        ready = [];
        readyBytes = 0;
      }
    }
  }
  const refused = framing.end();
  if (refused !== undefined) throw new Error(refused);
  decode(new Uint8Array(0), true);
  yield* ready;
}
