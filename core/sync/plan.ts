/**
 * What a sync will do with each image: copy it, or skip it because the
 * destination already holds the very manifest the copy would write (skopeo's
 * "image already exists" optimisation, decided up front so that a re-run
 * that finds everything in place reads manifests and copies nothing).
 */

/** One image of a sync, with the digests known before copying. */
export interface SyncCandidate {
  /** Transport-qualified: `docker://…` or `dir:…`. */
  readonly source: string;
  readonly destination: string;
  /** The digest of the manifest the copy would write (the chosen instance, unless every instance is copied). */
  readonly sourceDigest?: string;
  /** The digest of the manifest the destination holds under that name now, if any. */
  readonly destinationDigest?: string;
}

/** A step of the plan. */
export interface SyncStep {
  readonly source: string;
  readonly destination: string;
  readonly action: "copy" | "skip";
  /** The manifest digest, where known. */
  readonly digest?: string;
}

/** The steps of a sync: each image once (the first naming of a destination wins), in the source's order. */
export const planSync = (candidates: ReadonlyArray<SyncCandidate>): ReadonlyArray<SyncStep> => {
  const seen = new Set<string>();
  const steps: SyncStep[] = [];
  for (const c of candidates) {
    if (seen.has(c.destination)) continue;
    seen.add(c.destination);
    const same = c.sourceDigest !== undefined && c.sourceDigest === c.destinationDigest;
    steps.push({ source: c.source, destination: c.destination, action: same ? "skip" : "copy", ...(c.sourceDigest === undefined ? {} : { digest: c.sourceDigest }) });
  }
  return steps;
};

/** The plan in lines: `copy SRC -> DEST` or `skip SRC -> DEST (already there as DIGEST)`, then a count. */
export const describeSync = (steps: ReadonlyArray<SyncStep>): ReadonlyArray<string> => {
  const lines = steps.map((s) => (s.action === "skip" ? `skip ${s.source} -> ${s.destination} (already there as ${s.digest ?? "?"})` : `copy ${s.source} -> ${s.destination}`));
  const copies = steps.filter((s) => s.action === "copy").length;
  return [...lines, `${copies} to copy, ${steps.length - copies} already there`];
};
