/**
 * Load a fixture archive (docker save, podman save, skopeo, gzip or not) into
 * a throw-away store for a test, and give its image ID.
 *
 *   deno run -A examples/load-fixture.ts fixture.tar
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openBerth } from "../index.ts";

/** Loads `archive` into a new store under the temp directory; gives the store and what was loaded. */
export const loadFixture = async (archive: string): Promise<{ root: string; names: ReadonlyArray<string>; id: string }> => {
  const root = await mkdtemp(join(tmpdir(), "fixture-store-"));
  // A test store needs no signature policy of its own.
  const berth = await openBerth({ root, insecurePolicy: true });
  const names = await berth.load(archive);
  const first = names[0];
  if (first === undefined) throw new Error(`${archive}: no image in it`);
  return { root, names, id: (await berth.inspect(first)).Id };
};

if ((import.meta as { main?: boolean }).main === true) {
  const [archive] = (globalThis as unknown as { Deno: { args: string[] } }).Deno.args;
  if (archive === undefined) throw new Error("usage: load-fixture.ts ARCHIVE");
  console.log(await loadFixture(archive));
}
