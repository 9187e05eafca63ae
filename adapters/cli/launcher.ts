#!/usr/bin/env node
/**
 * The `berth` executable: loads the command line, built as one CommonJS
 * file, through V8's code cache. Compiling the bundle is most of berth's own
 * start-up (Node 20 has no `module.enableCompileCache`); with the cache each
 * command starts ~25-30 ms sooner. The cache lives in
 * `$XDG_CACHE_HOME/berth` (else `~/.cache/berth`), one file per build of
 * berth and Node, written once by the first command that is more than a
 * question for help or the version and succeeds; `BERTH_CODE_CACHE=0` turns it off. A cache
 * that is not ours alone (another owner, writable by others) is not used.
 */

// Built as CommonJS (dist/cli.cjs): Node enters a CommonJS file ~10 ms sooner than an ES module, whose
// loader resolves, reads package.json and links before the first line runs. require(), not import: a
// module namespace of a builtin reads all of its lazy parts.
const fs = require("node:fs") as typeof import("node:fs");
const path = require("node:path") as typeof import("node:path");
const vm = require("node:vm") as typeof import("node:vm");

const bundle = path.join(path.dirname(fs.realpathSync(__filename)), "cli-main.cjs");
// The bundle is built in ASCII (esbuild's charset option; a launcher test checks the built file), so Latin-1
// decoding, a copy, gives the text UTF-8 decoding would, which costs more; checking the bytes first cost ~0.7 ms.
const source = fs.readFileSync(bundle, "latin1");
const stat = fs.statSync(bundle);

/** Where this build's cache is, if anywhere: named by the bundle's identity on disk and Node's version. */
const cacheFile = ((): string | undefined => {
  const env = process.env;
  if (env["BERTH_CODE_CACHE"] === "0") return undefined;
  const base = env["XDG_CACHE_HOME"] || (env["HOME"] ? path.join(env["HOME"], ".cache") : undefined);
  if (base === undefined || !path.isAbsolute(base)) return undefined;
  const id = [process.version, process.arch, stat.size, Math.round(stat.mtimeMs), stat.ino].join("-");
  return path.join(base, "berth", `code-${id}.bin`);
})();

/** The cache's bytes, only from a regular file of this user's that nobody else may write. */
const readCache = (file: string): Buffer | undefined => {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    const s = fs.fstatSync(fd);
    const mine = typeof process.getuid !== "function" || s.uid === process.getuid();
    if (!s.isFile() || !mine || (s.mode & 0o022) !== 0 || s.size > 64 << 20) return undefined;
    return fs.readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
};

const cached = cacheFile === undefined ? undefined : readCache(cacheFile);
// The bundle is built as one function expression taking CommonJS's five arguments (tsup.config.ts).
const script = new vm.Script(source, {
  filename: bundle,
  ...(cached === undefined ? {} : { cachedData: cached }),
});
const loaded = { exports: {} as { main?: () => Promise<void> } };
const wrapped: unknown = script.runInThisContext();
if (typeof wrapped === "function") wrapped(loaded.exports, require, loaded, bundle, path.dirname(bundle));

/** Asking for help or the version compiles little: such a run leaves the cache to the first real command. */
const trivial = process.argv.length <= 2 || process.argv.slice(2).some((a) => ["--help", "-h", "--version", "-v", "help", "version"].includes(a));

if (cacheFile !== undefined && !trivial && (cached === undefined || script.cachedDataRejected === true)) {
  // Made at exit, so that it holds the functions this command compiled too; written whole or not at all.
  // Only by a command that succeeded: one that failed early compiled little, and a cache is never extended.
  process.once("exit", (code) => {
    if (code !== 0) return;
    const dir = path.dirname(cacheFile);
    const temp = `${cacheFile}.${process.pid}.tmp`;
    try {
      // One level at a time: a recursive mkdir never ends where mkdir says ENOENT under a directory that exists (/proc).
      for (const d of [path.dirname(dir), dir]) {
        try {
          fs.mkdirSync(d, { mode: 0o700 });
        } catch (e) {
          if ((e as { code?: string }).code !== "EEXIST") throw e;
        }
      }
      fs.writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
      fs.renameSync(temp, cacheFile);
      // Caches of other builds are of no more use.
      for (const name of fs.readdirSync(dir)) {
        if (/^code-.*\.bin$/.test(name) && name !== path.basename(cacheFile)) fs.rmSync(path.join(dir, name), { force: true });
      }
    } catch {
      // A cache that cannot be written is only a slower start; nothing thrown here may reach the user.
      try {
        fs.rmSync(temp, { force: true });
      } catch {
        // Nothing was left, or nothing can be done.
      }
    }
  });
}

/**
 * Once the event loop has run dry and every other `exit` listener has run (the cache above), nothing is left to do:
 * a natural exit would still free the whole heap first, ~6 ms of every command on this project's VM, which
 * `process.exit` skips. Added when the command has finished, so that it is the last listener.
 */
const exitWithoutTeardown = (): void => void process.once("exit", (code) => process.exit(code));

const main = loaded.exports.main;
if (typeof main === "function") void main().then(exitWithoutTeardown, exitWithoutTeardown);
else {
  process.stderr.write(`Error: internal error: ${bundle} does not hold berth's command line\n`);
  process.exitCode = 125;
}
