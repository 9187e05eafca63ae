/**
 * Reading zstd: streams made by the zstd program decode byte for byte,
 * whatever their chunking; frames that would make the decoder allocate too
 * much, bad framing and bombs are refused in one line before or while they
 * decode; the framing guard never throws and does not depend on chunking.
 */
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { unzstd, ZstdFraming, zstdMaxWindow } from "../../../adapters/tar/zstd.ts";

const zstd = (input: Uint8Array, ...flags: string[]): Buffer => {
  const r = spawnSync("zstd", ["-q", "-c", ...flags], { input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`zstd ${flags.join(" ")}: ${r.stderr}`);
  return r.stdout;
};

/** Feeds `bytes` in pieces of the given sizes (cycled). */
async function* pieces(bytes: Uint8Array, sizes: ReadonlyArray<number> = [1 << 20]): AsyncIterable<Uint8Array> {
  for (let at = 0, k = 0; at < bytes.byteLength; k++) {
    const n = Math.max(1, sizes[k % sizes.length] ?? 1);
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

const decodeAll = async (bytes: Uint8Array, sizes?: ReadonlyArray<number>, limit?: number): Promise<Buffer> => {
  const out: Uint8Array[] = [];
  for await (const c of unzstd(pieces(bytes, sizes), limit)) out.push(c);
  return Buffer.concat(out);
};

const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** Text-like data that compresses, with random stretches that do not. */
const sample = (): Buffer => Buffer.concat([Buffer.from("lib/x86_64-linux-gnu/libc.so.6\n".repeat(40_000)), randomBytes(1 << 20), Buffer.alloc(2 << 20, 0x41)]);

describe("unzstd", () => {
  it("decodes what the zstd program writes, at any level, with or without checksums, in pieces of any size", async () => {
    const data = sample();
    for (const flags of [["-1"], ["-19"], ["--no-check", "-3"], ["--long=27", "-3"]]) {
      const z = zstd(data, ...flags);
      expect(sha(await decodeAll(z))).toBe(sha(data));
      expect(sha(await decodeAll(z, [1, 7, 4096, 65_536, 3]))).toBe(sha(data));
    }
  });

  it("decodes concatenated frames with a skippable frame between them", async () => {
    const a = sample();
    const b = randomBytes(300_000);
    const skippable = Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18]), Buffer.from([5, 0, 0, 0]), Buffer.from("hello")]);
    const stream = Buffer.concat([zstd(a, "-3"), skippable, zstd(b, "-1")]);
    expect(sha(await decodeAll(stream, [333_333]))).toBe(sha(Buffer.concat([a, b])));
  });

  it("refuses, in one line, frames asking for too large a window, before decoding them", async () => {
    const data = randomBytes(1 << 16);
    // --long=28 declares a 256 MiB window.
    await expect(decodeAll(zstd(data, "--long=28", "-3"))).rejects.toThrow(`a zstd frame asks for a window of ${2 ** 28} bytes; at most ${zstdMaxWindow} are allowed`);
    // A single-segment frame whose declared content size is its window: 1 TiB in 8 bytes.
    const huge = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0]);
    await expect(decodeAll(huge)).rejects.toThrow(`a zstd frame asks for a window of ${2 ** 40} bytes`);
  });

  it("refuses dictionaries, reserved bits and block types, oversized blocks, truncation and what is not zstd", async () => {
    const magic = [0x28, 0xb5, 0x2f, 0xfd];
    const cases: [number[], string][] = [
      [[...magic, 0x01, 0x00, 7], "zstd frames that need a dictionary are not supported"],
      [[...magic, 0x08, 0x00], "zstd frame header has its reserved bit set"],
      [[...magic, 0x00, 0x00, 0x07, 0x00, 0x00], "zstd block of the reserved type"],
      // A raw block of 1 MiB in a frame of a 1 KiB window.
      [[...magic, 0x00, 0x00, 0x00, 0x00, 0x80], "zstd block of 1048576 bytes, larger than the frame allows (1024)"],
      [[...magic, 0x00, 0x00, 0x21, 0x00, 0x00, 0x61], "zstd stream ends in the middle of a frame"],
      [[0x50, 0x4b, 0x03, 0x04, 0, 0], "not a zstd frame (magic 0x04034b50)"],
      [[], "zstd stream holds no frame"],
    ];
    for (const [bytes, message] of cases) await expect(decodeAll(new Uint8Array(bytes))).rejects.toThrow(message);
    const whole = zstd(sample(), "-3");
    await expect(decodeAll(whole.subarray(0, whole.byteLength - 100))).rejects.toThrow(/^zstd/);
  });

  it("stops a bomb at the limit, handing out bounded chunks until then", async () => {
    const bomb = zstd(Buffer.alloc(64 << 20), "-19");
    expect(bomb.byteLength).toBeLessThan(1 << 16);
    let largest = 0;
    let total = 0;
    await expect(
      (async () => {
        for await (const c of unzstd(pieces(bomb), 8 << 20)) {
          largest = Math.max(largest, c.byteLength);
          total += c.byteLength;
        }
      })(),
    ).rejects.toThrow(`expands to more than ${8 << 20} bytes (a decompression bomb?)`);
    expect(total).toBeLessThanOrEqual(8 << 20);
    expect(largest).toBeLessThanOrEqual(1 << 20);
  });
});

describe("the zstd framing guard", () => {
  const verdict = (bytes: Uint8Array, cuts: ReadonlyArray<number>): string | undefined => {
    const guard = new ZstdFraming();
    let at = 0;
    for (const cut of [...cuts].sort((a, b) => a - b)) {
      const why = guard.feed(bytes.subarray(at, Math.max(at, cut)));
      if (why !== undefined) return why;
      at = Math.max(at, cut);
    }
    return guard.feed(bytes.subarray(at)) ?? guard.end();
  };

  it("never throws, and gives one verdict however the bytes are cut", () => {
    const framed = fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.boolean()).map(([rest, asFrame]) => (asFrame ? new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, ...rest]) : rest));
    fc.assert(
      fc.property(framed, fc.array(fc.nat({ max: 80 }), { maxLength: 6 }), (bytes, cuts) => {
        expect(verdict(bytes, cuts)).toBe(verdict(bytes, []));
      }),
    );
  });

  it("accepts what the zstd program writes", () => {
    const z = zstd(sample(), "-3");
    expect(verdict(z, [5, 6, 7, 1000])).toBeUndefined();
  });
});
