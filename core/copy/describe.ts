import { describeChange } from "./compression.ts";
import type { BlobStep, CopyPlan, Location } from "./plan.ts";

const at = (l: Location): string => `${l.registry}/${l.repository}`;

const blobLine = (b: BlobStep): string => {
  const what = `${b.role === "config" ? "config" : "blob"} ${b.descriptor.digest} (${b.descriptor.size} bytes)`;
  const change = b.change === undefined ? "" : `, ${describeChange(b.change)}`;
  const standIn = b.written === undefined ? "" : ` as ${b.written.digest} (${b.written.size} bytes, ${b.written.mediaType})`;
  if (b.action === "skip") return b.written === undefined ? `  skip ${what}: already there${change === "" ? "" : ` (brought by an earlier image${change})`}` : `  skip ${what}: already there${standIn}`;
  if (b.action === "mount") return `  mount ${what}${standIn} from ${b.from === undefined ? "?" : at(b.from)}, else copy${change}`;
  return `  copy ${what}${change}`;
};

/** A plan in words, one step a line, as `--dry-run` prints it. */
export const describePlan = (plan: CopyPlan): ReadonlyArray<string> => [
  `source ${plan.source.kind === "index" ? "index" : "manifest"} ${plan.source.digest} (${plan.source.mediaType})`,
  ...plan.instances.flatMap((i) => [
    `image ${i.source.digest}${i.platform === undefined ? "" : ` for ${i.platform.os}/${i.platform.architecture}${i.platform.variant === undefined ? "" : `/${i.platform.variant}`}`}`,
    ...i.blobs.map(blobLine),
    i.manifest.action === "keep"
      ? `  write manifest ${i.manifest.digest} as it is`
      : i.manifest.action === "convert"
        ? `  write manifest converted to ${i.manifest.mediaType}: ${i.manifest.digest}`
        : `  write manifest as ${i.manifest.mediaType} with the new layers (its digest is known once they are written)`,
  ]),
  ...(plan.index === undefined ? [] : [`write index ${plan.index.digest} as it is`]),
  plan.signatures.action === "carry"
    ? `carry ${plan.signatures.count} signature(s)`
    : plan.signatures.action === "drop"
      ? `drop signatures (${plan.signatures.why})`
      : "no signatures to carry",
];
