/**
 * `Custom::CleanRoomsMLWait` (the ready resource of a long wait) against the
 * emulator, and the hand-over of an audience model or generation job resource
 * at the end of its window when the wait continues after it. The emulator's clock and the handlers' clock are
 * moved by hand, so each window ends exactly when the test says.
 */
import { randomUUID } from 'node:crypto';
import type { WaitProperties } from 'cdk-cleanrooms-ml/lib/contracts/wait';
import {
  captureLogs,
  CustomResourceEvents,
  HandlerTestbed,
  isCompleteEvent,
  ManualClock,
  ONE_SECOND_PHASES,
  REGION,
  ACCOUNT_ID,
  rejectionOf,
  ROLE_ARN,
} from './harness';
import { dispatchIsComplete, dispatchOnEvent } from '../src/framework/dispatch';
import type { CustomResourceEvent, IsCompleteResponse, OnEventResponse } from '../src/framework/events';
import { Logger } from '../src/framework/logger';
import type { HandlerRuntime } from '../src/framework/resource-handler';
import { clientFromEnvironment } from '../src/framework/runtime';
import { RESOURCE_HANDLERS } from '../src/provider/resource-handlers';

const WAIT_TYPE = 'Custom::CleanRoomsMLWait';
const SUBJECT = `Wait (${WAIT_TYPE}): `;
const waits = new CustomResourceEvents(WAIT_TYPE, 'Wait');
const HOUR = 3_600_000;
/** The emulator's phases: 1 s pending, 1 s in progress. */
const TRAINING_MS = 2000;

let clock: ManualClock;
let testbed: HandlerTestbed;
let logs: ReturnType<typeof captureLogs>;
/** The handlers' clock, moved with the emulator's. */
let handlerNow: number;

beforeAll(async () => {
  clock = new ManualClock();
  // The 2023 API's model metrics, so the deprecated metric attributes show they are the ACTIVE model's.
  testbed = await HandlerTestbed.start(ONE_SECOND_PHASES, clock.now, { legacyAudienceModelMetrics: true });
});
afterAll(() => testbed.stop());
beforeEach(() => {
  testbed.emulator.reset();
  testbed.emulator.setFaults({});
  handlerNow = clock.millis;
  logs = captureLogs();
});
afterEach(() => logs.restore());

function runtime(): HandlerRuntime {
  return { client: clientFromEnvironment(), log: new Logger(), now: () => handlerNow };
}

/** Moves both clocks. */
function advance(milliseconds: number): void {
  clock.advance(milliseconds);
  handlerNow += milliseconds;
}

async function trainingModel(tags: Record<string, string> = {}): Promise<string> {
  const { audienceModelArn } = await testbed.client.createAudienceModel({
    name: `model-${randomUUID().slice(0, 8)}`,
    trainingDatasetArn: await testbed.trainingDataset(),
    tags,
  });
  return audienceModelArn;
}

function waitProperties(overrides: Partial<WaitProperties> & { TimeoutSeconds?: number } = {}): Record<string, unknown> {
  return { WindowSeconds: 3480, TimeoutSeconds: 4 * 3600, ...overrides };
}

/** onEvent, then isComplete as the framework's waiter calls it (the test moves the clocks in between). */
class Request {
  public static async start(event: CustomResourceEvent): Promise<Request> {
    return new Request(event, await dispatchOnEvent(event, RESOURCE_HANDLERS, runtime()));
  }

  private constructor(public readonly event: CustomResourceEvent, public readonly response: OnEventResponse) {}

  public check(): Promise<IsCompleteResponse> {
    return dispatchIsComplete(isCompleteEvent(this.event, this.response), RESOURCE_HANDLERS, runtime());
  }
}

describe('Create and Update', () => {
  test('completes at once with the model\'s attributes when it is already ACTIVE', async () => {
    const arn = await trainingModel();
    advance(TRAINING_MS);

    const request = await Request.start(waits.create(waitProperties({ ResourceArn: arn })));
    const result = await request.check();

    expect(request.response.PhysicalResourceId).toBe(`${arn}/wait-1`);
    expect(result.IsComplete).toBe(true);
    expect(result.Data).toMatchObject({ AudienceModelArn: arn, Status: 'ACTIVE', Precision: expect.stringMatching(/^0\.\d+$/) });
    expect(Object.keys(result.Data!).sort()).toEqual([
      'AudienceModelArn', 'MeanReciprocalRank', 'Metrics', 'Name', 'NormalizedDiscountedCumulativeGain', 'Precision', 'Recall', 'Status',
    ]);
  });

  test('waits while the model trains and completes with the ACTIVE model\'s attributes within its window', async () => {
    const arn = await trainingModel();
    const request = await Request.start(waits.create(waitProperties({ ResourceArn: arn })));

    await expect(request.check()).resolves.toEqual({ IsComplete: false });
    advance(1500);
    await expect(request.check()).resolves.toEqual({ IsComplete: false });
    advance(1000);
    const result = await request.check();

    expect(result).toMatchObject({ IsComplete: true, Data: { AudienceModelArn: arn, Status: 'ACTIVE' } });
  });

  test('fails with the service\'s statusDetails when the training fails midway', async () => {
    const arn = await trainingModel({ 'emulator:fail': 'CREATE', 'emulator:fail-message': 'Not enough interactions in the training data' });
    const request = await Request.start(waits.create(waitProperties({ ResourceArn: arn })));
    await expect(request.check()).resolves.toEqual({ IsComplete: false });
    advance(TRAINING_MS);

    const error = await rejectionOf(request.check());

    const name = (await testbed.client.getAudienceModel({ audienceModelArn: arn })).name;
    expect(error.message).toBe(
      `${SUBJECT}training the audience model "${name}" failed (CREATE_FAILED): Not enough interactions in the training data (EmulatedFailure).`,
    );
  });

  test('fails at the end of its window, naming the construct\'s timeout and the model\'s last status', async () => {
    const arn = await trainingModel();
    const last = waitProperties({ ResourceArn: arn, WindowSeconds: 600, TimeoutSeconds: 24 * 3600 });
    const request = await Request.start(waits.create(last));
    advance(1500);
    handlerNow += 600_000;

    const error = await rejectionOf(request.check());

    const name = (await testbed.client.getAudienceModel({ audienceModelArn: arn })).name;
    expect(error.message).toBe(
      `${SUBJECT}timed out after 24 hours waiting for the audience model "${name}" to finish training (status CREATE_IN_PROGRESS); `
      + 'raise the construct\'s timeout (at most 72 hours) if it needs longer.',
    );
  });

  test('answers "not yet" on throttling and server errors instead of failing', async () => {
    const arn = await trainingModel();
    const request = await Request.start(waits.create(waitProperties({ ResourceArn: arn })));
    advance(TRAINING_MS);

    testbed.emulator.setFaults({ throttleRate: 1 });
    await expect(request.check()).resolves.toEqual({ IsComplete: false });
    testbed.emulator.setFaults({ serverErrorRate: 1 });
    await expect(request.check()).resolves.toEqual({ IsComplete: false });
    testbed.emulator.setFaults({});

    await expect(request.check()).resolves.toMatchObject({ IsComplete: true, Data: { AudienceModelArn: arn, Status: 'ACTIVE' } });
    expect(logs.parsed()).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'Transient error while checking progress; will check again' }));
  });

  test('fails when the model was deleted outside the stack', async () => {
    const arn = await trainingModel();
    advance(TRAINING_MS);
    await testbed.client.deleteAudienceModel({ audienceModelArn: arn });
    advance(60_000);

    const request = await Request.start(waits.create(waitProperties({ ResourceArn: arn })));
    const error = await rejectionOf(request.check());

    expect(error.message).toBe(`${SUBJECT}the audience model ${arn} no longer exists: it was deleted outside this stack.`);
  });

  test('an Update for a replaced model waits for the new one, under a new physical id', async () => {
    const before = await trainingModel();
    advance(TRAINING_MS);
    const after = await trainingModel();

    const request = await Request.start(waits.update(`${before}/wait-1`, waitProperties({ ResourceArn: before }), waitProperties({ ResourceArn: after })));

    expect(request.response.PhysicalResourceId).toBe(`${after}/wait-1`);
    await expect(request.check()).resolves.toEqual({ IsComplete: false });
    advance(TRAINING_MS);
    await expect(request.check()).resolves.toMatchObject({ IsComplete: true, Data: { AudienceModelArn: after, Status: 'ACTIVE' } });
  });

  test('fails when ResourceArn is not an audience model or generation job ARN', async () => {
    const error = await rejectionOf(Request.start(waits.create(waitProperties({ ResourceArn: `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT_ID}:training-dataset/x` }))));

    expect(error.message).toBe(
      `${SUBJECT}ResourceArn must be an audience model or audience generation job ARN, `
      + `got "arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT_ID}:training-dataset/x".`,
    );
  });
});

describe('generation jobs', () => {
  test('waits for the job and returns its attributes with the relevance scores the template reads', async () => {
    const configuredArn = await trainedConfiguredModel();
    const { audienceGenerationJobArn: arn } = await testbed.client.startAudienceGenerationJob({
      name: `job-${randomUUID().slice(0, 8)}`,
      configuredAudienceModelArn: configuredArn,
      seedAudience: { dataSource: { s3Uri: 's3://seeds/buyers.csv' }, roleArn: ROLE_ARN },
    });
    const request = await Request.start(waits.create(waitProperties({ ResourceArn: arn, RelevanceScoreSizes: ['ABSOLUTE:10000'] })));

    await expect(request.check()).resolves.toEqual({ IsComplete: false });
    advance(TRAINING_MS);
    const result = await request.check();

    expect(result).toMatchObject({
      IsComplete: true,
      Data: { 'AudienceGenerationJobArn': arn, 'Status': 'ACTIVE', 'RelevanceScore.ABSOLUTE.10000': expect.stringMatching(/^\d/) },
    });
  });
});

describe('Delete', () => {
  test('succeeds without calling the service', async () => {
    const arn = await trainingModel();
    const calls = testbed.emulator.stats().totalCalls;

    const request = await Request.start(waits.delete(`${arn}/wait-1`, waitProperties({ ResourceArn: arn })));
    const result = await request.check();

    expect(request.response.PhysicalResourceId).toBe(`${arn}/wait-1`);
    expect(result).toEqual({ IsComplete: true });
    expect(testbed.emulator.stats().totalCalls).toBe(calls);
  });

  test('succeeds even when its properties cannot be read', async () => {
    const request = await Request.start(waits.delete('AWSCDK::CustomResourceProviderFramework::CREATE_FAILED', { ResourceKind: 'table' }));
    await expect(request.check()).resolves.toEqual({ IsComplete: true });
  });

  test('deletes a link of an earlier release\'s chain (what an upgraded stack sends them) without calling the service', async () => {
    const arn = await trainingModel();
    const calls = testbed.emulator.stats().totalCalls;
    const link = { ResourceKind: 'audience-model', ResourceArn: arn, Link: 2, Links: 24, WindowSeconds: 3480, TimeoutSeconds: 24 * 3600 };

    const request = await Request.start(waits.delete(`${arn}/wait-2`, link));

    expect(request.response.PhysicalResourceId).toBe(`${arn}/wait-2`);
    await expect(request.check()).resolves.toEqual({ IsComplete: true });
    expect(testbed.emulator.stats().totalCalls).toBe(calls);
  });
});

describe('a model resource whose wait continues after its window', () => {
  const models = new CustomResourceEvents('Custom::CleanRoomsMLAudienceModel', 'Model');

  test('completes at the end of its window with the model still training, instead of failing', async () => {
    const request = await Request.start(models.create({ TrainingDatasetArn: await testbed.trainingDataset(), TimeoutSeconds: 3600, WaitLinks: 24 }));
    handlerNow += HOUR - 120_000;

    const result = await request.check();

    expect(result).toMatchObject({
      IsComplete: true,
      Data: { AudienceModelArn: request.response.PhysicalResourceId, Status: 'CREATE_PENDING', Precision: '' },
    });
  });

  test('hands over only with a fresh status: past its window, a failed check answers "not yet"', async () => {
    const request = await Request.start(models.create({ TrainingDatasetArn: await testbed.trainingDataset(), TimeoutSeconds: 3600, WaitLinks: 3 }));
    handlerNow += HOUR - 120_000;

    testbed.emulator.setFaults({ serverErrorRate: 1 });
    await expect(request.check()).resolves.toEqual({ IsComplete: false });
    testbed.emulator.setFaults({});

    await expect(request.check()).resolves.toMatchObject({ IsComplete: true, Data: { Status: 'CREATE_PENDING' } });
  });

  test('still fails at its deadline without wait resources', async () => {
    const request = await Request.start(models.create({ TrainingDatasetArn: await testbed.trainingDataset(), TimeoutSeconds: 3600 }));
    handlerNow += HOUR - 120_000;

    const error = await rejectionOf(request.check());

    expect(error.message).toMatch(/^Model \(Custom::CleanRoomsMLAudienceModel\): timed out after 58 minutes waiting for the audience model to be created/);
  });

  test('a Delete is never handed over', async () => {
    const props = { TrainingDatasetArn: await testbed.trainingDataset(), TimeoutSeconds: 3600, WaitLinks: 2 };
    const { response } = await Request.start(models.create(props));
    const arn = response.PhysicalResourceId;
    const request = await Request.start(models.delete(arn, { TrainingDatasetArn: 'x', TimeoutSeconds: 3600, WaitLinks: 2 }));
    handlerNow += HOUR - 120_000;

    const error = await rejectionOf(request.check());

    expect(error.message).toMatch(/timed out after 58 minutes waiting for the audience model to be deleted \(status DELETE_PENDING\)/);
  });
});

/** A configured audience model on a trained model. */
async function trainedConfiguredModel(): Promise<string> {
  const audienceModelArn = await trainingModel();
  advance(TRAINING_MS);
  const { configuredAudienceModelArn } = await testbed.client.createConfiguredAudienceModel({
    name: `configured-${randomUUID().slice(0, 8)}`,
    audienceModelArn,
    outputConfig: { destination: { s3Destination: { s3Uri: 's3://audiences/lookalike/' } }, roleArn: ROLE_ARN },
    sharedAudienceMetrics: ['ALL'],
    audienceSizeConfig: { audienceSizeType: 'ABSOLUTE', audienceSizeBins: [10_000, 100_000] },
  });
  return configuredAudienceModelArn;
}
