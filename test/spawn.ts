/** Collecting what a child process prints, for the test helpers that drive berth and its peers. */
import type { ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";

/** What a finished child printed, and how it ended. */
export interface ChildOutput {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Waits for a child whose stdout and stderr are pipes, gathering both. */
export const outputOf = (child: ChildProcessByStdio<Writable | null, Readable, Readable>): Promise<ChildOutput> =>
  new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
