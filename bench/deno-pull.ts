/**
 * One pull through the library on Deno, for bench/pull-push.ts:
 * `deno run -A bench/deno-pull.ts STORE REFERENCE` (plain HTTP allowed).
 */
import { openBerth } from "../index.ts";

const [root, reference] = Deno.args;
if (root === undefined || reference === undefined) throw new Error("usage: deno-pull.ts STORE REFERENCE");
const berth = await openBerth({ root, tlsVerify: false, insecurePolicy: true });
await berth.pull(reference);
