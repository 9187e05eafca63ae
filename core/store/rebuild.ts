import * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../failure.ts";
import { printable } from "../text.ts";
import { addNames, normalizeStoreName } from "./names.ts";
import { refNameAnnotation } from "./oci-index.ts";
import { imageRecordOf, type WrittenImage } from "./record-of.ts";
import { emptyStoreState, type StoreState } from "./records.ts";

/** One entry of the layout's `index.json`, as read. */
export interface LayoutEntry {
  readonly digest: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** What rebuilding made of the layout: the records, and what could not be brought back, in words. */
export interface Rebuilt {
  readonly state: StoreState;
  readonly restored: ReadonlyArray<string>;
  readonly lost: ReadonlyArray<string>;
}

/**
 * The store's records rebuilt from its OCI layout, for a store whose
 * state.json is gone or broken: one image per manifest `index.json` names
 * (its documents as read, or why they could not be), named by the entries'
 * `org.opencontainers.image.ref.name`. Containers and the digests an image
 * was pulled by from an index cannot be recovered from the layout.
 */
export const rebuildState = (
  entries: ReadonlyArray<LayoutEntry>,
  documents: (manifestDigest: string) => E.Either<Failure, Omit<WrittenImage, "names">>,
  digestOf: (text: string) => string,
): Rebuilt => {
  let state: StoreState = emptyStoreState;
  const restored: string[] = [];
  const lost: string[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const rawName = entry.annotations?.[refNameAnnotation];
    const name = rawName === undefined ? undefined : normalizeStoreName(rawName);
    const doc = documents(entry.digest);
    if (E.isLeft(doc)) {
      lost.push(`${rawName === undefined ? entry.digest : `"${printable(rawName)}"`}: ${doc.left.message}`);
      continue;
    }
    const record = imageRecordOf({ ...doc.right, names: [] }, digestOf);
    if (!seen.has(record.id)) {
      seen.add(record.id);
      state = { ...state, images: [...state.images, record] };
      restored.push(`image ${record.id.slice(0, 12)}`);
    }
    if (name === undefined) continue;
    if (E.isLeft(name)) lost.push(`name ${name.left.message}`);
    else state = addNames(record.id, [name.right])(state);
  }
  return { state, restored, lost };
};
