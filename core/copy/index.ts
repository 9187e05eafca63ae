/** Copy planning: which blobs move, which are already there. */
export { planCopy, type BlobStep, type CopyPlan } from "./plan.ts";
