import { SFNClient } from '@aws-sdk/client-sfn';
import { StepFunctionsEndpoint, StepFunctionsOptions } from '../../../src/runner/step-functions';
import type { ExecutionSummary } from '../../../src/runner/step-functions';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:TrainingPoller`;
export const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:poller`;

/** 1000 s of Step Functions time are 10 ms. */
export const TIME_SCALE = 1e-5;

export interface Harness {
  readonly sfn: StepFunctionsEndpoint;
  readonly client: SFNClient;
  /** Every invocation, in order. */
  readonly calls: Array<{ readonly functionArn: string; readonly payload: unknown }>;
  /** Executions as onExecutionEnd reported them. */
  readonly ended: ExecutionSummary[];
}

const open: Harness[] = [];

/** An endpoint serving `definition` as STATE_MACHINE_ARN, its functions run by `invoke`, and an SDK client for it. */
export async function startHarness(
  definition: object | string,
  invoke: (payload: any, call: number, functionArn: string) => unknown | Promise<unknown>,
  options: Partial<StepFunctionsOptions> = {},
): Promise<Harness> {
  const calls: Array<{ functionArn: string; payload: unknown }> = [];
  const ended: ExecutionSummary[] = [];
  const sfn = await StepFunctionsEndpoint.start({
    timeScale: TIME_SCALE,
    invokeFunction: async (functionArn, payload) => {
      calls.push({ functionArn, payload });
      return invoke(payload, calls.length, functionArn);
    },
    stateMachine: (arn) => (arn === STATE_MACHINE_ARN ? { definition: typeof definition === 'string' ? definition : JSON.stringify(definition) } : undefined),
    onExecutionEnd: (execution) => ended.push(execution),
    ...options,
  });
  const client = new SFNClient({
    endpoint: sfn.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const harness = { sfn, client, calls, ended };
  open.push(harness);
  return harness;
}

/** For afterEach: stops every endpoint started (which must leave nothing running). */
export async function stopHarnesses(): Promise<void> {
  for (const harness of open.splice(0)) {
    harness.client.destroy();
    await harness.sfn.stop();
  }
}

/** A function error as the runner's invokeFunction rejects with it. */
export function functionError(errorType: string, message: string): Error {
  return Object.assign(new Error(message), { name: errorType, errorType });
}

/** A promise and its resolve, to hold a function open until the test lets it return. */
export function deferred<T = unknown>(): { readonly promise: Promise<T>; readonly resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
