/**
 * Mirror tags of a repository from one registry to another, keeping digests
 * (and signatures, where registries.d says where they live).
 *
 *   deno run -A examples/mirror.ts registry.example.com/team/app mirror.local/team/app 1.0 1.1
 *
 * In your own code, import from "berth" instead of "../index.ts".
 */
import { openBerth } from "../index.ts";

/** Copies each tag, whole multi-platform indexes included; gives tag → digest. */
export const mirror = async (from: string, to: string, tags: ReadonlyArray<string>, options: { tlsVerify?: boolean; root?: string } = {}): Promise<Record<string, string>> => {
  const berth = await openBerth(options);
  const digests: Record<string, string> = {};
  for (const tag of tags) {
    const r = await berth.copy(`docker://${from}:${tag}`, `docker://${to}:${tag}`, { all: true });
    digests[tag] = r.manifestDigest;
  }
  return digests;
};

if ((import.meta as { main?: boolean }).main === true) {
  const [from, to, ...tags] = (globalThis as unknown as { Deno: { args: string[] } }).Deno.args;
  if (from === undefined || to === undefined) throw new Error("usage: mirror.ts FROM-REPOSITORY TO-REPOSITORY [TAG...]");
  console.log(await mirror(from, to, tags.length === 0 ? ["latest"] : tags));
}
