#!/usr/bin/env node
/**
 * The floor of a pull in Node on this machine: the least a Node program must
 * do to fetch an image's layers from a plain-HTTP registry the way a verified,
 * durable pull does, with no library and none of berth's code. Used by
 * pull-push.ts to show what bounds berth's pull times.
 *
 *   node bench/pull-floor.cjs STAGE HOST REPO OUTDIR DIGEST...
 *
 * Six connections, kept alive, each fetching blobs one after another in the
 * order given (as berth's copy engine); every body is read with `onread` into
 * reused 1 MiB slabs (the bytes waiting to be written keep their slab from
 * reuse). STAGE says how far each byte goes: `recv` (received only), `hash`
 * (and sha256-hashed), `write` (and written to a file in ~1 MiB writes),
 * `durable` (and fdatasync'ed every 8 MiB while it streams and at the end,
 * then renamed into place, and the directory fsynced once after the last
 * rename). No manifest, no config, no checks beyond the digest, no error
 * handling beyond stopping.
 */
"use strict";
const net = require("node:net");
const fs = require("node:fs");
const { createHash } = require("node:crypto");

const [stage, host, repo, out, ...digests] = process.argv.slice(2);
const [hostname, port] = host.split(":");
const stages = ["recv", "hash", "write", "durable"];
const level = stages.indexOf(stage);
if (level < 0) throw new Error(`stage must be one of ${stages.join(", ")}`);
if (level >= 2) fs.mkdirSync(out, { recursive: true });

const call = (f, ...args) => new Promise((ok, ko) => f(...args, (e, v) => (e ? ko(e) : ok(v))));

const free = [];
/** A slab's bytes are in use until every write that holds a piece of it is done. */
const release = (slab) => {
  slab.refs -= 1;
  if (slab.refs === 0 && slab.retired) free.push(slab);
};

/** One kept-alive connection: `fetch(digest)` gets one blob; one at a time. */
const connection = () => {
  let slab;
  let used = 0;
  /** The blob being received: its body handler, and the bytes it still expects (-1 while in the header). */
  let current;
  let head = Buffer.alloc(0);
  const nextRead = () => {
    if (slab === undefined || slab.length - used < 64 << 10) {
      if (slab !== undefined) {
        slab.retired = true;
        if (slab.refs === 0) free.push(slab);
      }
      slab = free.pop() ?? Buffer.allocUnsafeSlow(1 << 20);
      slab.refs = 0;
      slab.retired = false;
      used = 0;
    }
    return level >= 2 ? slab.subarray(used) : slab;
  };
  const socket = net.connect({
    host: hostname,
    port: Number(port),
    onread: {
      buffer: nextRead,
      callback: (n, buf) => {
        if (level >= 2) used += n;
        let bytes = buf.subarray(0, n);
        if (current === undefined) return;
        if (current.remaining < 0) {
          head = Buffer.concat([head, bytes]);
          const end = head.indexOf("\r\n\r\n");
          if (end < 0) return;
          const lines = head.subarray(0, end).toString("latin1").split("\r\n");
          if (!/^HTTP\/1\.1 200 /.test(lines[0])) return current.fail(new Error(`${current.digest}: ${lines[0]}`));
          const length = lines.find((l) => /^content-length:/i.test(l));
          current.remaining = Number(length.split(":")[1]);
          bytes = head.subarray(end + 4);
          head = Buffer.alloc(0);
        }
        const done = current;
        done.body(bytes, slab);
        done.remaining -= bytes.length;
        if (done.remaining === 0) {
          current = undefined;
          done.end();
        }
      },
    },
  });
  socket.on("error", (e) => current?.fail(e));
  const fetch = (digest) =>
    new Promise((resolve, reject) => {
      const hash = level >= 1 ? createHash("sha256") : undefined;
      const file = `${out}/.${digest}`;
      let fd;
      let pending = [];
      let pendingBytes = 0;
      let unsynced = 0;
      let inFlight = 0;
      let syncing = Promise.resolve();
      const opened = level >= 2 ? call(fs.open, file, "w").then((f) => (fd = f)) : Promise.resolve();
      let writing = opened;
      const flush = () => {
        if (level < 2 || pending.length === 0) return;
        const batch = pending;
        const bytes = pendingBytes;
        pending = [];
        pendingBytes = 0;
        // At most a few MiB wait for the disk: beyond that the socket waits, as a stream's backpressure would make it.
        inFlight += bytes;
        if (inFlight > 4 << 20) socket.pause();
        writing = writing
          .then(() => call(fs.writev, fd, batch))
          .then(() => {
            batch.forEach((b) => release(b.slab));
            inFlight -= bytes;
            if (inFlight <= 4 << 20) socket.resume();
          });
        unsynced += bytes;
        if (level >= 3 && unsynced >= 8 << 20) {
          unsynced = 0;
          syncing = syncing.then(() => writing).then(() => call(fs.fdatasync, fd));
        }
      };
      const finish = async () => {
        flush();
        await writing;
        if (level >= 2) {
          await syncing;
          if (level >= 3) await call(fs.fdatasync, fd);
          await call(fs.close, fd);
        }
        const got = hash === undefined ? digest : `sha256:${hash.digest("hex")}`;
        if (got !== digest) throw new Error(`${digest}: got ${got}`);
        if (level >= 3) await call(fs.rename, file, `${out}/${digest.slice(7)}`);
      };
      current = {
        digest,
        remaining: -1,
        fail: reject,
        body: (bytes, from) => {
          hash?.update(bytes);
          if (level >= 2) {
            from.refs += 1;
            bytes.slab = from;
            pending.push(bytes);
            pendingBytes += bytes.length;
            if (pendingBytes >= 1 << 20) flush();
          }
        },
        end: () => finish().then(resolve, reject),
      };
      socket.write(`GET /v2/${repo}/blobs/${digest} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    });
  return { fetch, close: () => socket.destroy() };
};

/** Six connections, each taking the next blob in the order given, as berth's copy engine. */
const all = async () => {
  const queue = [...digests];
  const worker = async () => {
    const c = connection();
    try {
      for (let d = queue.shift(); d !== undefined; d = queue.shift()) await c.fetch(d);
    } finally {
      c.close();
    }
  };
  await Promise.all(Array.from({ length: Math.min(6, queue.length) }, worker));
  // Every rename made durable at once: the least a store can do before it records the image.
  if (level >= 3) {
    const dir = await call(fs.open, out, "r");
    await call(fs.fsync, dir);
    await call(fs.close, dir);
  }
};

all().catch((e) => {
  process.stderr.write(`pull-floor: ${e.message}\n`);
  process.exitCode = 1;
});
