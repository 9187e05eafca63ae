#!/usr/bin/env node
/**
 * The floor of a pull in Node on this machine: the least a Node program must
 * do to fetch an image's layers from a plain-HTTP registry the way a verified,
 * durable pull does, with no library and none of berth's code. Used by
 * pull-push.ts to show what bounds berth's pull times.
 *
 *   node bench/pull-floor.cjs STAGE HOST REPO OUTDIR DIGEST...
 *
 * Every blob is fetched with a GET on a socket of its own (six at a time, as
 * berth), its body read with `onread` into reused 1 MiB slabs (the bytes
 * waiting to be written keep their slab from reuse). STAGE says how far each
 * byte goes: `recv` (received only), `hash` (and sha256-hashed), `write`
 * (and written to a file in ~1 MiB writes), `durable` (and fdatasync'ed every
 * 8 MiB while it streams and at the end, then renamed into place and the
 * directory fsynced). No manifest, no config, no checks beyond the digest.
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

const fetchBlob = (digest) =>
  new Promise((resolve, reject) => {
    let slab;
    let used = 0;
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
    const hash = level >= 1 ? createHash("sha256") : undefined;
    const file = `${out}/.${digest}`;
    const fd = level >= 2 ? fs.openSync(file, "w") : undefined;
    let head = Buffer.alloc(0);
    let remaining = -1;
    let pending = [];
    let pendingBytes = 0;
    let unsynced = 0;
    let inFlight = 0;
    let syncing = Promise.resolve();
    let writing = Promise.resolve();
    const flush = () => {
      if (fd === undefined || pending.length === 0) return;
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
    const body = (bytes) => {
      hash?.update(bytes);
      if (fd !== undefined) {
        slab.refs += 1;
        bytes.slab = slab;
        pending.push(bytes);
        pendingBytes += bytes.length;
        if (pendingBytes >= 1 << 20) flush();
      }
      remaining -= bytes.length;
    };
    const finish = async () => {
      flush();
      await writing;
      if (fd !== undefined) {
        await syncing;
        if (level >= 3) await call(fs.fdatasync, fd);
        fs.closeSync(fd);
      }
      const got = hash === undefined ? digest : `sha256:${hash.digest("hex")}`;
      if (got !== digest) throw new Error(`${digest}: got ${got}`);
      if (level >= 3) {
        await call(fs.rename, file, `${out}/${digest.slice(7)}`);
        const dir = fs.openSync(out, "r");
        await call(fs.fsync, dir);
        fs.closeSync(dir);
      }
    };
    const socket = net.connect({
      host: hostname,
      port: Number(port),
      onread: {
        buffer: nextRead,
        callback: (n, buf) => {
          if (level >= 2) used += n;
          let bytes = buf.subarray(0, n);
          if (remaining < 0) {
            head = Buffer.concat([head, bytes]);
            const end = head.indexOf("\r\n\r\n");
            if (end < 0) return;
            const lines = head.subarray(0, end).toString("latin1").split("\r\n");
            if (!/^HTTP\/1\.1 200 /.test(lines[0])) return reject(new Error(`${digest}: ${lines[0]}`));
            const length = lines.find((l) => /^content-length:/i.test(l));
            remaining = Number(length.split(":")[1]);
            bytes = head.subarray(end + 4);
          }
          body(bytes);
          if (remaining === 0) {
            socket.destroy();
            finish().then(resolve, reject);
          }
        },
      },
    });
    socket.on("error", reject);
    socket.write(`GET /v2/${repo}/blobs/${digest} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  });

/** Six at a time, in the order given, as berth's copy engine. */
const all = async () => {
  const queue = [...digests];
  const worker = async () => {
    for (let d = queue.shift(); d !== undefined; d = queue.shift()) await fetchBlob(d);
  };
  await Promise.all(Array.from({ length: Math.min(6, queue.length) }, worker));
};

all().catch((e) => {
  process.stderr.write(`pull-floor: ${e.message}\n`);
  process.exitCode = 1;
});
