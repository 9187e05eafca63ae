/** Tarballs built by the tests themselves (tar-stream), plain or gzip. */
import { gzipSync } from "node:zlib";
import tar from "tar-stream";

/** One tar entry: a file (content), a directory, a symlink or a hardlink. */
export interface TarEntry {
  readonly name: string;
  readonly type?: "file" | "directory" | "symlink" | "link" | "character-device";
  readonly content?: string | Uint8Array;
  readonly linkname?: string;
  readonly mode?: number;
}

/** A tar archive of `entries`, in memory. */
export const makeTar = async (entries: ReadonlyArray<TarEntry>): Promise<Buffer> => {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on("end", () => resolve());
    pack.on("error", reject);
  });
  for (const e of entries) {
    const type = e.type ?? "file";
    const header = { name: e.name, type, mode: e.mode ?? (type === "directory" ? 0o755 : 0o644), mtime: new Date(0), ...(e.linkname === undefined ? {} : { linkname: e.linkname }) };
    await new Promise<void>((resolve, reject) => {
      if (type === "file") pack.entry(header, Buffer.from(e.content ?? ""), (err) => (err ? reject(err) : resolve()));
      else pack.entry(header, (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
};

/** The same archive gzip-compressed. */
export const gzip = (b: Buffer): Buffer => gzipSync(b);

/** A small root filesystem. */
export const smallRootfs = (marker = "hello"): Promise<Buffer> =>
  makeTar([
    { name: "etc/", type: "directory" },
    { name: "etc/hello", content: `${marker}\n` },
    { name: "bin/", type: "directory" },
    { name: "bin/sh", content: "#!fake shell\n", mode: 0o755 },
  ]);
