import { isatty } from "node:tty";

/** Where a command writes, and whether a person is at a terminal: the process's streams in the binary, buffers in tests. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** stdin and stdout are both a terminal, so the command may prompt. */
  readonly isTerminal: boolean;
}

/**
 * The running process's standard streams. Whether they are terminals is asked
 * of the descriptors, not of `process.stdin`: making that stream costs every
 * command a few milliseconds of start-up, and only `load` and prompts read it.
 */
export const processIO: CliIO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  get isTerminal() {
    return isatty(0) && isatty(1);
  },
};
