import { open } from "node:fs/promises";

/** Where one regular file's bytes are inside a tar file. */
export interface TarEntryLocation {
  readonly offset: number;
  readonly size: number;
}

const parseOctal = (b: Buffer, start: number, length: number): number => {
  const text = b.subarray(start, start + length).toString("latin1").replace(/\0.*$/s, "").trim();
  return text === "" ? 0 : Number.parseInt(text, 8);
};

const cString = (b: Buffer, start: number, length: number): string => b.subarray(start, start + length).toString("utf8").replace(/\0.*$/s, "");

/** The name an archive entry may be found by: `./` and repeated `/` dropped; `..` or absolute names are not entries one can ask for. */
export const cleanEntryName = (name: string): string | undefined => {
  if (name.startsWith("/")) return undefined;
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  return parts.includes("..") || parts.length === 0 ? undefined : parts.join("/");
};

/**
 * One pass over a (plain) tar file's headers, reading no file contents:
 * where each regular file's bytes are. PAX `path`/`size` and GNU long names
 * are honoured; names that leave the archive (`..`, absolute) are left out;
 * a name given twice is an error (which one would a reader mean?).
 */
export const indexTar = async (path: string, maxEntries = 100_000): Promise<Map<string, TarEntryLocation>> => {
  const handle = await open(path, "r");
  try {
    const { size: fileSize } = await handle.stat();
    const entries = new Map<string, TarEntryLocation>();
    const header = Buffer.alloc(512);
    let pos = 0;
    let pending: { path?: string; size?: number } = {};
    let zeroBlocks = 0;
    while (pos + 512 <= fileSize) {
      await handle.read(header, 0, 512, pos);
      if (header.every((x) => x === 0)) {
        if (++zeroBlocks === 2) break;
        pos += 512;
        continue;
      }
      zeroBlocks = 0;
      const sum = parseOctal(header, 148, 8);
      let computed = 0;
      for (let i = 0; i < 512; i++) computed += i >= 148 && i < 156 ? 32 : (header[i] ?? 0);
      if (sum !== computed) throw new Error(`not a tar archive (bad header checksum at byte ${pos})`);
      const type = String.fromCharCode(header[156] ?? 0);
      // A PAX size applies to the next real entry, never to another extended header.
      const size = type === "x" || type === "L" ? parseOctal(header, 124, 12) : (pending.size ?? parseOctal(header, 124, 12));
      if (!Number.isSafeInteger(size) || size < 0) throw new Error(`bad entry size at byte ${pos}`);
      const dataStart = pos + 512;
      if (dataStart + size > fileSize) throw new Error(`truncated tar: an entry at byte ${pos} claims ${size} bytes past the end`);
      if (type === "x" || type === "L") {
        const data = Buffer.alloc(Math.min(size, 1 << 20));
        await handle.read(data, 0, data.length, dataStart);
        if (type === "L") pending = { ...pending, path: data.toString("utf8").replace(/\0.*$/s, "") };
        else {
          for (const record of data.toString("utf8").split("\n")) {
            const m = /^\d+ (path|size)=(.*)$/.exec(record);
            if (m?.[1] === "path") pending = { ...pending, path: m[2] ?? "" };
            if (m?.[1] === "size") {
              if (!/^\d{1,15}$/.test(m[2] ?? "")) throw new Error(`bad PAX size "${(m[2] ?? "").slice(0, 20).replace(/[^\x20-\x7e]/g, "?")}" at byte ${pos}`);
              pending = { ...pending, size: Number(m[2]) };
            }
          }
        }
      } else {
        const prefix = cString(header, 345, 155);
        const rawName = pending.path ?? (prefix === "" ? cString(header, 0, 100) : `${prefix}/${cString(header, 0, 100)}`);
        const name = cleanEntryName(rawName);
        if ((type === "0" || type === "\0" || type === "7") && name !== undefined) {
          if (entries.has(name)) throw new Error(`the archive holds "${name}" twice`);
          if (entries.size >= maxEntries) throw new Error(`more than ${maxEntries} entries`);
          entries.set(name, { offset: dataStart, size });
        }
        pending = {};
      }
      pos = dataStart + Math.ceil(size / 512) * 512;
    }
    if (zeroBlocks < 2 && pos < fileSize && fileSize - pos < 512) throw new Error(`truncated tar: ${fileSize - pos} bytes of a header at byte ${pos}`);
    return entries;
  } finally {
    await handle.close();
  }
};
