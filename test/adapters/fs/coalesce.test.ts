/**
 * Shared runs of an action (directory fsyncs): every caller is answered by a
 * run that started after it called, and callers who come together share runs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { coalescing } from "../../../adapters/fs/coalesce.ts";

/** An action whose runs are finished by hand; records when each started. */
const manual = () => {
  const runs: { key: string; startedAt: number; finish: (ok: boolean) => void }[] = [];
  let clock = 0;
  const run = (key: string) =>
    new Promise<void>((resolve, reject) => {
      runs.push({ key, startedAt: clock++, finish: (ok) => (ok ? resolve() : reject(new Error(`run of ${key} failed`))) });
    });
  return { runs, run, tick: () => clock++ };
};

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("coalescing", () => {
  it("answers callers who came during a run with one run that starts after it", async () => {
    const m = manual();
    const sync = coalescing(m.run);
    const first = sync("d");
    const during = [sync("d"), sync("d"), sync("d")];
    const other = sync("e");
    expect(m.runs.map((r) => r.key)).toEqual(["d", "e"]);
    let answered = 0;
    for (const p of during) void p.then(() => answered++);
    m.runs[0]?.finish(true);
    await first;
    await settle();
    expect(answered).toBe(0);
    expect(m.runs.map((r) => r.key)).toEqual(["d", "e", "d"]);
    m.runs[2]?.finish(true);
    await Promise.all(during);
    m.runs[1]?.finish(true);
    await other;
    // Nothing under way: the next caller starts a run of its own.
    void sync("d");
    expect(m.runs).toHaveLength(4);
  });

  it("gives a failed run's error to those who shared it, and runs again for those who came after", async () => {
    const m = manual();
    const sync = coalescing(m.run);
    const first = sync("d");
    const second = sync("d");
    m.runs[0]?.finish(false);
    await expect(first).rejects.toThrow("run of d failed");
    await settle();
    m.runs[1]?.finish(false);
    await expect(second).rejects.toThrow("run of d failed");
    const third = sync("d");
    m.runs[2]?.finish(true);
    await expect(third).resolves.toBeUndefined();
  });

  it("never answers a caller with a run that started before it called, in any interleaving", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.constant("call" as const), fc.constant("finish" as const), fc.constant("fail" as const)), { maxLength: 40 }), async (steps) => {
        const m = manual();
        const sync = coalescing(m.run);
        const calls: { at: number; answeredBy?: number; done: boolean }[] = [];
        let finished = 0;
        for (const step of steps) {
          if (step === "call") {
            const call: { at: number; answeredBy?: number; done: boolean } = { at: m.tick(), done: false };
            calls.push(call);
            void sync("d").then(
              () => void (call.done = true),
              () => void (call.done = true),
            );
          } else if (finished < m.runs.length) {
            const run = m.runs[finished++];
            const startedAt = run?.startedAt ?? -1;
            run?.finish(step === "finish");
            await settle();
            for (const c of calls) if (c.done && c.answeredBy === undefined) c.answeredBy = startedAt;
          }
        }
        for (const c of calls) if (c.answeredBy !== undefined) expect(c.answeredBy).toBeGreaterThan(c.at);
        // At most one run under way and one queued: runs never outnumber finished runs by more than one.
        expect(m.runs.length - finished).toBeLessThanOrEqual(1);
      }),
    );
  });
});
