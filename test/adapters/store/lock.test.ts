/** The store's cross-process lock: held exclusively, given back only if it is still ours, broken when its holder died. */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireLock, type HeldLock, type LockFailure } from "../../../adapters/store/lock.ts";
import { tempDir } from "../../tmp.ts";

const dir = tempDir();
const held = (l: HeldLock | LockFailure): HeldLock => {
  if ("code" in l) throw new Error(`lock not taken: ${l.message}`);
  return l;
};

describe("store lock", () => {
  it("is taken with this process's PID, refused to another taker while held, and gone once given back", async () => {
    const path = join(dir, "a.lock");
    const lock = held(await acquireLock(path));
    expect(readFileSync(path, "utf8")).toBe(`${process.pid}\n${hostname()}\n`);
    const second = await acquireLock(path, 100);
    expect("code" in second && second.code).toBe("STORE_LOCKED");
    await lock.release();
    expect(existsSync(path)).toBe(false);
    await held(await acquireLock(path)).release();
    expect(existsSync(path)).toBe(false);
  });

  it("leaves alone a lock that replaced its own (one removed and taken again meanwhile)", async () => {
    const path = join(dir, "b.lock");
    const lock = held(await acquireLock(path));
    rmSync(path);
    // Same owner text as ours: only the file's identity tells them apart.
    writeFileSync(path, `${process.pid}\n${hostname()}\n`);
    await lock.release();
    expect(existsSync(path)).toBe(true);
  });

  it("breaks a lock whose holder is gone", async () => {
    const path = join(dir, "c.lock");
    // PIDs above the kernel's pid_max never name a live process.
    writeFileSync(path, `${2 ** 22 + 1}\n${hostname()}\n`);
    const lock = held(await acquireLock(path, 2000));
    expect(readFileSync(path, "utf8")).toBe(`${process.pid}\n${hostname()}\n`);
    await lock.release();
    expect(existsSync(path)).toBe(false);
  });
});
