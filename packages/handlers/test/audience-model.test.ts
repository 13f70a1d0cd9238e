import { AudienceModelProperties } from 'cdk-cleanrooms-ml/lib/contracts/audience-model';
import type { AudienceModelDescription } from 'cdk-cleanrooms-ml-local';
import {
  DELETED_OR_DELETING,
  ACCOUNT_ID,
  captureLogs,
  completion,
  CustomResourceEvents,
  ManualClock,
  ONE_SECOND_PHASES,
  HandlerTestbed,
  isComplete,
  isCompleteEvent,
  onEvent,
  REGION,
  rejectionOf,
  RESPONSE_URL_CANARY,
  ROLE_ARN,
  runToCompletion,
  serviceCallsDuring,
} from './harness';
import { CREATION_TOKEN_TAG, MAX_REASON_BYTES } from '../src/framework';
import { dispatchIsComplete } from '../src/framework/dispatch';
import type { CustomResourceEvent, IsCompleteResponse, OnEventResponse } from '../src/framework/events';
import { Logger } from '../src/framework/logger';
import { clientFromEnvironment } from '../src/framework/runtime';
import { RESOURCE_HANDLERS } from '../src/provider/resource-handlers';

const TYPE = 'Custom::CleanRoomsMLAudienceModel';
const SUBJECT = `Model (${TYPE}): `;
const events = new CustomResourceEvents(TYPE);
const MODEL_ARN = new RegExp(`^arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT_ID}:audience-model/[0-9a-f-]{36}$`);
const UNKNOWN_MODEL_ARN = `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT_ID}:audience-model/00000000-0000-4000-8000-000000000000`;

let testbed: HandlerTestbed;
let logs: ReturnType<typeof captureLogs>;
let trainingDatasetArn: string;

beforeAll(async () => {
  testbed = await HandlerTestbed.start();
});
afterAll(() => testbed.stop());
beforeEach(async () => {
  testbed.emulator.reset();
  testbed.emulator.setFaults({});
  logs = captureLogs();
  trainingDatasetArn = await testbed.trainingDataset();
});
afterEach(() => logs.restore());

function properties(overrides: Partial<AudienceModelProperties> & Record<string, unknown> = {}): Record<string, unknown> {
  return { TrainingDatasetArn: trainingDatasetArn, TimeoutSeconds: 3600, AttributesRevision: 1, ...overrides };
}

function models(): AudienceModelDescription[] {
  return testbed.emulator.inventory().audienceModels;
}

function modelAt(arn: string): AudienceModelDescription | undefined {
  return models().find((model) => model.audienceModelArn === arn);
}

/** Creates a model through the handlers and waits until it is ACTIVE. */
async function created(props: Record<string, unknown> = properties()): Promise<string> {
  const { response } = await runToCompletion(events.create(props));
  return response.PhysicalResourceId;
}

describe('Create', () => {
  test('creates the model, waits until it is ACTIVE and returns every attribute', async () => {
    const { response, result } = await runToCompletion(events.create(properties({
      Name: 'lookalike',
      Description: 'Buyers of 2024',
      TrainingDataStartTime: '2024-01-01T00:00:00.000Z',
      TrainingDataEndTime: '2024-07-01T00:00:00.000Z',
      KmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      Tags: { team: 'growth' },
    })));

    expect(response.PhysicalResourceId).toMatch(MODEL_ARN);
    const model = modelAt(response.PhysicalResourceId)!;
    expect(model).toMatchObject({
      name: 'lookalike',
      description: 'Buyers of 2024',
      trainingDatasetArn,
      trainingDataStartTime: '2024-01-01T00:00:00.000Z',
      trainingDataEndTime: '2024-07-01T00:00:00.000Z',
      status: 'ACTIVE',
      tags: { team: 'growth', [CREATION_TOKEN_TAG]: expect.stringMatching(/^[0-9a-f]{32}\.[0-9a-f]{32}$/) },
    });
    // AWS's current model reports no audience model metrics: the deprecated metric attributes are empty.
    expect(result).toEqual({
      IsComplete: true,
      Data: {
        AudienceModelArn: response.PhysicalResourceId,
        Name: 'lookalike',
        Status: 'ACTIVE',
        Metrics: '',
        NormalizedDiscountedCumulativeGain: '',
        MeanReciprocalRank: '',
        Precision: '',
        Recall: '',
      },
    });
  });

  test('fills the deprecated metric attributes from a service that still reports metrics (the 2023 API)', async () => {
    // A testbed of its own restores the environment to the suite's emulator when it stops.
    const legacy = await HandlerTestbed.start(undefined, undefined, { legacyAudienceModelMetrics: true });
    try {
      const { response, result } = await runToCompletion(events.create(properties({ TrainingDatasetArn: await legacy.trainingDataset() })));

      const model = legacy.emulator.inventory().audienceModels.find((entry) => entry.audienceModelArn === response.PhysicalResourceId)!;
      const metric = (type: string) => String(model.metrics!.find((entry) => entry.type === type)!.value);
      expect(result.Data).toMatchObject({
        Metrics: JSON.stringify(model.metrics),
        NormalizedDiscountedCumulativeGain: metric('NORMALIZED_DISCOUNTED_CUMULATIVE_GAIN'),
        MeanReciprocalRank: metric('MEAN_RECIPROCAL_RANK'),
        Precision: metric('PRECISION'),
        Recall: metric('RECALL'),
      });
    } finally {
      await legacy.stop();
    }
  });

  test('generates a name from the stack, the logical id and the request when none is given', async () => {
    const { result } = await runToCompletion(events.create(properties()));

    expect(result.Data!.Name).toMatch(/^LookalikeStack-Model-[0-9a-f]{10}$/);
  });

  test('a retried Create with the same request id makes one model and answers the same physical id', async () => {
    const event = events.create(properties());
    const first = await onEvent(event);
    const second = await onEvent(event);
    const { result } = await runToCompletion(event);

    expect(second.PhysicalResourceId).toBe(first.PhysicalResourceId);
    expect(models()).toHaveLength(1);
    expect(result.Data!.AudienceModelArn).toBe(first.PhysicalResourceId);
  });

  test('a retried Create of a named model adopts what its first attempt made', async () => {
    const event = events.create(properties({ Name: 'lookalike' }));
    const first = await onEvent(event);
    const second = await onEvent(event);

    expect(second.PhysicalResourceId).toBe(first.PhysicalResourceId);
    expect(models()).toHaveLength(1);
  });

  test('fails when the name is used by a model this stack did not create, and leaves that model alone', async () => {
    const { audienceModelArn: foreign } = await testbed.client.createAudienceModel({ name: 'taken', trainingDatasetArn, tags: { owner: 'someone-else' } });

    const error = await rejectionOf(onEvent(events.create(properties({ Name: 'taken' }))));

    expect(error.message).toBe(
      `${SUBJECT}the name "taken" is already used by an audience model this stack did not create (${foreign}); choose another name.`,
    );
    expect(models()).toEqual([expect.objectContaining({ audienceModelArn: foreign, tags: { owner: 'someone-else' } })]);
    // The framework answers the Delete after a failed Create itself; even if one reached the handler, it would not touch the foreign model.
    await runToCompletion(events.delete('AWSCDK::CustomResourceProviderFramework::CREATE_FAILED', properties({ Name: 'taken' })));
    expect(modelAt(foreign)).toBeDefined();
  });

  test('fails when a named model made by another request of this stack holds the name', async () => {
    const { response } = await runToCompletion(events.create(properties({ Name: 'lookalike' })));

    const error = await rejectionOf(onEvent(events.create(properties({ Name: 'lookalike' }))));

    expect(error.message).toContain(`the name "lookalike" is already used by an audience model this stack did not create (${response.PhysicalResourceId})`);
    expect(models()).toHaveLength(1);
  });

  test('fails with the service\'s statusDetails when training ends in CREATE_FAILED, and the rollback Delete succeeds', async () => {
    const event = events.create(properties({
      Name: 'doomed',
      Tags: { 'emulator:fail': 'CREATE', 'emulator:fail-message': 'Not enough interactions in the training data' },
    }));
    const response = await onEvent(event);

    let error: Error | undefined;
    for (let poll = 0; poll < 200 && !error; poll++) {
      error = await isComplete(isCompleteEvent(event, response)).then(() => undefined, (thrown: Error) => thrown);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }

    expect(error?.message).toBe(
      `${SUBJECT}training the audience model "doomed" failed (CREATE_FAILED): Not enough interactions in the training data (EmulatedFailure).`,
    );
    await runToCompletion(events.delete(response.PhysicalResourceId, properties()));
    expect(modelAt(response.PhysicalResourceId)).toBeUndefined();
  });

  test('fails with a reason that stays within CloudFormation\'s response size when the service\'s message is huge', async () => {
    testbed.emulator.failNext({ resourceType: 'audience-model', phase: 'CREATE', message: `Training failed: ${'details '.repeat(1000)}` });
    const event = events.create(properties());
    const response = await onEvent(event);

    let error: Error | undefined;
    for (let poll = 0; poll < 200 && !error; poll++) {
      error = await isComplete(isCompleteEvent(event, response)).then(() => undefined, (thrown: Error) => thrown);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }

    expect(error?.message.startsWith(`${SUBJECT}training the audience model`)).toBe(true);
    expect(Buffer.byteLength(error!.message)).toBeLessThanOrEqual(MAX_REASON_BYTES);
    expect(error!.message.endsWith('…')).toBe(true);
    // The framework appends the stack's lines to the reason: there are none.
    expect(error!.stack).toBe(`Error: ${error!.message}`);
  });

  test('fails at once, naming the field, when the service refuses the request', async () => {
    const error = await rejectionOf(onEvent(events.create(properties({ Description: 'bad\u0000description' }))));

    expect(error.message).toMatch(new RegExp(`^${escape(SUBJECT)}CreateAudienceModel failed with ValidationException: .*description`));
    expect(models()).toEqual([]);
  });

  test('fails when the training dataset does not exist', async () => {
    const missing = `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT_ID}:training-dataset/00000000-0000-4000-8000-000000000000`;
    const error = await rejectionOf(onEvent(events.create(properties({ TrainingDatasetArn: missing }))));

    expect(error.message).toMatch(new RegExp(`^${escape(SUBJECT)}CreateAudienceModel failed with ResourceNotFoundException: `));
  });
});

describe('isComplete, with the emulator\'s clock moved by hand', () => {
  const clock = new ManualClock();
  let manual: HandlerTestbed;

  beforeAll(async () => {
    manual = await HandlerTestbed.start(ONE_SECOND_PHASES, clock.now);
  });
  // Restores the environment the outer testbed set.
  afterAll(() => manual.stop());

  type Answer = { status?: string; result: IsCompleteResponse };

  /** The answers of isComplete (and the model's status before each), one call per emulator second, until it is done. */
  async function answersUntilDone(event: CustomResourceEvent, response: OnEventResponse): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (let second = 0; second < 10; second++) {
      const status = manual.emulator.inventory().audienceModels.find((model) => model.audienceModelArn === response.PhysicalResourceId)?.status;
      const result = await isComplete(isCompleteEvent(event, response));
      answers.push({ status, result });
      if (result.IsComplete) break;
      clock.advance(1000);
    }
    return answers;
  }

  test('waits while the model trains (CREATE_PENDING, CREATE_IN_PROGRESS) and completes when it is ACTIVE', async () => {
    const event = events.create(properties({ TrainingDatasetArn: await manual.trainingDataset() }));
    const answers = await answersUntilDone(event, await onEvent(event));

    expect(answers.map(({ status, result }) => [status, result.IsComplete])).toEqual([
      ['CREATE_PENDING', false],
      ['CREATE_IN_PROGRESS', false],
      ['ACTIVE', true],
    ]);
  });

  test('waits while the model is deleted (DELETE_PENDING, DELETE_IN_PROGRESS) and completes when it is gone', async () => {
    const props = properties({ TrainingDatasetArn: await manual.trainingDataset() });
    const create = events.create(props);
    const { PhysicalResourceId: arn } = await onEvent(create);
    clock.advance(10_000);
    const event = events.delete(arn, props);
    const response = await onEvent(event);
    const answers = await answersUntilDone(event, response);

    expect(response.PhysicalResourceId).toBe(arn);
    expect(answers).toEqual([
      { status: 'DELETE_PENDING', result: { IsComplete: false } },
      { status: 'DELETE_IN_PROGRESS', result: { IsComplete: false } },
      { status: undefined, result: { IsComplete: true } },
    ]);
  });
});

describe('isComplete', () => {
  test('answers "not yet" on throttling and server errors instead of failing, then completes', async () => {
    const event = events.create(properties());
    const response = await onEvent(event);

    testbed.emulator.setFaults({ serverErrorRate: 1 });
    await expect(isComplete(isCompleteEvent(event, response))).resolves.toEqual({ IsComplete: false });
    testbed.emulator.setFaults({ throttleRate: 1 });
    await expect(isComplete(isCompleteEvent(event, response))).resolves.toEqual({ IsComplete: false });
    testbed.emulator.setFaults({});

    const { result } = await runToCompletion(event);
    expect(result.Data!.Status).toBe('ACTIVE');
    expect(logs.parsed()).toContainEqual(expect.objectContaining({
      level: 'WARN',
      message: 'Transient error while checking progress; will check again',
      cause: expect.stringMatching(/^GetAudienceModel failed with ThrottlingException: /),
    }));
  });

  test('fails past the deadline with the model\'s last status', async () => {
    const slow = await HandlerTestbed.start({ audienceModel: { createPendingMs: 60_000, createInProgressMs: 60_000 } });
    try {
      const event = events.create(properties({ TrainingDatasetArn: await slow.trainingDataset(), TimeoutSeconds: 1200 }));
      const response = await onEvent(event);
      const later = { client: clientFromEnvironment(), log: new Logger({}, [], () => undefined), now: () => Date.now() + 20 * 60_000 };

      const error = await rejectionOf(dispatchIsComplete(isCompleteEvent(event, response), RESOURCE_HANDLERS, later));

      expect(error.message).toBe(
        `${SUBJECT}timed out after 20 minutes waiting for the audience model to be created (status CREATE_PENDING); the construct's timeout is 20 minutes.`,
      );
    } finally {
      // Restores the environment the outer testbed set.
      await slow.stop();
    }
  });

  test('a replacing Update that times out deletes the model it started (no Delete will name it) and leaves the old one alone', async () => {
    const slow = await HandlerTestbed.start({ audienceModel: { createPendingMs: 60_000, createInProgressMs: 60_000 } });
    try {
      const before = properties({ TrainingDatasetArn: await slow.trainingDataset(), TimeoutSeconds: 1200 });
      const original = await onEvent(events.create(before));
      const updateEvent = events.update(original.PhysicalResourceId, before, { ...before, Description: 'retrained' });
      const replaced = await onEvent(updateEvent);
      expect(replaced.PhysicalResourceId).not.toBe(original.PhysicalResourceId);
      const later = { client: clientFromEnvironment(), log: new Logger({}, [], () => undefined), now: () => Date.now() + 20 * 60_000 };

      const error = await rejectionOf(dispatchIsComplete(isCompleteEvent(updateEvent, replaced), RESOURCE_HANDLERS, later));

      expect(error.message).toMatch(/timed out after 20 minutes waiting for the audience model to be updated/);
      const status = (arn: string) => slow.emulator.inventory().audienceModels.find((model) => model.audienceModelArn === arn)?.status;
      expect(DELETED_OR_DELETING).toContain(status(replaced.PhysicalResourceId));
      expect(slow.emulator.stats().calls.DeleteAudienceModel).toBe(1);
      expect(status(original.PhysicalResourceId)).toBe('CREATE_PENDING');
    } finally {
      await slow.stop();
    }
  });
});

describe('Update', () => {
  test('changes tags in place: same physical id, tags changed in the service, the creation token kept', async () => {
    const before = properties({ Tags: { team: 'growth', stage: 'beta' } });
    const arn = await created(before);
    const after = properties({ Tags: { team: 'ads', owner: 'data' } });

    const { response, result } = await runToCompletion(events.update(arn, before, after));

    expect(response.PhysicalResourceId).toBe(arn);
    expect(result.Data!.AudienceModelArn).toBe(arn);
    expect(modelAt(arn)!.tags).toEqual({ team: 'ads', owner: 'data', [CREATION_TOKEN_TAG]: expect.any(String) });
    expect(models()).toHaveLength(1);
  });

  test('removing every tag keeps the creation token', async () => {
    const before = properties({ Tags: { team: 'growth' } });
    const arn = await created(before);

    await runToCompletion(events.update(arn, before, properties()));

    expect(Object.keys(modelAt(arn)!.tags)).toEqual([CREATION_TOKEN_TAG]);
  });

  test('an update that changes nothing of the model (a new attributes revision) keeps it and returns every attribute', async () => {
    const before = properties();
    const arn = await created(before);

    const { response, result } = await runToCompletion(events.update(arn, before, properties({ AttributesRevision: 2, TimeoutSeconds: 1800 })));

    expect(response.PhysicalResourceId).toBe(arn);
    expect(Object.keys(result.Data!).sort()).toEqual([
      'AudienceModelArn', 'MeanReciprocalRank', 'Metrics', 'Name', 'NormalizedDiscountedCumulativeGain', 'Precision', 'Recall', 'Status',
    ]);
    expect(models()).toHaveLength(1);
  });

  test('replaces the model when a property other than tags changes; the old one stays until its Delete', async () => {
    const before = properties({ Description: 'first' });
    const oldArn = await created(before);
    const after = properties({ Description: 'second' });

    const { response, result } = await runToCompletion(events.update(oldArn, before, after));

    expect(response.PhysicalResourceId).toMatch(MODEL_ARN);
    expect(response.PhysicalResourceId).not.toBe(oldArn);
    expect(result.Data!.Name).not.toBe(modelAt(oldArn)!.name);
    expect(modelAt(response.PhysicalResourceId)).toMatchObject({ description: 'second', status: 'ACTIVE' });
    expect(modelAt(oldArn)).toMatchObject({ description: 'first', status: 'ACTIVE' });

    await runToCompletion(events.delete(oldArn, before));
    expect(modelAt(oldArn)).toBeUndefined();
    expect(modelAt(response.PhysicalResourceId)).toBeDefined();
  });

  test('replaces a named model when its name changes too', async () => {
    const before = properties({ Name: 'lookalike-v1', Description: 'first' });
    const oldArn = await created(before);

    const { response } = await runToCompletion(events.update(oldArn, before, properties({ Name: 'lookalike-v2', Description: 'second' })));

    expect(response.PhysicalResourceId).not.toBe(oldArn);
    expect(modelAt(response.PhysicalResourceId)!.name).toBe('lookalike-v2');
  });

  test('fails to replace a model that keeps its user-given name, and changes nothing', async () => {
    const before = properties({ Name: 'lookalike', Description: 'first' });
    const arn = await created(before);

    const error = await rejectionOf(onEvent(events.update(arn, before, properties({ Name: 'lookalike', Description: 'second' }))));

    expect(error.message).toBe(
      `${SUBJECT}cannot replace the audience model "lookalike" to change Description: the replacement would need the name the current ` +
      'audience model still holds; change audienceModelName as well, or remove it to have a name generated.',
    );
    expect(models()).toEqual([expect.objectContaining({ audienceModelArn: arn, description: 'first' })]);
  });
});

// CloudFormation rolls a failed Update back with another Update: the old properties as ResourceProperties, the
// failed update's as OldResourceProperties, and the physical id the resource had before (see ResourceHandler).
describe('Rollback of a failed update', () => {
  test('the rollback of a refused change of a named model keeps the model: same physical id, nothing created or deleted', async () => {
    const before = properties({ Name: 'lookalike', Description: 'first', Tags: { team: 'growth' } });
    const arn = await created(before);
    const attempted = properties({ Name: 'lookalike', Description: 'second', Tags: { team: 'growth' } });
    const refusal = await rejectionOf(onEvent(events.update(arn, before, attempted)));
    expect(refusal.message).toMatch(/cannot replace the audience model "lookalike" to change Description/);

    const { result: rollback, createsAndDeletes } = await serviceCallsDuring(testbed.emulator, () =>
      runToCompletion(events.update(arn, attempted, before)));

    expect(rollback.response.PhysicalResourceId).toBe(arn);
    expect(rollback.result.Data).toMatchObject({ AudienceModelArn: arn, Name: 'lookalike', Status: 'ACTIVE' });
    expect(createsAndDeletes).toEqual({});
    expect(models()).toEqual([expect.objectContaining({ audienceModelArn: arn, description: 'first', status: 'ACTIVE' })]);
  });

  test('the rollback of a replacement whose training failed keeps the original model and creates none', async () => {
    const before = properties({ Description: 'first' });
    const arn = await created(before);
    const attempted = properties({ Description: 'second', Tags: { 'emulator:fail': 'CREATE', 'emulator:fail-message': 'Not enough interactions' } });
    const updateEvent = events.update(arn, before, attempted);
    const replacing = await onEvent(updateEvent);
    expect(replacing.PhysicalResourceId).not.toBe(arn);
    const failure = await rejectionOf(completion(updateEvent, replacing));
    expect(failure.message).toMatch(/failed \(CREATE_FAILED\): Not enough interactions/);

    const { result: rollback, createsAndDeletes } = await serviceCallsDuring(testbed.emulator, () =>
      runToCompletion(events.update(arn, attempted, before)));

    expect(rollback.response.PhysicalResourceId).toBe(arn);
    expect(createsAndDeletes).toEqual({});
    // The failed replacement deleted what it started: the original is the only model left.
    const leftBehind = models().filter((model) => model.audienceModelArn !== arn);
    expect(leftBehind.map((model) => model.status).every((status) => DELETED_OR_DELETING.includes(status))).toBe(true);
    expect(modelAt(arn)).toMatchObject({ description: 'first', status: 'ACTIVE' });
  });

  test('an update that asks for create-only values other than those the model was created with still replaces it', async () => {
    const first = properties({ Description: 'first' });
    const arn = await created(first);
    // A rollback-shaped request (the properties swapped) whose "old" values are not the model's: a real change.
    const { response } = await runToCompletion(events.update(arn, properties({ Description: 'second' }), properties({ Description: 'third' })));

    expect(response.PhysicalResourceId).not.toBe(arn);
    expect(modelAt(response.PhysicalResourceId)).toMatchObject({ description: 'third' });
  });

  test('fails to replace a named model whose creation record is gone (tags removed outside the stack), as before', async () => {
    const before = properties({ Name: 'lookalike', Description: 'first' });
    const arn = await created(before);
    await testbed.client.untagResource({ resourceArn: arn, tagKeys: [CREATION_TOKEN_TAG] });
    const attempted = properties({ Name: 'lookalike', Description: 'second' });

    const error = await rejectionOf(onEvent(events.update(arn, attempted, before)));

    expect(error.message).toMatch(/cannot replace the audience model "lookalike" to change Description/);
  });
});

describe('Delete', () => {
  test('succeeds when the model is already gone', async () => {
    const { result } = await runToCompletion(events.delete(UNKNOWN_MODEL_ARN, properties()));

    expect(result).toEqual({ IsComplete: true });
  });

  test('succeeds twice for the same Delete', async () => {
    const props = properties();
    const arn = await created(props);
    const event = events.delete(arn, props);

    await runToCompletion(event);
    const { result } = await runToCompletion(event);

    expect(result).toEqual({ IsComplete: true });
    expect(models()).toEqual([]);
  });

  test('succeeds without a service call when the physical id is not an audience model ARN', async () => {
    testbed.emulator.reset();

    const { response, result } = await runToCompletion(events.delete('AWSCDK::CustomResourceProviderFramework::CREATE_FAILED', properties()));

    expect(response.PhysicalResourceId).toBe('AWSCDK::CustomResourceProviderFramework::CREATE_FAILED');
    expect(result).toEqual({ IsComplete: true });
    expect(testbed.emulator.stats().totalCalls).toBe(0);
  });

  test('succeeds even when the properties no longer parse', async () => {
    const arn = await created();

    const { result } = await runToCompletion(events.delete(arn, { TrainingDatasetArn: 42, Tags: 'not a map' }));

    expect(result).toEqual({ IsComplete: true });
    expect(modelAt(arn)).toBeUndefined();
  });

  test('fails with a clear reason while a configured audience model uses the model', async () => {
    const props = properties();
    const arn = await created(props);
    await testbed.client.createConfiguredAudienceModel({
      name: 'configured',
      audienceModelArn: arn,
      outputConfig: { destination: { s3Destination: { s3Uri: 's3://audiences/lookalike/' } }, roleArn: ROLE_ARN },
      sharedAudienceMetrics: ['ALL'],
    });

    const error = await rejectionOf(onEvent(events.delete(arn, props)));

    expect(error.message).toMatch(new RegExp(`^${escape(`${SUBJECT}cannot delete the audience model ${arn} while another resource uses it: `)}`));
    expect(modelAt(arn)!.status).toBe('ACTIVE');
  });

  test('fails with the service\'s statusDetails when deletion ends in DELETE_FAILED', async () => {
    const props = properties({ Name: 'sticky', Tags: { 'emulator:fail': 'DELETE', 'emulator:fail-message': 'Model is locked' } });
    const arn = await created(props);

    const error = await rejectionOf(runToCompletion(events.delete(arn, props)));

    expect(error.message).toBe(`${SUBJECT}deleting the audience model "sticky" failed (DELETE_FAILED): Model is locked (EmulatedFailure).`);
  });
});

describe('logs', () => {
  test('are JSON lines with the request\'s identifiers', async () => {
    const event = events.create(properties());
    await runToCompletion(event);

    const lines = logs.parsed();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatchObject({
        level: expect.stringMatching(/^(DEBUG|INFO|WARN|ERROR)$/),
        message: expect.any(String),
        requestType: 'Create',
        resourceType: TYPE,
        logicalResourceId: 'Model',
        requestId: event.RequestId,
      });
    }
  });

  test('never contain the pre-signed response URL, nor do responses and errors (secret canary)', async () => {
    const props = properties({ Tags: { team: 'growth' } });
    const { response, result } = await runToCompletion(events.create(props));
    await runToCompletion(events.update(response.PhysicalResourceId, props, properties({ Tags: { team: 'ads' } })));
    const failure = await rejectionOf(onEvent(events.create(properties({ Description: 'bad\u0000' }))));
    await runToCompletion(events.delete(response.PhysicalResourceId, props));

    const output = [...logs.lines, JSON.stringify(response), JSON.stringify(result), failure.message, failure.stack].join('\n');
    expect(output).not.toContain(RESPONSE_URL_CANARY);
    expect(output).not.toContain('X-Amz-Signature');
    expect(logs.lines.length).toBeGreaterThan(5);
  });
});

describe('dispatch', () => {
  test('fails for a resource type the provider does not handle', async () => {
    const error = await rejectionOf(onEvent(new CustomResourceEvents('Custom::Unknown', 'Thing').create({})));

    expect(error.message).toBe(
      `Thing (Custom::Unknown): this provider does not handle the resource type "Custom::Unknown" (it handles ${Object.keys(RESOURCE_HANDLERS).join(', ')}).`,
    );
  });

  test('fails, naming the property, when a property cannot be parsed', async () => {
    const error = await rejectionOf(onEvent(events.create(properties({ TrainingDataStartTime: 'yesterday' }))));

    expect(error.message).toBe(`${SUBJECT}property TrainingDataStartTime must be an ISO-8601 date-time, got "yesterday".`);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
