/**
 * A file-system error in one line: Node's message (`ENOSPC: no space left
 * on device, write`), without anything after a newline.
 */
export const systemMessage = (e: unknown): string => {
  const text = e instanceof Error ? e.message : String(e);
  return text.split("\n")[0]?.trim() ?? text;
};
