/**
 * What `deploy` and `destroy` share: their common options, and running the
 * operation with events written as they happen and the result after.
 */
import { CommandIo, UsageError } from './command';
import type { EmulatorCredentials } from '../emulator/accounts';
import { RunnerOptions, StackOperationResult } from '../runner';
import { DEFAULT_STATE_FILE, eventWriter, functionLogWriter, OptionError, positiveNumber, writeResult } from '../runner/cli-support';
import { DeploymentState } from '../runner/state';

/** The `parseArgs` options both commands take. */
export const STACK_OPERATION_OPTIONS = {
  'stack': { type: 'string' },
  'endpoint': { type: 'string' },
  'access-key-id': { type: 'string' },
  'secret-access-key': { type: 'string' },
  'state-file': { type: 'string' },
  'time-scale': { type: 'string' },
  'function-logs': { type: 'boolean' },
  'json': { type: 'boolean' },
  'help': { type: 'boolean', short: 'h' },
} as const;

/** The values `parseArgs` gives for STACK_OPERATION_OPTIONS. */
export interface StackOperationValues {
  readonly 'stack'?: string;
  readonly 'endpoint'?: string;
  readonly 'access-key-id'?: string;
  readonly 'secret-access-key'?: string;
  readonly 'state-file'?: string;
  readonly 'time-scale'?: string;
  readonly 'function-logs'?: boolean;
  readonly 'json'?: boolean;
}

/** Turns an option's bad value into a usage error (exit code 2, with the usage text). */
export function asUsageError<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof OptionError) throw new UsageError(error.message);
    throw error;
  }
}

/** --access-key-id and --secret-access-key, given together or not at all. */
function credentialsOption(values: StackOperationValues): EmulatorCredentials | undefined {
  const accessKeyId = values['access-key-id'];
  const secretAccessKey = values['secret-access-key'];
  if (accessKeyId === undefined && secretAccessKey === undefined) return undefined;
  if (!accessKeyId || !secretAccessKey) {
    throw new UsageError('--access-key-id and --secret-access-key go together: give both, or neither');
  }
  return { accessKeyId, secretAccessKey };
}

/**
 * Runs a deploy or destroy with the common options resolved, writing each
 * event as it happens and the result at the end; resolves to the exit code
 * (0 on success, 1 otherwise).
 */
export async function runStackOperation(
  values: StackOperationValues,
  io: CommandIo,
  operate: (options: RunnerOptions & { readonly stackName?: string }) => Promise<StackOperationResult>,
): Promise<number> {
  const stateFile = values['state-file'] ?? DEFAULT_STATE_FILE;
  const json = values.json ?? false;
  const functionLogs = values['function-logs'] ?? false;
  const result = await operate({
    stackName: values.stack,
    endpoint: values.endpoint,
    credentials: credentialsOption(values),
    stateFile,
    timeScale: asUsageError(() => positiveNumber('--time-scale', values['time-scale'])),
    onEvent: eventWriter(io.stdout, json),
    onFunctionLog: functionLogs ? functionLogWriter(io.stderr) : undefined,
  });
  writeResult(io.stdout, result, json, functionLogs ? undefined : DeploymentState.load(stateFile).functionLogFile);
  return result.success ? 0 : 1;
}
