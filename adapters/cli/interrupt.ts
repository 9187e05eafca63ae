/**
 * Ctrl-C: the first SIGINT aborts what is running (downloads stop, what was
 * not committed is removed, the command exits 130); a second one exits at once.
 */
const controller = new AbortController();
let installed = false;

/** The signal commands pass to long operations. */
export const interruptSignal = (): AbortSignal => {
  if (!installed) {
    installed = true;
    process.on("SIGINT", () => {
      if (controller.signal.aborted) process.exit(130);
      controller.abort();
    });
  }
  return controller.signal;
};

/** Whether the user pressed Ctrl-C. */
export const interrupted = (): boolean => controller.signal.aborted;

let timeUp = false;

/** skopeo's `--command-timeout`: after `ms`, what is running is stopped as by Ctrl-C; the timer, for clearing when the command ends first. */
export const stopAfter = (ms: number): ReturnType<typeof setTimeout> => {
  interruptSignal();
  const timer = setTimeout(() => {
    timeUp = true;
    controller.abort();
  }, ms);
  timer.unref();
  return timer;
};

/** Whether the command was stopped by `--command-timeout`. */
export const timedOut = (): boolean => timeUp;
