/**
 * Write batches: chunks of a stream gathered into file writes of about 1 MiB
 * that end one page past a MiB boundary of the file.
 *
 * Why: Linux gives a buffered write page-cache folios as large as the write's
 * length and its offset's alignment allow, so writes that all start on MiB
 * boundaries are taken in folios all of one large size. On a VM whose free
 * memory is reported back to the host (virtio-balloon free page reporting, as
 * on this project's machines), such a stream of same-sized large folios keeps
 * landing on memory the host has taken back, where every first touch costs a
 * host fault. Measured, 1 GiB written 2 s after the last write: in aligned
 * 1 MiB writes 1.9-2.3 s of system time, aligned 512 KiB 1.2-1.6 s, aligned
 * 256 KiB 0.7-0.8 s; in the same 1 MiB writes shifted by one page (folios of
 * 4 KiB, 8 KiB, ... 512 KiB in every MiB) 0.19-0.21 s. Pure bookkeeping: no
 * I/O here.
 */

const MiB = 1 << 20;
/** Where in each MiB a write ends: one page past the boundary. */
const phase = 4096;
const half = MiB >> 1;

/** A write to make: `pieces` (views of the chunks, in order) at file offset `at`, then give back `done`, the chunks it wrote the last byte of. */
export interface WriteBatch {
  readonly at: number;
  readonly pieces: ReadonlyArray<Uint8Array>;
  readonly bytes: number;
  readonly done: ReadonlyArray<Uint8Array>;
}

/**
 * Where a write starting at `at` ends: the first offset at least 512 KiB on
 * that lies one page past a MiB boundary. A file's first write is just over
 * 1 MiB; every write after it is one MiB, [k MiB + 4 KiB, (k + 1) MiB + 4 KiB),
 * which the page cache takes in folios of 4 KiB, 8 KiB, ... 512 KiB and 4 KiB.
 */
export const batchEnd = (at: number): number => {
  const least = at + half;
  return least + ((((phase - least) % MiB) + MiB) % MiB);
};

/** Gathers chunks for a file written from offset `start` onwards (see the module's comment). */
export interface WriteBatcher {
  /** Queues a chunk; its bytes go into later batches, unchanged and in order. */
  readonly push: (chunk: Uint8Array) => void;
  /** The next batch that reaches its end, if the queued bytes reach that far. */
  readonly ready: () => WriteBatch | undefined;
  /** Every queued byte as one last batch (undefined if nothing is queued or held). */
  readonly rest: () => WriteBatch | undefined;
  /** Bytes queued and not yet in a batch. */
  readonly queued: () => number;
}

/** A {@link WriteBatcher} for a file whose next write is at `start`. */
export const writeBatcher = (start = 0): WriteBatcher => {
  let at = start;
  let queue: Uint8Array[] = [];
  let queuedBytes = 0;
  // Chunks not yet wholly in a batch, with the file offset their last byte ends at.
  const owners: Array<{ readonly chunk: Uint8Array; readonly end: number }> = [];
  let ownersEnd = start;

  /** The queued bytes up to file offset `end`, as a batch. */
  const cut = (end: number): WriteBatch => {
    const want = end - at;
    const pieces: Uint8Array[] = [];
    let taken = 0;
    let i = 0;
    for (; i < queue.length && taken < want; i++) {
      const piece = queue[i] as Uint8Array;
      if (taken + piece.byteLength <= want) {
        pieces.push(piece);
        taken += piece.byteLength;
      } else {
        pieces.push(piece.subarray(0, want - taken));
        queue[i] = piece.subarray(want - taken);
        taken = want;
        break;
      }
    }
    queue = queue.slice(i);
    queuedBytes -= taken;
    const done: Uint8Array[] = [];
    for (let o = owners[0]; o !== undefined && o.end <= end; o = owners[0]) {
      owners.shift();
      done.push(o.chunk);
    }
    const batch = { at, pieces, bytes: taken, done };
    at = end;
    return batch;
  };

  return {
    push: (chunk) => {
      if (chunk.byteLength > 0) queue.push(chunk);
      queuedBytes += chunk.byteLength;
      ownersEnd += chunk.byteLength;
      owners.push({ chunk, end: ownersEnd });
    },
    ready: () => {
      const end = batchEnd(at);
      return at + queuedBytes >= end ? cut(end) : undefined;
    },
    rest: () => (queuedBytes === 0 && owners.length === 0 ? undefined : cut(at + queuedBytes)),
    queued: () => queuedBytes,
  };
};
