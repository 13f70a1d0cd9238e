/** Where a command writes; tests pass their own streams. */
export interface CommandIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** A `cleanrooms-ml-local` subcommand. */
export interface CliCommand {
  /** One line for the command list in `--help`. */
  readonly summary: string;
  /** The command's own `--help` text. */
  readonly usage: string;
  /** Runs with the arguments after the command name; resolves to the process exit code. */
  run(args: string[], io: CommandIo): Promise<number>;
}

/** A mistake in the command line: reported with the usage text and exit code 2. */
export class UsageError extends Error {}
