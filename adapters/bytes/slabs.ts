/**
 * Slabs: 1 MiB buffers that network reads land in, used again once the last
 * reader of their bytes gives them back. Fresh memory costs a page fault per
 * 4 KiB on first touch (on this project's 2-core VM, a third of a pull's
 * time went to faults inside the socket's copy); memory used again costs
 * none. A slab nobody gives back is simply collected, so giving back is an
 * optimisation only a reader that is certainly done with the bytes (the
 * store, once they are hashed and written) may make.
 */
import { Buffer } from "node:buffer";

/** The size of every slab. */
export const slabBytes = 1 << 20;

/** How many free slabs are kept: enough for every blob of a parallel pull in flight. */
const maxFree = 32;

interface Use {
  readonly slab: Buffer;
  /** Views handed out and not given back. */
  out: number;
  /** No more views will be cut from it. */
  sealed: boolean;
}

const free: Buffer[] = [];
const uses = new WeakMap<ArrayBufferLike, Use>();
/** Views lent and not yet given back: giving one back twice must not free a slab under another. */
const lent = new WeakSet<Uint8Array>();

/** A slab to read into: a free one if there is one. */
export const takeSlab = (): Buffer => {
  const slab = free.pop() ?? Buffer.allocUnsafeSlow(slabBytes);
  uses.set(slab.buffer, { slab, out: 0, sealed: false });
  return slab;
};

/** Counts a view of `slab` that is handed to a reader. */
export const lend = (slab: Buffer, view: Uint8Array): Uint8Array => {
  const use = uses.get(slab.buffer);
  if (use !== undefined && view.buffer === slab.buffer && !lent.has(view)) {
    use.out++;
    lent.add(view);
  }
  return view;
};

const release = (use: Use): void => {
  if (!use.sealed || use.out > 0) return;
  uses.delete(use.slab.buffer);
  if (free.length < maxFree) free.push(use.slab);
};

/** No more views will be cut from `slab`: it is free again once every view is given back. */
export const seal = (slab: Buffer): void => {
  const use = uses.get(slab.buffer);
  if (use === undefined) return;
  use.sealed = true;
  release(use);
};

/**
 * Gives back a view the caller is done with: its bytes will be overwritten.
 * Anything that is not a lent view of a slab is left alone.
 */
export const giveBack = (view: Uint8Array): void => {
  const use = uses.get(view.buffer);
  if (use === undefined || !lent.delete(view)) return;
  use.out--;
  release(use);
};
