import type { Descriptor, ImageManifest } from "../manifest/index.ts";

/** What happens to one blob in a copy. */
export interface BlobStep {
  readonly descriptor: Descriptor;
  readonly action: "copy" | "skip";
}

/** A copy of one image: its blobs (config first, then layers in order) and what each needs. */
export interface CopyPlan {
  readonly blobs: ReadonlyArray<BlobStep>;
}

/**
 * Plans which blobs of an image to move: those the destination lacks are
 * copied, the others skipped. Foreign layers (with `urls`) are copied like any
 * other only if the source can serve them; the plan keeps them in order.
 */
export const planCopy = (manifest: ImageManifest, present: ReadonlySet<string>): CopyPlan => {
  const all = [manifest.config, ...manifest.layers];
  const unique = all.filter((d, i) => all.findIndex((o) => o.digest === d.digest) === i);
  return { blobs: unique.map((descriptor) => ({ descriptor, action: present.has(descriptor.digest) ? "skip" : "copy" })) };
};
