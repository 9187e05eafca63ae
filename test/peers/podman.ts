/**
 * Drives the real podman (Debian's, `--storage-driver vfs` with temp
 * `--root`/`--runroot`) and reads what it says it tries.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { outputOf, type ChildOutput } from "../spawn.ts";

/** What one `podman pull` attempted, read from its stderr. */
export interface PodmanAttempts {
  /** The `Resolving …`/`Resolved …` line, if it printed one. */
  readonly resolution: string | undefined;
  /** Every `Trying to pull NAME...` name, in order. */
  readonly tried: ReadonlyArray<string>;
  /** The final error text (all lines). */
  readonly error: string;
}

/** Runs `podman pull NAME` with `registries.conf` = `conf` and HOME = `home`; every registry must be unreachable on loopback. */
export const podmanPull = (conf: string, name: string, home: string): Promise<PodmanAttempts> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      "podman",
      ["--root", join(home, "storage"), "--runroot", join(home, "run"), "--storage-driver", "vfs", "pull", name],
      { env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: home, CONTAINERS_REGISTRIES_CONF: conf }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.on("error", reject);
    child.on("close", () => {
      const lines = out.split("\n").filter((l) => !l.includes("level=warning"));
      resolve({
        resolution: lines.find((l) => l.startsWith("Resolving ") || l.startsWith("Resolved ")),
        tried: lines.filter((l) => l.startsWith("Trying to pull ")).map((l) => l.slice("Trying to pull ".length).replace(/\.\.\.$/, "")),
        error: lines
          .slice(lines.findIndex((l) => l.startsWith("Error: ")))
          .join("\n")
          .trim(),
      });
    });
  });

/**
 * The error podman gave for one candidate: the text after
 * `initializing source docker://NAME: ` up to the next candidate's error.
 */
export const candidateError = (error: string, name: string): string => {
  const start = error.indexOf(`docker://${name}: `);
  if (start < 0) return "";
  const rest = error.slice(start + `docker://${name}: `.length);
  const next = rest.indexOf("initializing source docker://");
  return next < 0 ? rest : rest.slice(0, next);
};

/** The references podman tried for one candidate, read back from its error in order: mirrors first, then the primary. */
export const sourcesTried = (error: string, name: string, known: ReadonlyArray<string>): ReadonlyArray<string> => {
  const text = candidateError(error, name);
  const mirrors = text.startsWith("(Mirrors also failed: [") ? text.slice(0, text.indexOf("]): ") + 4) : "";
  const primaryPart = text.slice(mirrors.length);
  // The primary is named when mirrors were tried or it differs from the candidate; otherwise only its host is.
  const pinged = /pinging container registry ([^:\s]+(?::\d+)?): /.exec(primaryPart)?.[1];
  const primary =
    known.find((k) => primaryPart.startsWith(`${k}: `)) ??
    (mirrors === "" ? [...known].reverse().find((k) => pinged !== undefined && k.startsWith(`${pinged}/`)) : undefined) ??
    name;
  const mirrorRefs = known
    .filter((k) => mirrors.includes(`${k}: `))
    .sort((a, b) => mirrors.indexOf(`${a}: `) - mirrors.indexOf(`${b}: `));
  return [...mirrorRefs, primary];
};

/** Runs podman with a temp store under `home` and returns its status and output. */
export const podman = (home: string, args: ReadonlyArray<string>): Promise<ChildOutput> =>
  outputOf(
    spawn("podman", ["--root", join(home, "storage"), "--runroot", join(home, "run"), "--storage-driver", "vfs", ...args], {
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: home },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
