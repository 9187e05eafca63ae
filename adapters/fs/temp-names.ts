/**
 * Names of berth's temporary files, and sweeping the ones a killed process
 * left. Every temporary name carries its writer's PID, so a later run can
 * tell a dead writer's leftovers from a live one's.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";

/** Whether a process with this PID exists (EPERM: it does, owned by someone else). */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ESRCH";
  }
};

const suffix = (): string => `berth-${process.pid}-${randomBytes(6).toString("hex")}`;

/** A hidden temporary name beside `target`, for a file or directory later renamed over it: `.NAME.berth-PID-RANDOM.tmp`. */
export const tempBeside = (target: string): string => join(dirname(target), `.${basename(target)}.${suffix()}.tmp`);

/** A new private directory in the system's temp directory: `berth-KIND-PID-XXXXXX`. */
export const tempDirectory = (kind: string): Promise<string> => mkdtemp(join(tmpdir(), `berth-${kind}-${process.pid}-`));

/** A file name in the system's temp directory: `berth-KIND-PID-RANDOM`. */
export const tempFile = (kind: string): string => join(tmpdir(), `berth-${kind}-${process.pid}-${randomBytes(6).toString("hex")}`);

const besideName = /^\..+\.berth-(\d+)-[0-9a-f]+\.tmp$/;
const tempDirName = /^berth-[a-z]+-(\d+)-/;

/** The PID a temporary name of berth's carries, if it is one. */
export const ownerOf = (name: string): number | undefined => {
  const m = besideName.exec(name) ?? tempDirName.exec(name);
  return m?.[1] === undefined ? undefined : Number(m[1]);
};

/**
 * Removes berth's temporary files and directories in `dir` whose writer is
 * dead (another process's live ones and everything else stay). Gives what it
 * removed; a directory that cannot be read is no error.
 */
export const sweepStale = async (dir: string): Promise<ReadonlyArray<string>> => {
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const pid = ownerOf(name);
    if (pid === undefined || pid === process.pid || isAlive(pid)) continue;
    try {
      await rm(join(dir, name), { recursive: true, force: true });
      removed.push(join(dir, name));
    } catch {
      // Not ours to remove after all (permissions): left for its owner.
    }
  }
  return removed;
};

/** Sweeps the system temp directory and, where given, the directory an output goes to. */
export const sweepStaleFor = async (output?: string): Promise<ReadonlyArray<string>> => [
  ...(await sweepStale(tmpdir())),
  ...(output === undefined ? [] : await sweepStale(dirname(output))),
];
