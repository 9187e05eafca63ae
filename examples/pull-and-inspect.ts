/**
 * Pull an image (short names resolved as podman resolves them) and show what
 * it is: digest, platform, labels, and how it was built.
 *
 *   deno run -A examples/pull-and-inspect.ts quay.io/podman/hello
 */
import { openBerth } from "../index.ts";

/** The facts a script usually wants about an image. */
export interface Facts {
  readonly id: string;
  readonly digest: string;
  readonly platform: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly steps: ReadonlyArray<string>;
}

/** Pulls `name` into the store at `root` (or the default one) and describes it. */
export const pullAndInspect = async (name: string, options: { tlsVerify?: boolean; root?: string } = {}): Promise<Facts> => {
  const berth = await openBerth(options);
  const { id } = await berth.pull(name);
  const details = await berth.inspect(id);
  const history = await berth.history(id);
  return {
    id,
    digest: details.Digest,
    platform: `${details.Os}/${details.Architecture}`,
    labels: details.Labels,
    steps: history.map((h) => h.created_by ?? ""),
  };
};

if ((import.meta as { main?: boolean }).main === true) {
  const [name] = (globalThis as unknown as { Deno: { args: string[] } }).Deno.args;
  if (name === undefined) throw new Error("usage: pull-and-inspect.ts NAME");
  console.log(await pullAndInspect(name));
}
