/**
 * Drives the provider's handlers the way its relay does (onEvent, then
 * isComplete until done: src/framework/relay.ts, which answers CloudFormation
 * and is tested on its own), against the embedded emulator over HTTP. Resource-type suites share it: build events with
 * `CustomResourceEvents`, run them with `runToCompletion`, read the logs with
 * `captureLogs`.
 */
import { randomUUID } from 'node:crypto';
import { CleanRoomsMlClient, CleanRoomsMlEmulator, CleanRoomsMlEmulatorOptions, EmulatorTimingOptions } from 'cdk-cleanrooms-ml-local';
import { dispatchIsComplete, dispatchOnEvent } from '../src/framework/dispatch';
import type { CustomResourceEvent, IsCompleteEvent, IsCompleteResponse, OnEventResponse } from '../src/framework/events';
import { RESOURCE_HANDLERS } from '../src/provider/resource-handlers';

export const ACCOUNT_ID = '123456789012';
export const REGION = 'us-east-1';
export const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT_ID}:stack/LookalikeStack/5b0e6f70-1f2a-11ef-9a4b-0a1b2c3d4e5f`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/cleanrooms-ml-access`;

/** A few milliseconds per phase: every status is passed through, none is waited for long. */
export const FAST_TIMINGS: EmulatorTimingOptions = {
  audienceModel: { createPendingMs: 15, createInProgressMs: 25, deletePendingMs: 10, deleteInProgressMs: 15 },
  audienceGenerationJob: { createPendingMs: 15, createInProgressMs: 25, deletePendingMs: 10, deleteInProgressMs: 15 },
  audienceExportJob: { createPendingMs: 15, createInProgressMs: 25 },
};

/**
 * A status of a resource whose deletion was requested: DELETE_PENDING or
 * DELETE_IN_PROGRESS, or none once it is gone (on a loaded machine a short
 * delete phase may already be over when the test looks).
 */
export const DELETED_OR_DELETING = ['DELETE_PENDING', 'DELETE_IN_PROGRESS', undefined];

const HANDLER_ENV = ['AWS_ENDPOINT_URL_CLEANROOMSML', 'AWS_ENDPOINT_URL_CLEANROOMS', 'AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_MAX_ATTEMPTS'];

/** An emulator, the environment the handlers read pointed at it, and a client for the test's own calls. */
export class HandlerTestbed {
  /**
   * @param timings how long the emulator's asynchronous phases last
   * @param clock the emulator's notion of now (a `ManualClock` makes statuses move only when the test says)
   * @param options the emulator's other options
   */
  public static async start(
    timings: EmulatorTimingOptions = FAST_TIMINGS,
    clock?: () => number,
    options: CleanRoomsMlEmulatorOptions = {},
  ): Promise<HandlerTestbed> {
    return new HandlerTestbed(await CleanRoomsMlEmulator.start({ ...options, timings, clock }));
  }

  /** The test's own client (not the handlers'). */
  public readonly client: CleanRoomsMlClient;
  private readonly savedEnv: Record<string, string | undefined>;

  private constructor(public readonly emulator: CleanRoomsMlEmulator) {
    this.savedEnv = Object.fromEntries(HANDLER_ENV.map((name) => [name, process.env[name]]));
    HANDLER_ENV.forEach((name) => delete process.env[name]);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_CLEANROOMSML: emulator.endpoint,
      // The SDK's service-specific endpoint variable for AWS Clean Rooms (the association handler's client).
      AWS_ENDPOINT_URL_CLEANROOMS: emulator.cleanRoomsEndpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      // One retry: transient faults the tests inject reach the handler quickly.
      AWS_MAX_ATTEMPTS: '2',
    });
    this.client = new CleanRoomsMlClient({
      region: REGION,
      endpoint: emulator.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      retryBaseDelayMs: 1,
    });
  }

  public async stop(): Promise<void> {
    this.client.destroy();
    await this.emulator.stop();
    for (const [name, value] of Object.entries(this.savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }

  /** A training dataset to train models on. */
  public async trainingDataset(name = `data-${randomUUID().slice(0, 8)}`): Promise<string> {
    const { trainingDatasetArn } = await this.client.createTrainingDataset({
      name,
      roleArn: ROLE_ARN,
      trainingData: [{
        type: 'INTERACTIONS',
        inputConfig: {
          dataSource: { glueDataSource: { catalogId: ACCOUNT_ID, databaseName: 'retail', tableName: 'purchases' } },
          schema: [
            { columnName: 'user_id', columnTypes: ['USER_ID'] },
            { columnName: 'item_id', columnTypes: ['ITEM_ID'] },
            { columnName: 'event_time', columnTypes: ['TIMESTAMP'] },
          ],
        },
      }],
    });
    return trainingDatasetArn;
  }
}

/** Each phase lasts 1 s of emulator time. */
export const ONE_SECOND_PHASES: EmulatorTimingOptions = {
  audienceModel: { createPendingMs: 1000, createInProgressMs: 1000, deletePendingMs: 1000, deleteInProgressMs: 1000 },
  audienceGenerationJob: { createPendingMs: 1000, createInProgressMs: 1000, deletePendingMs: 1000, deleteInProgressMs: 1000 },
  audienceExportJob: { createPendingMs: 1000, createInProgressMs: 1000 },
};

/** An emulator clock the test moves by hand, so every status is observed without racing it. */
export { ManualClock } from 'cdk-cleanrooms-ml-local';

/** A canary in the pre-signed ResponseURL: it must never appear in a log line, a response or an error. */
export const RESPONSE_URL_CANARY = 'Canary-X-Amz-Signature-9f8e7d6c5b4a';
const RESPONSE_URL = `https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws%3Acloudformation?X-Amz-Signature=${RESPONSE_URL_CANARY}`;

/** Custom resource requests for one resource type and logical id, as CloudFormation sends them. */
export class CustomResourceEvents {
  constructor(private readonly resourceType: string, private readonly logicalResourceId = 'Model') {}

  public create(properties: Record<string, unknown>, requestId: string = randomUUID()): CustomResourceEvent {
    return this.event({ RequestType: 'Create', RequestId: requestId, ResourceProperties: stringify(properties) });
  }

  public update(physicalResourceId: string, oldProperties: Record<string, unknown>, properties: Record<string, unknown>): CustomResourceEvent {
    return this.event({
      RequestType: 'Update',
      PhysicalResourceId: physicalResourceId,
      ResourceProperties: stringify(properties),
      OldResourceProperties: stringify(oldProperties),
    });
  }

  public delete(physicalResourceId: string, properties: Record<string, unknown>): CustomResourceEvent {
    return this.event({ RequestType: 'Delete', PhysicalResourceId: physicalResourceId, ResourceProperties: stringify(properties) });
  }

  private event(fields: Pick<CustomResourceEvent, 'RequestType'> & Partial<CustomResourceEvent>): CustomResourceEvent {
    return {
      ResponseURL: RESPONSE_URL,
      StackId: STACK_ID,
      RequestId: randomUUID(),
      ResourceType: this.resourceType,
      LogicalResourceId: this.logicalResourceId,
      ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:LookalikeStack-framework-onEvent`,
      ResourceProperties: {},
      ...fields,
    };
  }
}

/** As CloudFormation delivers properties: every leaf value a string. */
export function stringify(properties: Record<string, unknown>): Record<string, unknown> {
  const convert = (value: unknown): unknown => {
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return value.map(convert);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, convert(v)]));
    }
    return String(value);
  };
  return convert({ ServiceToken: 'token', ...properties }) as Record<string, unknown>;
}

/** The onEvent function's handlers, as its relay runs them. */
export function onEvent(event: CustomResourceEvent): Promise<OnEventResponse> {
  return dispatchOnEvent(event, RESOURCE_HANDLERS);
}

/** What the relay hands isComplete: the request merged with onEvent's answer. */
export function isCompleteEvent(event: CustomResourceEvent, response: OnEventResponse): IsCompleteEvent {
  return { ...event, ...response };
}

export function isComplete(event: IsCompleteEvent): Promise<IsCompleteResponse> {
  return dispatchIsComplete(event, RESOURCE_HANDLERS);
}

export interface Completed {
  readonly response: OnEventResponse;
  readonly result: IsCompleteResponse;
  /** isComplete calls that answered "not yet". */
  readonly polls: number;
}

/** onEvent, then isComplete until it answers done (as the poller's completion execution does, minus the waiting). */
export async function runToCompletion(event: CustomResourceEvent, maxPolls = 500): Promise<Completed> {
  return completion(event, await onEvent(event), maxPolls);
}

/** isComplete until it answers done, after onEvent answered `response` to `event`. */
export async function completion(event: CustomResourceEvent, response: OnEventResponse, maxPolls = 500): Promise<Completed> {
  const next = isCompleteEvent(event, response);
  for (let polls = 0; polls < maxPolls; polls++) {
    const result = await isComplete(next);
    if (result.IsComplete) {
      return { response, result, polls };
    }
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  throw new Error(`isComplete did not complete after ${maxPolls} calls`);
}

/** The error `promise` rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Collects console output (the handlers' structured logs) instead of printing it. */
export function captureLogs(): { readonly lines: string[]; readonly parsed: () => Array<Record<string, unknown>>; readonly restore: () => void } {
  const lines: string[] = [];
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
    }));
  return {
    lines,
    parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

/**
 * What `action` did to the service: the calls the emulator answered while it
 * ran, per operation, and among them those that create, start or delete a
 * resource (`{}` when none).
 */
export async function serviceCallsDuring<T>(
  emulator: CleanRoomsMlEmulator,
  action: () => Promise<T>,
): Promise<{ readonly result: T; readonly calls: Record<string, number>; readonly createsAndDeletes: Record<string, number> }> {
  const before = emulator.stats().calls;
  const result = await action();
  const after = emulator.stats().calls;
  const calls = Object.fromEntries(Object.entries(after)
    .map(([operation, count]) => [operation, count - (before[operation] ?? 0)] as const)
    .filter(([, count]) => count > 0));
  const createsAndDeletes = Object.fromEntries(Object.entries(calls).filter(([operation]) => /^(Create|Start|Delete)/.test(operation)));
  return { result, calls, createsAndDeletes };
}
