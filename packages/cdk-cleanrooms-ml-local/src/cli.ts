#!/usr/bin/env node
/**
 * `cleanrooms-ml-local <command> [options]`: local tooling for Clean Rooms ML
 * stacks. Each subcommand is one entry of COMMANDS (see commands/command.ts
 * for the contract); adding deploy, destroy or status means adding a module
 * and a line here.
 */
import { CliCommand, CommandIo, UsageError } from './commands/command';
import { deployCommand } from './commands/deploy-command';
import { destroyCommand } from './commands/destroy-command';
import { emulatorCommand } from './commands/emulator-command';
import { statusCommand } from './commands/status-command';

const COMMANDS: Readonly<Record<string, CliCommand>> = {
  emulator: emulatorCommand,
  deploy: deployCommand,
  destroy: destroyCommand,
  status: statusCommand,
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const commandList = Object.entries(COMMANDS)
    .map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`)
    .join('\n');
  return `Usage: cleanrooms-ml-local <command> [options]

Commands:
${commandList}

Run \`cleanrooms-ml-local <command> --help\` for a command's options.
`;
}

/** Runs the command line and resolves to the process exit code. */
export async function main(argv: string[], io: CommandIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(`cleanrooms-ml-local: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr.write(`cleanrooms-ml-local ${name}: ${(error as Error).message}\n\n${command.usage}`);
      return 2;
    }
    io.stderr.write(`cleanrooms-ml-local ${name}: ${(error as Error)?.message ?? String(error)}\n`);
    return 1;
  }
}

/** parseArgs reports bad command lines with TypeErrors carrying ERR_PARSE_ARGS_* codes. */
function isParseArgsError(error: unknown): boolean {
  return String((error as { code?: unknown })?.code ?? '').startsWith('ERR_PARSE_ARGS');
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
