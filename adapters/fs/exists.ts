import { stat } from "node:fs/promises";

/** Whether anything (file, directory, link target) is at `path`. */
export const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );
