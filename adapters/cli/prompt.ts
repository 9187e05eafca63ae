import { createInterface } from "node:readline/promises";

/** Asks a question on the terminal and returns the answer line (empty at end of input). */
export const ask = async (question: string): Promise<string> => {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return (await rl.question(question)).trim();
  } catch {
    return "";
  } finally {
    rl.close();
  }
};

/** A yes/no question whose default is no, as podman asks before pruning. */
export const confirm = async (question: string): Promise<boolean> => /^y(es)?$/i.test(await ask(`${question} [y/N] `));
