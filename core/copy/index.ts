/** Copy planning: which images, which manifest (kept or converted), which blobs move, mount or stay, and what happens to signatures. */
export { describePlan } from "./describe.ts";
export {
  checkCompression,
  compressionAfter,
  compressionOf,
  describeChange,
  layerChange,
  layerTypeFor,
  levelRange,
  type CompressionFormat,
  type CompressionOptions,
  type DestinationCompression,
  type LayerChange,
  type LayerCompression,
} from "./compression.ts";
export {
  blobsToMove,
  mountSource,
  planCopy,
  selectInstances,
  type BlobStep,
  type CopyFacts,
  type CopyPlan,
  type Counterpart,
  type DestinationCapabilities,
  type InstanceStep,
  type Location,
  type ManifestStep,
  type PlanOptions,
  type ReadInstance,
  type ReadManifest,
  type Selection,
  type SignatureStep,
} from "./plan.ts";
export { referrersIn, referrersTag, withReferrers } from "./referrers.ts";
