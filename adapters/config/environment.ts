import { homedir } from "node:os";

/** The parts of the process's situation that decide which config files apply. */
export interface HostEnvironment {
  readonly home: string;
  readonly uid: number;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The running process's environment, home directory and user ID. */
export const hostEnvironment = (): HostEnvironment => ({
  home: process.env["HOME"] ?? homedir(),
  uid: typeof process.getuid === "function" ? process.getuid() : 0,
  env: process.env,
});
