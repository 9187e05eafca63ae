import { once } from "node:events";
import tar from "tar-stream";

/** Counts a tar stream's entries while bytes pass through, to tell a real tar from anything else. */
export interface TarCheck {
  /** Feeds bytes on to the caller unchanged while the tar parser reads them too. */
  readonly pass: (source: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;
  /** After the stream ends: the number of entries, or why it is not a tar. */
  readonly result: () => Promise<{ entries: number } | { error: string }>;
}

/** A tar check for one stream. */
export const tarCheck = (): TarCheck => {
  const extract = tar.extract();
  let entries = 0;
  let error: string | undefined;
  extract.on("entry", (_header, stream, next) => {
    entries++;
    stream.on("end", () => next());
    stream.resume();
  });
  extract.on("error", (e: Error) => {
    error ??= e.message;
  });
  const finished = new Promise<void>((resolve) => {
    extract.on("finish", () => resolve());
    extract.on("error", () => resolve());
    extract.on("close", () => resolve());
  });
  return {
    pass: async function* (source) {
      for await (const chunk of source) {
        if (error === undefined && !extract.write(chunk)) await Promise.race([once(extract, "drain"), finished]);
        yield chunk;
      }
      extract.end(undefined);
    },
    result: async () => {
      await finished;
      return error === undefined ? { entries } : { error };
    },
  };
};
