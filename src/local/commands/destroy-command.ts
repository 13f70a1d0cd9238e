import { parseArgs } from 'node:util';
import { CliCommand, CommandIo, UsageError } from './command';
import { destroyStack, DeploymentState } from '../runner';
import { DEFAULT_STATE_FILE, eventWriter, functionLogWriter, OptionError, positiveNumber, writeResult } from '../runner/cli-support';

const USAGE = `Usage: cleanrooms-ml-local destroy [<cdk.out directory | template.json>] [options]

Deletes a stack the runner deployed, dependants first, running the Delete of
its custom resources with the code that was deployed. DeletionPolicy Retain
is honoured.

Options:
  --stack NAME              the stack to destroy (default: the only one recorded, or the assembly's)
  --endpoint URL            use the emulator running at URL (default: the one the stack was deployed to)
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
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      'stack': { type: 'string' },
      'endpoint': { type: 'string' },
      'state-file': { type: 'string' },
      'time-scale': { type: 'string' },
      'function-logs': { type: 'boolean' },
      'json': { type: 'boolean' },
      'help': { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length > 1) {
    throw new UsageError(`one assembly at a time, got ${positionals.join(' ')}`);
  }
  const stateFile = values['state-file'] ?? DEFAULT_STATE_FILE;
  const json = values.json ?? false;
  let timeScale: number | undefined;
  try {
    timeScale = positiveNumber('--time-scale', values['time-scale']);
  } catch (error) {
    if (error instanceof OptionError) throw new UsageError(error.message);
    throw error;
  }
  const result = await destroyStack({
    assembly: positionals[0],
    stackName: values.stack,
    endpoint: values.endpoint,
    stateFile,
    timeScale,
    onEvent: eventWriter(io.stdout, json),
    onFunctionLog: values['function-logs'] ? functionLogWriter(io.stderr) : undefined,
  });
  writeResult(io.stdout, result, json, values['function-logs'] ? undefined : DeploymentState.load(stateFile).functionLogFile);
  return result.success ? 0 : 1;
}
