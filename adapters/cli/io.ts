/** Where a command writes, and whether a person is at a terminal: the process's streams in the binary, buffers in tests. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** stdin and stdout are both a terminal, so the command may prompt. */
  readonly isTerminal: boolean;
}

/** The running process's standard streams. */
export const processIO: CliIO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  isTerminal: Boolean(process.stdin.isTTY && process.stdout.isTTY),
};
