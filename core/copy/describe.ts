import type { BlobStep, CopyPlan, Location } from "./plan.ts";

const at = (l: Location): string => `${l.registry}/${l.repository}`;

const blobLine = (b: BlobStep): string => {
  const what = `${b.role === "config" ? "config" : "blob"} ${b.descriptor.digest} (${b.descriptor.size} bytes)`;
  if (b.action === "skip") return `  skip ${what}: already there`;
  if (b.action === "mount") return `  mount ${what} from ${b.from === undefined ? "?" : at(b.from)}, else copy`;
  return `  copy ${what}`;
};

/** A plan in words, one step a line, as `--dry-run` prints it. */
export const describePlan = (plan: CopyPlan): ReadonlyArray<string> => [
  `source ${plan.source.kind === "index" ? "index" : "manifest"} ${plan.source.digest} (${plan.source.mediaType})`,
  ...plan.instances.flatMap((i) => [
    `image ${i.source.digest}${i.platform === undefined ? "" : ` for ${i.platform.os}/${i.platform.architecture}${i.platform.variant === undefined ? "" : `/${i.platform.variant}`}`}`,
    ...i.blobs.map(blobLine),
    i.manifest.action === "keep" ? `  write manifest ${i.manifest.digest} as it is` : `  write manifest converted to ${i.manifest.mediaType}: ${i.manifest.digest}`,
  ]),
  ...(plan.index === undefined ? [] : [`write index ${plan.index.digest} as it is`]),
  plan.signatures.action === "carry"
    ? `carry ${plan.signatures.count} signature(s)`
    : plan.signatures.action === "drop"
      ? `drop signatures (${plan.signatures.why})`
      : "no signatures to carry",
];
