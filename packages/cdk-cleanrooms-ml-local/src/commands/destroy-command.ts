import { parseArgs } from 'node:util';
import { CliCommand, CommandIo, UsageError } from './command';
import { runStackOperation, STACK_OPERATION_OPTIONS } from './stack-operation';
import { destroyStack } from '../runner';
import { DEFAULT_STATE_FILE } from '../runner/cli-support';

const USAGE = `Usage: cleanrooms-ml-local destroy [<cdk.out directory | template.json>] [options]

Deletes a stack the runner deployed, dependants first, running the Delete of
its custom resources with the code that was deployed. DeletionPolicy Retain
is honoured.

Options:
  --stack NAME              the stack to destroy (default: the only one recorded, or the assembly's)
  --endpoint URL            use the emulator running at URL (default: the one the stack was deployed to)
  --access-key-id K         with --secret-access-key: the key to destroy with, which decides the calling account (default:
                            the stack's account's key in the emulator the runner starts; test / test for one at --endpoint)
  --secret-access-key S     the secret key of --access-key-id
  --state-file F            deployment state (default ${DEFAULT_STATE_FILE})
  --time-scale N            real time per framework second (default 0.01)
  --function-logs           print what the Lambda functions log to stderr (default: <state file>.lambda.log)
  --json                    one JSON object per line: every event, then the result
  -h, --help                show this help

Exit status: 0 when the stack is gone (or was not deployed), 1 otherwise.
`;

export const destroyCommand: CliCommand = {
  summary: 'delete a stack the runner deployed, in reverse dependency order',
  usage: USAGE,
  run: runDestroy,
};

async function runDestroy(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: STACK_OPERATION_OPTIONS });
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length > 1) {
    throw new UsageError(`one assembly at a time, got ${positionals.join(' ')}`);
  }
  return runStackOperation(values, io, (options) => destroyStack({ ...options, assembly: positionals[0] }));
}
