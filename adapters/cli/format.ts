/** Sizes and times as podman prints them, and aligned tables. */

/** Decimal units with three significant digits: `11.3 kB`, `5.6 MB` (docker's HumanSize). */
export const humanSize = (bytes: number): string => {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(3))} ${units[i]}`;
};

/** How long ago, in docker's words: `Less than a second ago`, `3 minutes ago`, `About an hour ago`. */
export const humanAgo = (thenMs: number, nowMs: number): string => {
  const s = Math.max(0, (nowMs - thenMs) / 1000);
  const text = (() => {
    if (s < 1) return "Less than a second";
    if (s < 2) return "1 second";
    if (s < 60) return `${Math.floor(s)} seconds`;
    const m = s / 60;
    if (Math.round(m) === 1) return "About a minute";
    if (m < 60) return `${Math.floor(m)} minutes`;
    const h = m / 60;
    if (Math.round(h) === 1) return "About an hour";
    if (h < 48) return `${Math.floor(h)} hours`;
    if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
    if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
    if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
    return `${Math.floor(h / 24 / 365)} years`;
  })();
  return `${text} ago`;
};

/** Rows padded into columns two spaces apart, as podman's tab writer does. */
export const table = (rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = rows.reduce<number[]>((w, r) => r.map((c, i) => Math.max(w[i] ?? 0, c.length)), []);
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 2))).join("").trimEnd() + "\n").join("");
};

/** An image ID as podman shows it: 12 characters unless `--no-trunc` (then `sha256:` and all 64). */
export const shownId = (id: string, noTrunc: boolean): string => (noTrunc ? `sha256:${id}` : id.slice(0, 12));
