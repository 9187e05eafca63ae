import type { CopyEvent } from "../api/berth.ts";
import { humanSize } from "./format.ts";
import type { CliIO } from "./io.ts";

const short = (digest: string): string => digest.replace(/^sha256:/, "").slice(0, 12);

interface Bar {
  readonly digest: string;
  readonly role: "config" | "layer";
  readonly size: number;
  bytes: number;
  readonly started: number;
  state: "copying" | "done" | "skipped";
}

const line = (b: Bar, now: number): string => {
  const what = `Copying ${b.role === "config" ? "config" : "blob"} ${short(b.digest)}`;
  if (b.state === "skipped") return `${what} skipped: already exists`;
  if (b.state === "done") return `${what} done   ${humanSize(b.size)}`;
  const width = 24;
  const filled = b.size > 0 ? Math.min(width, Math.floor((b.bytes / b.size) * width)) : 0;
  const seconds = Math.max(0.001, (now - b.started) / 1000);
  const rate = b.bytes / seconds;
  const eta = rate > 0 ? Math.ceil((b.size - b.bytes) / rate) : 0;
  return `${what} [${"=".repeat(filled)}${filled < width ? ">" : ""}${" ".repeat(Math.max(0, width - filled - 1))}] ${humanSize(b.bytes)} / ${humanSize(b.size)} ${humanSize(rate)}/s ${eta}s`;
};

/**
 * Shows a copy's progress: on a terminal, one bar per blob with bytes, rate
 * and ETA, redrawn at most ten times a second; otherwise plain lines as podman
 * prints them (on standard error; skopeo's verbs pass standard output, where
 * skopeo prints them); nothing when quiet.
 */
export const progressReporter = (io: CliIO, quiet: boolean, lines: (text: string) => void = io.stderr): ((e: CopyEvent) => void) => {
  if (quiet) return () => undefined;
  if (!io.isTerminal) {
    return (e) => {
      if (e.kind === "blob-started" || e.kind === "blob-skipped") {
        lines(`Copying ${e.role === "config" ? "config" : "blob"} ${e.digest}${e.kind === "blob-skipped" ? " skipped: already exists" : ""}\n`);
      }
    };
  }
  const bars: Bar[] = [];
  let drawn = 0;
  let last = 0;
  const draw = (force: boolean): void => {
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    const up = drawn > 0 ? `\x1b[${drawn}A` : "";
    io.stderr(up + bars.map((b) => `\x1b[2K${line(b, now)}\n`).join(""));
    drawn = bars.length;
  };
  return (e) => {
    switch (e.kind) {
      case "blob-started":
      case "blob-skipped":
        bars.push({ digest: e.digest, role: e.role, size: e.size, bytes: 0, started: Date.now(), state: e.kind === "blob-skipped" ? "skipped" : "copying" });
        draw(true);
        break;
      case "blob-progress": {
        const b = bars.find((x) => x.digest === e.digest);
        if (b !== undefined) b.bytes = e.bytes;
        draw(false);
        break;
      }
      case "blob-done": {
        const b = bars.find((x) => x.digest === e.digest);
        if (b !== undefined) {
          b.state = "done";
          b.bytes = e.size;
        }
        draw(true);
        break;
      }
      case "manifest-written":
        draw(true);
        break;
    }
  };
};
