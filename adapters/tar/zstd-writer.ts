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

/** What a worker runs: the package, initialised, compressing the blocks it is sent. */
const workerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const zstd = require(workerData.module);
zstd.init().then(() => {
  parentPort.on("message", ({ id, block, length, level }) => {
    try {
      const out = zstd.compress(new Uint8Array(block, 0, length), level);
      // The block's buffer goes back with the frame, to carry the next block: no new buffer per MiB on either side.
      parentPort.postMessage({ id, out, block }, [out.buffer, block]);
    } catch (e) {
      parentPort.postMessage({ id, error: String((e && e.message) || e), block }, [block]);
    }
  });
  parentPort.postMessage({ ready: true });
}, (e) => parentPort.postMessage({ failed: String((e && e.message) || e) }));
`;

type Job = { readonly resolve: (out: Uint8Array) => void; readonly reject: (e: Error) => void };
type Pooled = { readonly worker: import("node:worker_threads").Worker; readonly jobs: Map<number, Job> };

let pool: Promise<ReadonlyArray<Pooled> | undefined> | undefined;
let nextId = 0;
/** Buffers that carried blocks to the worker and came back, for the next blocks. */
const spare: ArrayBuffer[] = [];

/** Where the package lives, for the workers' require (this module's own location, bundled or not). */
const packagePath = (): string => {
  const here = typeof __filename === "string" && __filename !== "" ? __filename : import.meta.url;
  return process.getBuiltinModule("node:module").createRequire(here).resolve("@bokuweb/zstd-wasm");
};

/** Starts the workers once; `undefined` when they cannot run here. */
const workers = (): Promise<ReadonlyArray<Pooled> | undefined> =>
  (pool ??= (async () => {
    try {
      const { Worker } = process.getBuiltinModule("node:worker_threads");
      // One worker beside the main thread, which compresses too when the worker is busy: a second worker (~40 MB more) took a
      // 412 MB push from 3.4 s to 2.9 s, and its memory past 150 MB.
      const count = process.getBuiltinModule("node:os").availableParallelism() > 1 ? 1 : 0;
      if (count === 0) return undefined;
      const module = packagePath();
      return await Promise.all(
        Array.from({ length: count }, () => {
          const worker = new Worker(workerSource, { eval: true, workerData: { module } });
          const jobs = new Map<number, Job>();
          const failAll = (e: Error): void => {
            for (const j of jobs.values()) j.reject(e);
            jobs.clear();
          };
          worker.on("error", failAll);
          worker.on("exit", () => failAll(new Error("the zstd worker stopped")));
          return new Promise<Pooled>((resolve, reject) => {
            worker.on("message", (m: { ready?: true; failed?: string; id?: number; out?: Uint8Array; error?: string; block?: ArrayBuffer }) => {
              if (m.ready === true) {
                // Idle workers do not keep the process alive.
                worker.unref();
                return resolve({ worker, jobs });
              }
              if (m.failed !== undefined) return reject(new Error(m.failed));
              if (m.block !== undefined && spare.length < 4) spare.push(m.block);
              const job = m.id === undefined ? undefined : jobs.get(m.id);
              if (job === undefined || m.id === undefined) return;
              jobs.delete(m.id);
              if (jobs.size === 0) worker.unref();
              if (m.out !== undefined) job.resolve(m.out);
              else job.reject(new Error(m.error ?? "zstd compression failed"));
            });
            worker.once("error", reject);
          });
        }),
      );
    } catch {
      return undefined;
    }
  })());

let initialised: Promise<void> | undefined;

/** One block as one zstd frame: in an idle worker, else here. */
export const zstdFrame = async (block: Uint8Array, level: number): Promise<Uint8Array> => {
  const pooled = await workers();
  const target = pooled?.find((p) => p.jobs.size === 0);
  if (target === undefined) {
    await (initialised ??= zstdModule.init());
    return zstdModule.compress(block, level);
  }
  const id = nextId++;
  // A copy, moved to the worker: the caller's block goes back to its pool when this settles.
  const carrier = spare.pop();
  const copy = carrier !== undefined && carrier.byteLength >= block.byteLength ? new Uint8Array(carrier) : new Uint8Array(Math.max(block.byteLength, 1 << 20));
  copy.set(block);
  return new Promise<Uint8Array>((resolve, reject) => {
    target.jobs.set(id, { resolve, reject });
    target.worker.ref();
    target.worker.postMessage({ id, block: copy.buffer, length: block.byteLength, level }, [copy.buffer]);
  });
};
