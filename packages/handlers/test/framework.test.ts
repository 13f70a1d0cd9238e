import { CleanRoomsMlEmulator } from 'cdk-cleanrooms-ml-local';
import { CustomResourceEvents, FAST_TIMINGS, HandlerTestbed, rejectionOf, REGION, ACCOUNT_ID } from './harness';
import {
  boolean,
  CREATION_TOKEN_TAG,
  creationRecord,
  creationToken,
  CustomResourceEvent,
  dispatchOnEvent,
  errorForCloudFormation,
  failureReason,
  generateName,
  HandlerRuntime,
  integer,
  Logger,
  MAX_REASON_BYTES,
  optional,
  parseProperties,
  Progress,
  propertiesDigest,
  readCreationRecord,
  ResourceFailure,
  ResourceHandler,
  ResourceNaming,
  secretsOf,
  stackNameOf,
  Started,
  string,
  stringMap,
  timestamp,
  truncateUtf8,
} from '../src/framework';
import { clientFromEnvironment, clockFromEnvironment, onEventRetryDeadline, retrySleepFromEnvironment, runtimeFor, workTimeLeftMs } from '../src/framework/runtime';

const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT_ID}:stack/LookalikeStack/5b0e6f70-1f2a-11ef-9a4b-0a1b2c3d4e5f`;
const request = (overrides: Partial<CustomResourceEvent> = {}) => ({
  StackId: STACK_ID,
  LogicalResourceId: 'AudienceModel3F2A1B',
  RequestId: '0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0',
  ...overrides,
});

describe('properties', () => {
  interface Sample {
    readonly Name: string;
    readonly Size?: number;
    readonly Enabled?: boolean;
    readonly Since?: string;
    readonly Tags?: Record<string, string>;
  }
  const schema = {
    Name: string,
    Size: optional(integer),
    Enabled: optional(boolean),
    Since: optional(timestamp),
    Tags: optional(stringMap),
  };

  test('reads back the types the construct wrote from the strings CloudFormation delivers', () => {
    const parsed = parseProperties<Sample>(
      { Name: 'model', Size: '25', Enabled: 'false', Since: '2024-01-01T00:00:00.000Z', Tags: { team: 'ads' }, ServiceToken: 'arn', Unknown: 'x' },
      schema,
    );

    expect(parsed).toEqual({ Name: 'model', Size: 25, Enabled: false, Since: '2024-01-01T00:00:00.000Z', Tags: { team: 'ads' } });
  });

  test('leaves absent optional properties out', () => {
    expect(parseProperties<Sample>({ Name: 'model' }, schema)).toEqual({ Name: 'model' });
  });

  test.each([
    [{}, 'property Name must be a non-empty string, got undefined'],
    [{ Name: 'm', Size: '2.5' }, 'property Size must be a whole number, got "2.5"'],
    [{ Name: 'm', Enabled: 'yes' }, 'property Enabled must be true or false, got "yes"'],
    [{ Name: 'm', Since: '01/02/2024' }, 'property Since must be an ISO-8601 date-time, got "01/02/2024"'],
    [{ Name: 'm', Tags: ['a'] }, 'property Tags must be a map of strings, got object'],
    [{ Name: 'm', Tags: { a: { b: 'c' } } }, 'property Tags.a must be a string, got object'],
  ])('fails, naming the property, for %j', (raw, message) => {
    expect(() => parseProperties<Sample>(raw, schema)).toThrow(message);
  });
});

describe('naming', () => {
  test('a generated name is the stack name, the logical id and a hash of the request', () => {
    expect(generateName(request())).toMatch(/^LookalikeStack-AudienceModel3F2A1B-[0-9a-f]{10}$/);
  });

  test('the same request always gets the same name; another request another one', () => {
    expect(generateName(request())).toBe(generateName(request()));
    expect(generateName(request({ RequestId: 'another' }))).not.toBe(generateName(request()));
  });

  test('a generated name fits in 63 characters whatever the stack and logical id', () => {
    const long = request({
      StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT_ID}:stack/${'S'.repeat(128)}/uuid`,
      LogicalResourceId: `Logical${'L'.repeat(200)}`,
    });
    const name = generateName(long);

    expect(name).toHaveLength(63);
    expect(name).toMatch(/^S+-LogicalL+-[0-9a-f]{10}$/);
  });

  test('the stack name is read from the stack id', () => {
    expect(stackNameOf(STACK_ID)).toBe('LookalikeStack');
    expect(stackNameOf('not-an-arn')).toBe('not-an-arn');
  });

  test('a creation token is unique to the stack, the logical id and the request', () => {
    const token = creationToken(request());

    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(creationToken(request())).toBe(token);
    expect(creationToken(request({ RequestId: 'retry' }))).not.toBe(token);
    expect(creationToken(request({ LogicalResourceId: 'Other' }))).not.toBe(token);
    expect(creationToken(request({ StackId: STACK_ID.replace('LookalikeStack', 'OtherStack') }))).not.toBe(token);
  });

  test('a creation record holds the request\'s token and a digest of the create-only properties, whatever their order', () => {
    const digest = propertiesDigest('Custom::CleanRoomsMLAudienceModel', { Name: 'm', Description: 'first' });

    expect(digest).toMatch(/^[0-9a-f]{32}$/);
    expect(propertiesDigest('Custom::CleanRoomsMLAudienceModel', { Description: 'first', Name: 'm' })).toBe(digest);
    expect(propertiesDigest('Custom::CleanRoomsMLAudienceModel', { Name: 'm', Description: 'second' })).not.toBe(digest);
    expect(propertiesDigest('Custom::CleanRoomsMLAudienceGenerationJob', { Name: 'm', Description: 'first' })).not.toBe(digest);
    const record = creationRecord(request(), digest);
    expect(readCreationRecord(record)).toEqual({ token: creationToken(request()), propertiesDigest: digest });
    // A tag without a digest still names its request: adoption works, nothing is vouched for.
    expect(readCreationRecord(creationToken(request()))).toEqual({ token: creationToken(request()) });
    expect(readCreationRecord(undefined)).toBeUndefined();
  });
});

describe('failure reasons', () => {
  const event = { LogicalResourceId: 'Model', ResourceType: 'Custom::CleanRoomsMLAudienceModel' };

  test('are one sentence naming the resource and the cause', () => {
    expect(failureReason(event, new ResourceFailure('the name "x" is taken;\n  choose another'))).toBe(
      'Model (Custom::CleanRoomsMLAudienceModel): the name "x" is taken; choose another.',
    );
  });

  test('stay within MAX_REASON_BYTES without splitting a character', () => {
    const reason = failureReason(event, new ResourceFailure('€'.repeat(2000)));

    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(MAX_REASON_BYTES);
    expect(reason.endsWith('€…')).toBe(true);
  });

  test('truncateUtf8 leaves short text alone', () => {
    expect(truncateUtf8('short', 10)).toBe('short');
  });

  test('reach the framework with a one-line stack', () => {
    const error = errorForCloudFormation('Model (Custom::X): broken.');

    expect(error.message).toBe('Model (Custom::X): broken.');
    expect(error.stack!.split('\n')).toHaveLength(1);
  });

  test('are scrubbed of secrets', () => {
    const scrub = (text: string) => new Logger({}, ['super-secret-value']).scrub(text);

    expect(failureReason(event, new Error('leaked super-secret-value'), scrub)).toBe(
      'Model (Custom::CleanRoomsMLAudienceModel): leaked [redacted].',
    );
  });
});

describe('clock', () => {
  test('is the wall clock in a deployed function', () => {
    expect(clockFromEnvironment({})).toBe(Date.now);
  });

  test('runs as fast as the local runner scales CloudFormation time, so deadlines fall where its waiter expects them', () => {
    const now = clockFromEnvironment({ CDK_CLEANROOMS_ML_LOCAL_TIME_SCALE: '0.001' });
    const before = Date.now();
    const scaled = now();
    const after = Date.now();

    expect(scaled).toBeGreaterThanOrEqual(before * 1000);
    expect(scaled).toBeLessThanOrEqual(after * 1000);
  });

  test('ignores a time scale that is not a positive number', () => {
    expect(clockFromEnvironment({ CDK_CLEANROOMS_ML_LOCAL_TIME_SCALE: 'fast' })).toBe(Date.now);
    expect(clockFromEnvironment({ CDK_CLEANROOMS_ML_LOCAL_TIME_SCALE: '-1' })).toBe(Date.now);
  });
});

describe('onEvent\'s retry deadline', () => {
  const remaining = (ms: number) => ({ getRemainingTimeInMillis: () => ms });

  test('is the invocation\'s remaining time less a minute for answering', () => {
    expect(onEventRetryDeadline(1_000_000, remaining(200_000), {})).toBe(1_000_000 + 140_000);
  });

  test('is now when less than a minute is left: the first transient failure is the answer', () => {
    expect(onEventRetryDeadline(1_000_000, remaining(30_000), {})).toBe(1_000_000);
  });

  test('is at most the function\'s timeout less a minute, also under the local runner, whose remaining time is real time', () => {
    expect(onEventRetryDeadline(1_000_000, undefined, {})).toBe(1_000_000 + 240_000);
    // 299 real seconds are about 83 hours by a clock scaled by 0.001.
    expect(onEventRetryDeadline(1_000_000, remaining(299_000), { CDK_CLEANROOMS_ML_LOCAL_TIME_SCALE: '0.001' })).toBe(1_000_000 + 240_000);
  });

  test('is in the handlers\' clock: 0.2 real seconds left under a time scale of 0.001 are 200 scaled seconds', () => {
    expect(onEventRetryDeadline(1_000_000, remaining(200), { CDK_CLEANROOMS_ML_LOCAL_TIME_SCALE: '0.001' })).toBe(1_000_000 + 140_000);
  });
});

describe('the time an invocation may still work before it must answer', () => {
  const remaining = (ms: number) => ({ getRemainingTimeInMillis: () => ms });

  test('is its remaining Lambda time less a minute for answering, and never below 0', () => {
    expect(workTimeLeftMs(remaining(200_000), {})).toBe(140_000);
    expect(workTimeLeftMs(remaining(30_000), {})).toBe(0);
    expect(workTimeLeftMs(undefined, {})).toBe(240_000);
  });

  test('keeps a scaled minute under the local runner, whose Lambda time is real time', () => {
    expect(workTimeLeftMs(remaining(299_000), { CDK_CLEANROOMS_ML_LOCAL_TIME_SCALE: '0.001' })).toBe(299_000 - 60);
  });
});

describe('the runtime\'s clients, on a service that throttles eight calls in a row', () => {
  const ENV = ['AWS_ENDPOINT_URL_CLEANROOMSML', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'CDK_CLEANROOMS_ML_LOCAL_TIME_SCALE'];
  let emulator: CleanRoomsMlEmulator;
  let saved: Record<string, string | undefined>;
  const event = new CustomResourceEvents('Custom::CleanRoomsMLAudienceModel').create({});

  beforeEach(async () => {
    emulator = await CleanRoomsMlEmulator.start({ region: REGION, accountId: ACCOUNT_ID, faults: { throttleFirst: 8 } });
    saved = Object.fromEntries(ENV.map((name) => [name, process.env[name]]));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_CLEANROOMSML: emulator.endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      // Backoff waits of a few milliseconds: the clients' waits are scaled like the clock.
      CDK_CLEANROOMS_ML_LOCAL_TIME_SCALE: '0.001',
    });
  });

  afterEach(async () => {
    clientFromEnvironment().destroy();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await emulator.stop();
  });

  test('onEvent\'s outlasts them within its Lambda time', async () => {
    const { client } = runtimeFor(event, 'onEvent', { getRemainingTimeInMillis: () => 290_000 });

    await expect(client.listAudienceModels({})).resolves.toMatchObject({ audienceModels: [] });
    expect(emulator.stats()).toMatchObject({ totalCalls: 9, totalThrottled: 8 });
  });

  test('isComplete\'s, answering a request onEvent never completed, outlasts them within its Lambda time like onEvent\'s', async () => {
    const { client } = runtimeFor(event, 'isComplete', { getRemainingTimeInMillis: () => 290_000 }, true);

    await expect(client.listAudienceModels({})).resolves.toMatchObject({ audienceModels: [] });
    expect(emulator.stats()).toMatchObject({ totalCalls: 9, totalThrottled: 8 });
  });

  test('isComplete\'s gives up after five attempts: it answers "not yet" and is asked again', async () => {
    const { client } = runtimeFor(event, 'isComplete', { getRemainingTimeInMillis: () => 290_000 });

    await expect(client.listAudienceModels({})).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(emulator.stats()).toMatchObject({ totalCalls: 5, totalThrottled: 5 });
  });
});

describe('retry waits of the API clients', () => {
  afterEach(() => jest.useRealTimers());

  test('are the clients\' own real-time waits in a deployed function', () => {
    expect(retrySleepFromEnvironment({})).toBeUndefined();
    expect(retrySleepFromEnvironment({ CDK_CLEANROOMS_ML_LOCAL_TIME_SCALE: 'fast' })).toBeUndefined();
  });

  test('are scaled like the clock under the local runner, so a throttled call is retried within its scaled deadlines', async () => {
    jest.useFakeTimers();
    const sleep = retrySleepFromEnvironment({ CDK_CLEANROOMS_ML_LOCAL_TIME_SCALE: '0.01' })!;
    let done = false;

    const waited = sleep(800).then(() => { done = true; });
    await jest.advanceTimersByTimeAsync(7);
    const doneBefore = done;
    await jest.advanceTimersByTimeAsync(1);
    await waited;

    expect(doneBefore).toBe(false);
    expect(done).toBe(true);
  });
});

describe('Logger', () => {
  test('writes JSON lines with its fields, and never a known secret', () => {
    const lines: string[] = [];
    const url = 'https://bucket.s3.amazonaws.com/key?X-Amz-Signature=abcdef0123456789';
    const log = new Logger({ requestType: 'Create' }, secretsOf(url, { AWS_SESSION_TOKEN: 'session-token-value' }), (line) => lines.push(line));

    log.child({ logicalResourceId: 'Model' }).info('started', { url, token: 'session-token-value', error: new Error('boom') });

    expect(JSON.parse(lines[0])).toEqual({
      level: 'INFO',
      message: 'started',
      requestType: 'Create',
      logicalResourceId: 'Model',
      url: '[redacted]',
      token: '[redacted]',
      error: { name: 'Error', message: 'boom' },
    });
  });
});

describe('ResourceHandler', () => {
  /**
   * A resource type whose create has a second step (tagging) that can fail:
   * the shape of a configured audience model with its resource policy.
   */
  class TaggedModelHandler extends ResourceHandler<{ TrainingDatasetArn: string; LateTags?: Record<string, string> }, { Arn: string }> {
    protected readonly noun = 'audience model';

    constructor(runtime: HandlerRuntime, event: CustomResourceEvent) {
      super(runtime, event, { TrainingDatasetArn: string, LateTags: optional(stringMap) });
    }

    protected async onCreate(): Promise<Started> {
      const arn = await this.createOrAdopt(async (name) => {
        const { TrainingDatasetArn: trainingDatasetArn } = this.properties;
        return (await this.client.createAudienceModel({ name, trainingDatasetArn, tags: this.creationTags() })).audienceModelArn;
      });
      await this.undoOnFailure(
        () => this.client.tagResource({ resourceArn: arn, tags: this.properties.LateTags ?? {} }),
        async () => { await this.client.deleteAudienceModel({ audienceModelArn: arn }); },
      );
      return { physicalResourceId: arn };
    }

    protected createdResourceNaming(): ResourceNaming {
      return { name: this.generatedName(), findArn: async () => undefined };
    }

    protected onUpdate(): Promise<Started> {
      throw new ResourceFailure('not used');
    }

    protected async onDelete(): Promise<void> {}

    protected async isCreateComplete(): Promise<Progress<{ Arn: string }>> {
      return this.done({ Arn: this.physicalResourceId! });
    }

    protected async isUpdateComplete(): Promise<Progress<{ Arn: string }>> {
      return this.done({ Arn: this.physicalResourceId! });
    }

    protected async isDeleteComplete(): Promise<Progress<void>> {
      return this.done(undefined);
    }
  }

  const handlers = { 'Custom::TaggedModel': TaggedModelHandler };
  const events = new CustomResourceEvents('Custom::TaggedModel');
  let testbed: HandlerTestbed;
  let trainingDatasetArn: string;
  const runtime = (): HandlerRuntime => ({ client: clientFromEnvironment(), log: new Logger({}, [], () => undefined), now: Date.now });

  beforeAll(async () => {
    // Deletes take an hour, so the model a failed create deleted is still there to look at.
    testbed = await HandlerTestbed.start({ ...FAST_TIMINGS, audienceModel: { ...FAST_TIMINGS.audienceModel, deletePendingMs: 3_600_000 } });
    trainingDatasetArn = await testbed.trainingDataset();
  });
  afterAll(() => testbed.stop());

  test('a create whose next step fails deletes what it created before failing', async () => {
    const error = await rejectionOf(dispatchOnEvent(
      events.create({ TrainingDatasetArn: trainingDatasetArn, LateTags: { 'aws:reserved': 'x' } }),
      handlers,
      runtime(),
    ));

    expect(error.message).toMatch(/^Model \(Custom::TaggedModel\): TagResource failed with ValidationException: /);
    const models = testbed.emulator.inventory().audienceModels;
    expect(models).toHaveLength(1);
    expect(models[0].status).toMatch(/^DELETE_/);
    expect(models[0].tags[CREATION_TOKEN_TAG]).toBeDefined();
  });

  test('a create whose steps succeed keeps what it created', async () => {
    testbed.emulator.reset();
    trainingDatasetArn = await testbed.trainingDataset();

    const response = await dispatchOnEvent(events.create({ TrainingDatasetArn: trainingDatasetArn, LateTags: { team: 'ads' } }), handlers, runtime());

    expect(testbed.emulator.inventory().audienceModels).toEqual([
      expect.objectContaining({ audienceModelArn: response.PhysicalResourceId, tags: expect.objectContaining({ team: 'ads' }) }),
    ]);
    expect(response.Operation).toEqual({ StartedAt: expect.stringMatching(/^\d+$/), Deadline: expect.stringMatching(/^\d+$/) });
  });

  test('a resource type name that is an Object property is not a handler', async () => {
    const error = await rejectionOf(dispatchOnEvent(new CustomResourceEvents('constructor').create({}), handlers, runtime()));

    expect(error.message).toBe('Model (constructor): this provider does not handle the resource type "constructor" (it handles Custom::TaggedModel).');
  });
});
