import { open, type FileHandle } from "node:fs/promises";
import { writeBatcher, type WriteBatch } from "../bytes/write-batches.ts";

/** A tar file written in one pass: entries whose size is known only at their end get their header filled in afterwards. */
export interface TarFileWriter {
  /**
   * Appends an entry whose bytes come from `source`; its name is asked for
   * once they have all come (so it can be named by their digest). Entries are
   * written one at a time: concurrent callers wait their turn.
   */
  readonly addStream: (source: AsyncIterable<Uint8Array>, nameOf: () => string) => Promise<number>;
  /** Appends a small entry. */
  readonly addBytes: (name: string, bytes: Uint8Array) => Promise<void>;
  /** Writes the end-of-archive blocks, flushes to disk and closes. */
  readonly finish: () => Promise<void>;
  /** Closes without finishing (the caller removes the file). */
  readonly abort: () => Promise<void>;
}

const block = 512;

/** A ustar header (`type` "0" a file, "x" PAX records); sizes past 11 octal digits use GNU's base-256 form, which Go and GNU tar read. */
export const tarHeader = (name: string, size: number, type = "0"): Buffer => {
  const nameBytes = Buffer.from(name, "utf8");
  if (nameBytes.byteLength > 100) throw new Error(`tar entry name longer than 100 bytes: ${name}`);
  const h = Buffer.alloc(block);
  nameBytes.copy(h, 0);
  h.write("0000644\0", 100);
  h.write("0000000\0", 108);
  h.write("0000000\0", 116);
  if (size < 8 ** 11) h.write(`${size.toString(8).padStart(11, "0")}\0`, 124);
  else {
    h[124] = 0x80;
    let rest = BigInt(size);
    for (let i = 135; i > 124; i--) {
      h[i] = Number(rest & 0xffn);
      rest >>= 8n;
    }
  }
  h.write("00000000000\0", 136);
  h.write(type, 156);
  h.write("ustar\0", 257);
  h.write("00", 263);
  h.fill(" ", 148, 156);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return h;
};

/** Opens `path` (which must not exist) for writing a tar in one pass. */
export const tarFileWriter = async (path: string): Promise<TarFileWriter> => {
  const handle: FileHandle = await open(path, "wx", 0o644);
  let pos = 0;
  let turn: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = turn.then(task, task);
    turn = next.catch(() => undefined);
    return next;
  };
  const pad = async (size: number): Promise<void> => {
    const rest = (block - (size % block)) % block;
    if (rest > 0) await handle.write(Buffer.alloc(rest), 0, rest, pos);
    pos += rest;
  };
  return {
    addStream: (source, nameOf) =>
      serial(async () => {
        const at = pos;
        pos += block;
        let size = 0;
        // Gathered into ~1 MiB writes (network and zlib chunks are small), cut where the page cache keeps its folios small (see write-batches.ts).
        const batches = writeBatcher(pos);
        const write = async (batch: WriteBatch | undefined): Promise<void> => {
          if (batch === undefined || batch.bytes === 0) return;
          await handle.writev(batch.pieces, batch.at);
          pos = batch.at + batch.bytes;
        };
        for await (const chunk of source) {
          size += chunk.byteLength;
          batches.push(chunk);
          for (let batch = batches.ready(); batch !== undefined; batch = batches.ready()) await write(batch);
        }
        await write(batches.rest());
        await pad(size);
        await handle.write(tarHeader(nameOf(), size), 0, block, at);
        return size;
      }),
    addBytes: (name, bytes) =>
      serial(async () => {
        await handle.write(tarHeader(name, bytes.byteLength), 0, block, pos);
        pos += block;
        if (bytes.byteLength > 0) await handle.write(bytes, 0, bytes.byteLength, pos);
        pos += bytes.byteLength;
        await pad(bytes.byteLength);
      }),
    finish: () =>
      serial(async () => {
        await handle.write(Buffer.alloc(2 * block), 0, 2 * block, pos);
        pos += 2 * block;
        await handle.datasync();
        await handle.close();
      }),
    abort: () => serial(() => handle.close().catch(() => undefined)),
  };
};
