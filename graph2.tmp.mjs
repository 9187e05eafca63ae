import * as esbuild from "esbuild";
const r = await esbuild.build({ entryPoints: ["adapters/cli/main.ts"], bundle: true, platform: "node", format: "cjs", write: false, metafile: true, external: ["yaml"], outfile: "/tmp/x.cjs", logLevel: "silent" });
const ins = r.metafile.inputs;
const [start, cutFrom, keep, ...show] = process.argv.slice(2);
const keepSet = new Set(keep.split(","));
const seen = new Set([start]); const parent = new Map(); const q = [start];
while (q.length) { const f = q.shift(); for (const i of ins[f]?.imports ?? []) { if (i.kind !== "import-statement") continue; if (!ins[i.path]) continue; if (f === cutFrom && !keepSet.has(i.path)) continue; if (!seen.has(i.path)) { seen.add(i.path); parent.set(i.path, f); q.push(i.path); } } }
console.log("reachable", seen.size, "bytes", [...seen].reduce((a, f) => a + ins[f].bytes, 0));
const chain = (f) => { const c = [f]; while (parent.has(c[0])) c.unshift(parent.get(c[0])); return c.join(" > "); };
for (const pat of show) for (const f of seen) if (f.includes(pat)) console.log(chain(f));
