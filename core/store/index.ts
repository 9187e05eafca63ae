/** The local store's pure rules: records, filters, removal planning, names, lookup and the OCI index. */
export { compileFilters, referenceCandidates, type CompiledFilters, type FilterContext, type FilterError, type ImagePredicate } from "./filters.ts";
export { globMatch } from "./glob.ts";
export { imageLookup, type ImageLookup, type LookupResult } from "./lookup.ts";
export { addNames, normalizeStoreName, removeNames, repoDigests, splitStoredName, type NameError } from "./names.ts";
export { ociIndexOf, refNameAnnotation, type IndexDescriptor, type OciIndex } from "./oci-index.ts";
export { blobsInUse, containerRecord, emptyStoreState, imageRecord, storeState, type ContainerRecord, type ImageRecord, type StoreState } from "./records.ts";
export {
  annotatedInstance,
  emptyIndex,
  indexBytes,
  listBlobs,
  listRecord,
  parseAnnotations,
  withInstance,
  withoutInstance,
  type EntryChanges,
  type ListInstance,
  type ListRecord,
} from "./lists.ts";
export { applyRemoval, describeStep, planRemoval, type RemovalError, type RemovalPlan, type RemovalRequest, type RemovalStep } from "./removal.ts";
export { parseDuration, parseTimestamp } from "./time.ts";
export { childrenOf, imageTree, isDangling, isIntermediate, isParentOf, parentOf, type ImageTree } from "./tree.ts";
export { imageRecordOf, orphanedBlobs, type WrittenImage } from "./record-of.ts";
export { chainIds, layerTree, type LayerTree, type TreeLayer } from "./layer-tree.ts";
export { rebuildState, type LayoutEntry, type Rebuilt } from "./rebuild.ts";
