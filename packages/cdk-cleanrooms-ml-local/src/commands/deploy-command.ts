import { parseArgs } from 'node:util';
import { CliCommand, CommandIo, UsageError } from './command';
import { asUsageError, runStackOperation, STACK_OPERATION_OPTIONS } from './stack-operation';
import { deployStack } from '../runner';
import { DEFAULT_STATE_FILE, parameterOptions, urlOption } from '../runner/cli-support';

const USAGE = `Usage: cleanrooms-ml-local deploy <cdk.out directory | template.json> [options]

Deploys a synthesized stack on the Clean Rooms ML emulator the way
CloudFormation and the aws-cdk Provider framework would: resources in
dependency order, custom resources through the stack's own Lambda code,
updates and replacements against the last deployment, rollback on failure.

Options:
  --stack NAME              the stack to deploy (needed when the assembly has several)
  --endpoint URL            use the emulator running at URL (default: start one, its state kept next to the state file)
  --access-key-id K         with --secret-access-key: the key to deploy with, which decides the calling account (default:
                            the stack's account's key in the emulator the runner starts; test / test for one at --endpoint)
  --secret-access-key S     the secret key of --access-key-id
  --state-file F            deployment state (default ${DEFAULT_STATE_FILE})
  --time-scale N            real time per framework second: 0.01 waits 50 ms for a 5 s query interval (default 0.01)
  --parameter NAME=VALUE    a template parameter value (repeatable)
  --secrets-manager-endpoint URL
                            the Secrets Manager endpoint the functions use (AWS_ENDPOINT_URL_SECRETS_MANAGER), for
                            secrets the stack imports; the stack's own secrets are then only recorded (default: a
                            Secrets Manager emulator the runner starts, holding the stack's secrets next to the state file)
  --function-logs           print what the Lambda functions log to stderr (default: <state file>.lambda.log)
  --json                    one JSON object per line: every event, then the result
  -h, --help                show this help

Exit status: 0 when the stack reached CREATE_COMPLETE or UPDATE_COMPLETE (or nothing changed), 1 otherwise.
`;

export const deployCommand: CliCommand = {
  summary: 'deploy a synthesized stack (cdk.out) on the emulator, as CloudFormation would',
  usage: USAGE,
  run: runDeploy,
};

async function runDeploy(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      ...STACK_OPERATION_OPTIONS,
      'parameter': { type: 'string', multiple: true },
      'secrets-manager-endpoint': { type: 'string' },
    },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'name a cdk.out directory or a template file' : `one assembly at a time, got ${positionals.join(' ')}`);
  }
  const parameters = asUsageError(() => parameterOptions(values.parameter));
  const secretsManagerEndpoint = asUsageError(() => urlOption('--secrets-manager-endpoint', values['secrets-manager-endpoint']));
  return runStackOperation(values, io, (options) => deployStack({ ...options, assembly: positionals[0], parameters, secretsManagerEndpoint }));
}
