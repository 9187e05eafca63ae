/** Longest piece of user input echoed back in a message. */
const maxEcho = 200;

/**
 * User input made safe to echo in a one-line message: control characters
 * (newlines included) are escaped, and long input is cut with `…`.
 */
export const printable = (s: string): string => {
  const cut = s.length > maxEcho ? `${s.slice(0, maxEcho)}…` : s;
  // eslint-disable-next-line no-control-regex
  return cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
};

/** {@link printable} input in double quotes. */
export const quoted = (s: string): string => `"${printable(s).replace(/"/g, '\\"')}"`;
