import { parseArgs } from 'node:util';
import { CliCommand, CommandIo, UsageError } from './command';
import { formatStatus, stackStatus } from '../runner';
import { DEFAULT_STATE_FILE } from '../runner/cli-support';

const USAGE = `Usage: cleanrooms-ml-local status [options]

Shows what the runner has deployed: each stack's status, resources
(logical id, type, status, physical id) and outputs.

Options:
  --stack NAME              only this stack
  --state-file F            deployment state (default ${DEFAULT_STATE_FILE})
  --json                    one JSON object per stack and line
  -h, --help                show this help
`;

export const statusCommand: CliCommand = {
  summary: 'show the stacks the runner deployed, their resources and outputs',
  usage: USAGE,
  run: runStatus,
};

async function runStatus(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      'stack': { type: 'string' },
      'state-file': { type: 'string' },
      'json': { type: 'boolean' },
      'help': { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument ${positionals[0]}`);
  }
  const reports = stackStatus({ stateFile: values['state-file'] ?? DEFAULT_STATE_FILE, stackName: values.stack });
  io.stdout.write(values.json ? reports.map((report) => `${JSON.stringify(report)}\n`).join('') : formatStatus(reports));
  return 0;
}
