/** Sizes and times as podman prints them. */

/** Decimal units with three significant digits: `11.3 kB`, `5.6 MB` (docker's HumanSize); `image tree` asks for four and no space (`11.49kB`). */
export const humanSize = (bytes: number, digits = 3, space = " "): string => {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(digits))}${space}${units[i]}`;
};

/**
 * How long ago, in docker's words (go-units HumanDuration, which podman
 * prints): seconds and minutes truncated, hours rounded, then days, weeks
 * and months in whole units of the rounded hours. `About a minute ago`
 * covers 60 to 119 seconds, so nothing says "1 minutes".
 */
export const humanAgo = (thenMs: number, nowMs: number): string => {
  const s = Math.max(0, (nowMs - thenMs) / 1000);
  const text = (() => {
    const seconds = Math.floor(s);
    if (seconds < 1) return "Less than a second";
    if (seconds === 1) return "1 second";
    if (seconds < 60) return `${seconds} seconds`;
    const minutes = Math.floor(s / 60);
    if (minutes === 1) return "About a minute";
    if (minutes < 60) return `${minutes} minutes`;
    const hours = Math.round(s / 3600);
    if (hours === 1) return "About an hour";
    if (hours < 48) return `${hours} hours`;
    if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
    if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
    if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
    return `${Math.floor(s / 3600 / 24 / 365)} years`;
  })();
  return `${text} ago`;
};

/** An image ID as podman shows it: 12 characters unless `--no-trunc` (then `sha256:` and all 64). */
export const shownId = (id: string, noTrunc: boolean): string => (noTrunc ? `sha256:${id}` : id.slice(0, 12));

/** Whole seconds since the epoch of an RFC 3339 instant; Go's zero time (year 1) for none. */
export const epochSeconds = (iso: string): number => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? -62135596800 : Math.floor(t / 1000);
};

/** Go's time.Time String() in UTC of whole seconds (podman keeps seconds): `2026-01-01 00:00:00 +0000 UTC`. */
export const goTimeText = (seconds: number): string => goTimeFraction(new Date(seconds * 1000).toISOString());

/** Go's time.Time String() in UTC of an RFC 3339 instant, its fraction of a second kept without trailing zeros: `2026-01-01 00:00:00.25 +0000 UTC`. */
export const goTimeFraction = (iso: string): string => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "0001-01-01 00:00:00 +0000 UTC";
  const text = new Date(t).toISOString();
  const fraction = text.slice(19, 23).replace(/\.?0+$/, "");
  return `${text.slice(0, 10)} ${text.slice(11, 19)}${fraction} +0000 UTC`;
};

/** RFC 3339 of whole seconds, as podman's JSON prints times: `2026-01-01T00:00:00Z`. */
export const rfc3339Seconds = (seconds: number): string => `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;

/** RFC 3339 of whole seconds in the local time zone, as Go's time.RFC3339 prints a local time: `…Z` in UTC, else `…+01:00`. */
export const rfc3339Local = (seconds: number): string => {
  const offset = -new Date(seconds * 1000).getTimezoneOffset();
  if (offset === 0) return rfc3339Seconds(seconds);
  const local = new Date((seconds + offset * 60) * 1000).toISOString().slice(0, 19);
  const a = Math.abs(offset);
  return `${local}${offset < 0 ? "-" : "+"}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
};
