/**
 * Remove images created before a given time (the `until` filter of `images`),
 * then the dangling ones left behind; report what went and what could not.
 *
 *   deno run -A examples/prune-old.ts 2024-01-01T00:00:00Z
 */
import { openBerth } from "../index.ts";

/** Removes images older than `until` (RFC 3339 or a duration like `720h`); gives the removal report. */
export const pruneOld = async (until: string, options: { root?: string } = {}) => {
  const berth = await openBerth(options);
  const old = await berth.images({ filters: [`until=${until}`] });
  const report = await berth.remove(old.map((i) => i.Id), { force: true });
  const dangling = await berth.prune();
  return { removed: report.steps.filter((s) => s.kind === "delete-image").length + dangling.length, errors: report.errors.map((e) => e.message) };
};

if ((import.meta as { main?: boolean }).main === true) {
  const [until] = (globalThis as unknown as { Deno: { args: string[] } }).Deno.args;
  if (until === undefined) throw new Error("usage: prune-old.ts UNTIL");
  console.log(await pruneOld(until));
}
