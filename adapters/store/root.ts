import { join } from "node:path";
import type { HostEnvironment } from "../config/environment.ts";

/** The store root: `--root`, else `BERTH_ROOT`, else `$XDG_DATA_HOME/berth` (default `~/.local/share/berth`). */
export const storeRoot = (host: HostEnvironment, explicit?: string): string => {
  const nonEmpty = (s: string | undefined): string | undefined => (s === undefined || s === "" ? undefined : s);
  return nonEmpty(explicit) ?? nonEmpty(host.env["BERTH_ROOT"]) ?? join(nonEmpty(host.env["XDG_DATA_HOME"]) ?? join(host.home, ".local/share"), "berth");
};
