import type { Command, CommandRunner } from "../command.ts";

/** A command whose module loads only when it runs, so that start-up reads only what that command needs. */
const lazy = (name: string, summary: string, load: () => Promise<{ readonly run: CommandRunner }>, skopeo?: (args: ReadonlyArray<string>) => boolean): Command => ({
  name,
  summary,
  run: async (args, io, globals) => (await load()).run(args, io, globals),
  ...(skopeo === undefined ? {} : { skopeo }),
});

/** Always one of skopeo's verbs. */
const always = (): boolean => true;

/** `inspect` is skopeo's for a transport-qualified name (docker://, oci:, …) and podman's for an image of the store. */
const transportQualified = (args: ReadonlyArray<string>): boolean => args.some((a) => /^(docker|oci|oci-archive|docker-archive|dir):/.test(a));

/** The sub-commands, in the order help lists them. */
export const commands: ReadonlyArray<Command> = [
  lazy("pull", "Pull an image from a registry", async () => (await import("./pull.ts")).pullCommand),
  lazy("push", "Push an image from the local store to a registry", async () => (await import("./push.ts")).pushCommand),
  lazy("login", "Log in to a registry (the credentials are checked first)", async () => (await import("./login.ts")).loginCommand),
  lazy("logout", "Remove the credentials for a registry", async () => (await import("./login.ts")).logoutCommand),
  lazy("copy", "Copy an image between transports (docker://, store:, oci:, oci-archive:, docker-archive:, dir:)", async () => (await import("./copy.ts")).copyCommand, always),
  lazy("sync", "Copy every image of a repository, directory or YAML list, skipping what is there", async () => (await import("./sync.ts")).syncCommand, always),
  lazy("manifest create", "Create a manifest list (an image index) in the store", async () => (await import("./manifest.ts")).manifestCreateCommand),
  lazy("manifest add", "Add an image to a manifest list", async () => (await import("./manifest.ts")).manifestAddCommand),
  lazy("manifest annotate", "Change what a manifest list records about an image", async () => (await import("./manifest.ts")).manifestAnnotateCommand),
  lazy("manifest remove", "Take an image out of a manifest list", async () => (await import("./manifest.ts")).manifestRemoveCommand),
  lazy("manifest inspect", "Show a manifest list, or what a registry serves for a name", async () => (await import("./manifest.ts")).manifestInspectCommand),
  lazy("manifest push", "Push a manifest list and its images", async () => (await import("./manifest.ts")).manifestPushCommand),
  lazy("manifest rm", "Remove manifest lists from the store", async () => (await import("./manifest.ts")).manifestRmCommand),
  lazy("manifest exists", "Exit 0 if a manifest list is in the store", async () => (await import("./manifest.ts")).manifestExistsCommand),
  lazy("save", "Save images to a docker archive, OCI archive or directory", async () => (await import("./save.ts")).saveCommand),
  lazy("load", "Load images from a docker archive, OCI archive or OCI layout", async () => (await import("./load.ts")).loadCommand),
  lazy("tags", "List the tags of a repository in a registry", async () => (await import("./remote.ts")).tagsCommand, always),
  lazy("list-tags", "List the tags of a repository (skopeo's spelling of tags)", async () => (await import("./remote.ts")).tagsCommand, always),
  lazy("manifest-digest", "Print the digest of a manifest file", async () => (await import("./digest.ts")).manifestDigestCommand, always),
  lazy("delete", "Delete an image from a registry", async () => (await import("./remote.ts")).deleteCommand, always),
  lazy("images", "List images in the local store", async () => (await import("./images.ts")).imagesCommand),
  lazy("import", "Create an image from a root-filesystem tarball", async () => (await import("./import.ts")).importCommand),
  lazy("tag", "Add names to an image", async () => (await import("./tag.ts")).tagCommand),
  lazy("untag", "Remove names from an image", async () => (await import("./tag.ts")).untagCommand),
  lazy("rmi", "Remove images", async () => (await import("./rmi.ts")).rmiCommand),
  lazy("image exists", "Exit 0 if the store has an image", async () => (await import("./digest.ts")).imageExistsCommand),
  lazy("digest", "Print the digest of the manifest a name points to", async () => (await import("./digest.ts")).digestCommand),
  lazy("image sign", "Sign images in a registry with a GPG key, into a lookaside directory", async () => (await import("./standalone.ts")).imageSignCommand),
  lazy("image mount", "Make an image's root filesystem available in the store, and say where", async () => (await import("./containers.ts")).imageMountCommand),
  lazy("image umount", "Take a mount of an image away", async () => (await import("./containers.ts")).imageUmountCommand),
  lazy("image tree", "Show an image's layers", async () => (await import("./inspect.ts")).imageTreeCommand),
  lazy("image prune", "Remove dangling images (all unused ones with -a)", async () => (await import("./rmi.ts")).pruneCommand),
  lazy("inspect", "Show the details of images as JSON", async () => (await import("./inspect.ts")).inspectCommand, transportQualified),
  lazy("history", "Show the history of an image", async () => (await import("./inspect.ts")).historyCommand),
  lazy("create", "Create a container (a root filesystem) from an image", async () => (await import("./containers.ts")).createCommand),
  lazy("ps", "List containers", async () => (await import("./containers.ts")).psCommand),
  lazy("rm", "Remove containers", async () => (await import("./containers.ts")).rmCommand),
  lazy("mount", "Print the path of a container's root filesystem", async () => (await import("./containers.ts")).mountCommand),
  lazy("container exists", "Exit 0 if the store has a container", async () => (await import("./containers.ts")).containerExistsCommand),
  lazy("trust show", "Show the signature policy in words", async () => (await import("./trust.ts")).trustShowCommand),
  lazy("trust set", "Set what the signature policy requires for a scope", async () => (await import("./trust.ts")).trustSetCommand),
  lazy("generate-sigstore-key", "Make a sigstore key pair for signing images", async () => (await import("./sigstore-key.ts")).generateSigstoreKeyCommand, always),
  lazy("standalone-sign", "Sign a manifest file with a GPG key, as skopeo standalone-sign", async () => (await import("./standalone.ts")).standaloneSignCommand, always),
  lazy("standalone-verify", "Verify a GPG signature of a manifest file, as skopeo standalone-verify", async () => (await import("./standalone.ts")).standaloneVerifyCommand, always),
  lazy("resolve", "Show where a name would be pulled from, and why", async () => (await import("./resolve.ts")).resolveCommand),
  lazy("check", "Check the local store for consistency (and repair it)", async () => (await import("./check.ts")).checkCommand),
];
