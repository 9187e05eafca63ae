/** Go duration units in milliseconds. */
const units: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's `time.ParseDuration` in milliseconds: `1h30m`, `90s`, `-1.5h`; `undefined` when malformed. */
export const parseDuration = (s: string): number | undefined => {
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+$/.exec(s);
  if (m === null) return s === "0" ? 0 : undefined;
  let total = 0;
  for (const part of s.replace(/^[-+]/, "").matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (units[part[2] ?? ""] ?? Number.NaN);
  }
  return Number.isFinite(total) ? (m[1] === "-" ? -total : total) : undefined;
};

const dateForms = [
  /^\d{4}-\d{2}-\d{2}$/,
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?$/,
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/,
];

/**
 * A point in time as docker and podman accept it in `until` filters: Unix
 * seconds (with a fraction), an RFC 3339 date-time or date, or a duration
 * before `now`. Milliseconds since the epoch, or `undefined`.
 */
export const parseTimestamp = (s: string, now: number): number | undefined => {
  if (/^\d+(?:\.\d+)?$/.test(s)) return Number(s) * 1000;
  if (dateForms.some((re) => re.test(s))) {
    // Without a zone, a date-time is UTC (as docker reads it).
    const withZone = /[Zz]|[+-]\d{2}:\d{2}$/.test(s) || !s.includes("T") ? s : `${s}Z`;
    const t = Date.parse(withZone.replace(/(\.\d{3})\d+/, "$1"));
    return Number.isNaN(t) ? undefined : t;
  }
  const d = parseDuration(s);
  return d === undefined ? undefined : now - d;
};
