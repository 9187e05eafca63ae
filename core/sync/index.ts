/** Planning `sync`: where each image goes, which are already there, and the YAML source file. */
export { basePath, destinationOf, joinPath, type Naming, type SourceImage, type SyncDestinationKind, type SyncSourceKind } from "./naming.ts";
export { describeSync, planSync, type SyncCandidate, type SyncStep } from "./plan.ts";
export { repositoriesOf, selectTags, syncSourceFile, type RegistryAccessOf, type RepositoryWanted, type SyncSourceFile } from "./source-file.ts";
