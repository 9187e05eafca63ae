/** Copy planning: which images, which manifest (kept or converted), which blobs move, mount or stay, and what happens to signatures. */
export { describePlan } from "./describe.ts";
export {
  blobsToMove,
  planCopy,
  selectInstances,
  type BlobStep,
  type CopyFacts,
  type CopyPlan,
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
