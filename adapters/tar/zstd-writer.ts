/**
 * zstd's own compressor built to WebAssembly (@bokuweb/zstd-wasm), in a
 * module of its own so that commands load it (and its 250 KB of WebAssembly)
 * only when they write zstd. Chosen by measurement (see the note on issue
 * 15): it streams as frames of a block each, runs on Node 20 and Deno, and
 * downloads nothing at install; Node 20's zlib has no zstd.
 *
 * Blocks are compressed in a worker thread and, when it is busy, on the main
 * thread: two cores at work (on the main thread alone, zstd held a 412 MB
 * push to ~100 MB/s). Where a worker cannot start (one core, or a runtime
 * without them), every block is compressed on the main thread.
 */
import * as zstdWasm from "@bokuweb/zstd-wasm";

/** The package's API: its CommonJS exports, whichever way the runtime hands them over. */
export const zstdModule = ((zstdWasm as { default?: unknown }).default ?? zstdWasm) as {
  readonly init: () => Promise<void>;
  readonly compress: (data: Uint8Array, level?: number) => Uint8Array;
};

/** What the worker runs: the package, initialised, compressing the blocks it is sent. */
const workerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const zstd = require(workerData.module);
zstd.init().then(() => {
  parentPort.on("message", ({ block, length, level }) => {
    try {
      const out = zstd.compress(new Uint8Array(block, 0, length), level);
      // The block's buffer goes back with the frame, to carry the next block: no new buffer per MiB on either side.
      parentPort.postMessage({ out, block }, [out.buffer, block]);
    } catch (e) {
      parentPort.postMessage({ error: String((e && e.message) || e), block }, [block]);
    }
  });
  parentPort.postMessage({ ready: true });
}, (e) => parentPort.postMessage({ failed: String((e && e.message) || e) }));
`;

/** The worker and the one block it is compressing, if any (it is sent a block only when idle). */
interface Helper {
  readonly worker: import("node:worker_threads").Worker;
  job?: { readonly resolve: (out: Uint8Array) => void; readonly reject: (e: Error) => void };
  /** The buffer the last block came back in, to carry the next. */
  carrier?: ArrayBuffer;
}

let helper: Promise<Helper | undefined> | undefined;

/** Where the package lives, for the worker's require (this module's own location, bundled or not). */
const packagePath = (): string => {
  const here = typeof __filename === "string" && __filename !== "" ? __filename : import.meta.url;
  return process.getBuiltinModule("node:module").createRequire(here).resolve("@bokuweb/zstd-wasm");
};

/**
 * Starts the worker once; `undefined` on one core, or where it cannot run. One worker beside the main thread, which
 * compresses too while the worker is busy: a second worker (~40 MB more) took a 412 MB push from 3.4 s to 2.9 s, and
 * its memory past 150 MB.
 */
const startHelper = (): Promise<Helper | undefined> =>
  (helper ??= (async () => {
    try {
      if (process.getBuiltinModule("node:os").availableParallelism() < 2) return undefined;
      const { Worker } = process.getBuiltinModule("node:worker_threads");
      const worker = new Worker(workerSource, { eval: true, workerData: { module: packagePath() } });
      const h: Helper = { worker };
      const fail = (e: Error): void => {
        h.job?.reject(e);
        delete h.job;
      };
      worker.on("error", fail);
      worker.on("exit", () => fail(new Error("the zstd worker stopped")));
      return await new Promise<Helper>((resolve, reject) => {
        worker.on("message", (m: { ready?: true; failed?: string; out?: Uint8Array; error?: string; block?: ArrayBuffer }) => {
          if (m.ready === true) {
            // An idle worker does not keep the process alive.
            worker.unref();
            return resolve(h);
          }
          if (m.failed !== undefined) return reject(new Error(m.failed));
          if (m.block !== undefined) h.carrier = m.block;
          const job = h.job;
          delete h.job;
          worker.unref();
          if (m.out !== undefined) job?.resolve(m.out);
          else job?.reject(new Error(m.error ?? "zstd compression failed"));
        });
        worker.once("error", reject);
      });
    } catch {
      return undefined;
    }
  })());

let initialised: Promise<void> | undefined;

/** One block as one zstd frame: in the worker if it is idle, else here. */
export const zstdFrame = async (block: Uint8Array, level: number): Promise<Uint8Array> => {
  const h = await startHelper();
  if (h === undefined || h.job !== undefined) {
    await (initialised ??= zstdModule.init());
    return zstdModule.compress(block, level);
  }
  // A copy, moved to the worker: the caller's block goes back to its pool when this settles.
  const carrier = h.carrier;
  delete h.carrier;
  const copy = carrier !== undefined && carrier.byteLength >= block.byteLength ? new Uint8Array(carrier) : new Uint8Array(Math.max(block.byteLength, 1 << 20));
  copy.set(block);
  return new Promise<Uint8Array>((resolve, reject) => {
    h.job = { resolve, reject };
    h.worker.ref();
    h.worker.postMessage({ block: copy.buffer, length: block.byteLength, level }, [copy.buffer]);
  });
};
