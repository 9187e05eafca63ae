/**
 * Shares runs of an idempotent action per key among concurrent callers:
 * a caller's promise settles with a run that started after the call, so the
 * action's effect covers everything the caller did before calling.
 */
export const coalescing = (run: (key: string) => Promise<void>): ((key: string) => Promise<void>) => {
  /** Per key: the run under way, and the one queued after it for those who came during it. */
  const runs = new Map<string, { running: Promise<void>; next?: Promise<void> }>();
  const start = (key: string): Promise<void> => {
    const running = run(key).finally(() => {
      if (runs.get(key)?.running === running) runs.delete(key);
    });
    runs.set(key, { running });
    return running;
  };
  return (key) => {
    const entry = runs.get(key);
    if (entry === undefined) return start(key);
    // Started once the running one has settled, whatever its outcome.
    entry.next ??= entry.running.then(
      () => start(key),
      () => start(key),
    );
    return entry.next;
  };
};
