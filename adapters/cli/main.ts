#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";
import { processIO } from "./io.ts";
import { runCli } from "./run.ts";

// undici parses HTTP with a WebAssembly llhttp. V8 re-compiles it optimised on a
// background thread, and a short command (a push that only mounts blobs) then
// waits ~100 ms at exit for that compile to finish; the baseline code is fast
// enough for headers. Set here, not in the library: the binary owns its process.
setFlagsFromString("--liftoff-only");

process.exitCode = await runCli(process.argv.slice(2), processIO);
