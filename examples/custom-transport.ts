/**
 * Add a transport of your own: `memory:KEY` keeps images in a Map (the
 * example plugin of plugins/README.md). berth's copy engine, policy and
 * verification work through it unchanged.
 */
import { openBerth } from "../index.ts";
import { memoryPlugin, newMemory } from "../plugins/example/memory.ts";

/** Copies `image` of the store at `root` into memory and back under `name`; gives both digests. */
export const roundTripThroughMemory = async (image: string, name: string, options: { root?: string } = {}) => {
  const memory = newMemory();
  const berth = await openBerth({
    ...options,
    insecurePolicy: true,
    transports: [{ ...memoryPlugin, openSource: (r) => memoryPlugin.openSource!(r, memory), openDestination: (r) => memoryPlugin.openDestination!(r, memory) }],
  });
  const out = await berth.copy(`store:${image}`, "memory:kept");
  const back = await berth.copy("memory:kept", `store:${name}`);
  return { inMemory: out.manifestDigest, back: back.manifestDigest, blobs: memory.blobs.size };
};
