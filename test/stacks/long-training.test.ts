/**
 * Trainings longer than CloudFormation's hour, deployed in one go: the local
 * runner carries out the stack with the real bundled handlers while the
 * emulator trains for the scaled equivalent of many hours. Time is scaled by
 * TIME_SCALE throughout (the waiter, the wait conditions' timeouts, the
 * training poller's waits, the handlers' deadlines and the emulator's
 * timings), so a scaled hour lasts 360 ms: the poller hands a wait
 * condition over an hour before its 12-hour timeout, 360 ms of slack.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, Duration, Stack, Tags } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AudienceGenerationJob,
  AudienceModel,
  AudienceSize,
  AudienceSizeConfig,
  ColumnType,
  ConfiguredAudienceModel,
  SeedAudience,
  TrainingDataset,
  TrainingDataSource,
} from 'cdk-cleanrooms-ml';
import { CleanRoomsMlEmulator, DeploymentEvent, EmulatorTimingOptions, deployStack, destroyStack, StackEvent, StackOperationResult } from 'cdk-cleanrooms-ml-local';
import { synth } from '../support/synth';
import { removeTemporaryDirectories, temporaryDirectory } from '../support/temporary-directories';

const TIME_SCALE = 0.0001;
const WAIT_TYPE = 'Custom::CleanRoomsMLWait';
const WAIT_CONDITION_TYPE = 'AWS::CloudFormation::WaitCondition';

/** Real milliseconds of a scaled duration. */
function scaled(duration: Duration): number {
  return duration.toMilliseconds() * TIME_SCALE;
}

/** An emulator whose trainings last `training` (scaled); generation and export take minutes. */
function timings(training: Duration): EmulatorTimingOptions {
  return {
    audienceModel: {
      createPendingMs: scaled(Duration.minutes(5)),
      createInProgressMs: scaled(training.minus(Duration.minutes(5))),
      deletePendingMs: scaled(Duration.minutes(1)),
      deleteInProgressMs: scaled(Duration.minutes(2)),
    },
    audienceGenerationJob: {
      createPendingMs: scaled(Duration.minutes(2)),
      createInProgressMs: scaled(Duration.minutes(10)),
      deletePendingMs: scaled(Duration.minutes(1)),
      deleteInProgressMs: scaled(Duration.minutes(2)),
    },
    audienceExportJob: { createPendingMs: scaled(Duration.minutes(1)), createInProgressMs: scaled(Duration.minutes(5)) },
  };
}

/**
 * An emulator whose trainings outlast any timeout until the test ends them: its clock jumps by a training's length
 * at each stack event `cue` picks (a wait condition starting, a progress signal arriving). A training timed in real
 * milliseconds would race the model's own window, whose checks also take real time: on a busy machine the window
 * outlasted a 3-hour training (1 s at this scale), and what the test meant to happen during a wait condition
 * happened before it.
 */
async function emulatorEndingTrainingsOn(
  cue: (event: StackEvent) => boolean,
): Promise<{ emulator: CleanRoomsMlEmulator; onEvent: (event: DeploymentEvent) => void }> {
  const training = Duration.hours(100);
  let clockOffsetMs = 0;
  const emulator = await CleanRoomsMlEmulator.start({ timings: timings(training), clock: () => Date.now() + clockOffsetMs });
  const onEvent = (event: DeploymentEvent): void => {
    if (event.kind === 'event' && cue(event)) clockOffsetMs += scaled(training);
  };
  return { emulator, onEvent };
}

interface PipelineOptions {
  /** The model's timeout. @default the construct's (24 hours) */
  readonly timeout?: Duration;
  readonly description?: string;
  readonly modelTags?: Record<string, string>;
}

/** Training dataset → audience model → configured model → generation job → export. */
function pipeline(stack: Stack, options: PipelineOptions = {}): void {
  const trainingDataset = new TrainingDataset(stack, 'Data', {
    dataSource: TrainingDataSource.fromGlueTable({ databaseName: 'retail', tableName: 'purchases' }),
    columns: [
      { columnName: 'user_id', columnType: ColumnType.USER_ID },
      { columnName: 'item_id', columnType: ColumnType.ITEM_ID },
      { columnName: 'event_time', columnType: ColumnType.TIMESTAMP },
    ],
  });
  const model = new AudienceModel(stack, 'Model', { trainingDataset, description: options.description, timeout: options.timeout });
  Object.entries(options.modelTags ?? {}).forEach(([key, value]) => Tags.of(model).add(key, value));
  const configured = new ConfiguredAudienceModel(stack, 'Configured', {
    audienceModel: model,
    outputBucket: new s3.Bucket(stack, 'Audiences'),
    audienceSizeConfig: AudienceSizeConfig.absolute([10_000]),
  });
  const job = new AudienceGenerationJob(stack, 'Job', {
    configuredAudienceModel: configured,
    seedAudience: SeedAudience.fromS3(new s3.Bucket(stack, 'Seeds'), 'seed.csv'),
  });
  job.export('Export', { audienceSize: AudienceSize.absolute(10_000) });
  new CfnOutput(stack, 'ModelArn', { value: model.audienceModelArn });
  new CfnOutput(stack, 'ModelStatus', { value: model.attrStatus });
  new CfnOutput(stack, 'ModelPrecision', { value: model.attrPrecision });
}

function resourceEvents(result: StackOperationResult): StackEvent[] {
  return result.events.filter((event) => event.resourceType !== 'AWS::CloudFormation::Stack');
}

function waitEvents(result: StackOperationResult, type = WAIT_TYPE): StackEvent[] {
  return result.events.filter((event) => event.resourceType === type);
}

/** The unique ids of the SUCCESS signals each wait condition received, by logical id without its digests. */
function signalsByWaitCondition(result: StackOperationResult): Record<string, string[]> {
  const signals: Record<string, string[]> = {};
  for (const event of waitEvents(result, WAIT_CONDITION_TYPE)) {
    const uniqueId = /^Received SUCCESS signal with UniqueId (.+)$/.exec(event.resourceStatusReason ?? '')?.[1];
    if (uniqueId) (signals[event.logicalResourceId.replace(/[0-9A-F]{16}$/, '')] ??= []).push(uniqueId);
  }
  return signals;
}

/**
 * When each wait condition received its signals, in (scaled) hours since CloudFormation started it (its first event),
 * by logical id without its digests.
 */
function signalHoursByWaitCondition(result: StackOperationResult): Record<string, number[]> {
  const hours: Record<string, number[]> = {};
  const startedAt: Record<string, number> = {};
  for (const event of waitEvents(result, WAIT_CONDITION_TYPE)) {
    const id = event.logicalResourceId.replace(/[0-9A-F]{16}$/, '');
    startedAt[id] ??= event.elapsedMs;
    if (/^Received SUCCESS signal/.test(event.resourceStatusReason ?? '')) {
      (hours[id] ??= []).push((event.elapsedMs - startedAt[id]) / TIME_SCALE / 3_600_000);
    }
  }
  return hours;
}

/** Index of the first event of a resource (logical id or type) whose status starts with `status`. */
function indexOf(result: StackOperationResult, resource: RegExp, status: string): number {
  return result.events.findIndex((event) => (resource.test(event.logicalResourceId) || resource.test(event.resourceType))
    && event.resourceStatus.startsWith(status));
}

const CONFIGURED_MODEL = /^Custom::CleanRoomsMLConfiguredAudienceModel$/;
const GENERATION_JOB = /^Custom::CleanRoomsMLAudienceGenerationJob$/;

/** The attributes the runner recorded for the stack's resources (its state file). */
function recordedAttributes(stateFile: string): Record<string, Record<string, unknown>> {
  const state = JSON.parse(readFileSync(stateFile, 'utf8'));
  const stacks = Object.values(state.stacks ?? {}) as any[];
  return Object.fromEntries(Object.entries(stacks[0].resources).map(([id, record]: [string, any]) => [id, record.attributes]));
}

afterAll(removeTemporaryDirectories);

describe('a model that trains for 20 (scaled) hours', () => {
  let emulator: CleanRoomsMlEmulator;

  beforeAll(async () => {
    // The 2023 API's model metrics, so the deprecated attributes show they come from the ACTIVE model through the chain.
    emulator = await CleanRoomsMlEmulator.start({ timings: timings(Duration.hours(20)), legacyAudienceModelMetrics: true });
  });
  afterAll(() => emulator.stop());

  test('deploys the whole pipeline in one deployment: the wait conditions receive progress signals, then what uses the model is created', async () => {
    const stateFile = join(temporaryDirectory(), 'state.json');

    const result = await deployStack({ assembly: synth((stack) => pipeline(stack)), stateFile, endpoint: emulator.endpoint, timeScale: TIME_SCALE });

    expect(result.failure).toBeUndefined();
    expect(result.status).toBe('CREATE_COMPLETE');
    // Two wait conditions (the default 24 hours), completed in order, then the ready resource.
    const completed = waitEvents(result, WAIT_CONDITION_TYPE).filter((event) => event.resourceStatus === 'CREATE_COMPLETE');
    expect(completed.map((event) => event.logicalResourceId)).toEqual([
      expect.stringMatching(/^ModelWait1[0-9A-F]{16}$/),
      expect.stringMatching(/^ModelWait2[0-9A-F]{16}$/),
    ]);
    const ready = indexOf(result, /^ModelReady/, 'CREATE_COMPLETE');
    expect(ready).toBeGreaterThan(indexOf(result, /^ModelWait2/, 'CREATE_COMPLETE'));
    expect(indexOf(result, CONFIGURED_MODEL, 'CREATE_IN_PROGRESS')).toBeGreaterThan(ready);
    expect(indexOf(result, GENERATION_JOB, 'CREATE_IN_PROGRESS')).toBeGreaterThan(ready);

    // The stack events show the wait: the first wait condition's seven signals while the model trained (one per
    // 11/7 hours of its window, the last handing over), the second's while it trained on and then, once the
    // model was ACTIVE (20 hours in), the rest at once.
    const signals = signalsByWaitCondition(result);
    expect(signals.ModelWait1).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => expect.stringMatching(new RegExp(`^PROGRESS-${n}of7-after-\\d+h\\d{2}m$`))));
    const second = signals.ModelWait2;
    expect(second).toHaveLength(7);
    const active = second.findIndex((uniqueId) => uniqueId.startsWith('ACTIVE-'));
    expect(active).toBeGreaterThanOrEqual(2);
    expect(second.slice(0, active)).toEqual(second.slice(0, active).map((_, index) => expect.stringMatching(new RegExp(`^PROGRESS-${index + 1}of7-after-`))));
    expect(second.slice(active)).toEqual(second.slice(active).map((_, index) => `ACTIVE-${active + index + 1}of7`));
    // Progress at least every 2 (scaled) hours while the model trained: when each signal reached CloudFormation,
    // since its wait condition started (signals are due every 11/7 hours: the rest is slack for a late check).
    const signalHours = signalHoursByWaitCondition(result);
    for (const hours of [signalHours.ModelWait1, signalHours.ModelWait2.slice(0, active)]) {
      hours.forEach((elapsed, index) => expect(elapsed - (index === 0 ? 0 : hours[index - 1])).toBeLessThanOrEqual(2));
    }

    // The model resource handed over while training; the ready resource read it ACTIVE.
    const attributes = recordedAttributes(stateFile);
    const modelId = Object.keys(attributes).find((id) => /^Model[0-9A-F]{8}$/.test(id))!;
    expect(attributes[modelId].Status).toMatch(/^CREATE_(PENDING|IN_PROGRESS)$/);
    const readyId = Object.keys(attributes).find((id) => /^ModelReady[0-9A-F]{8}$/.test(id))!;
    expect(attributes[readyId].Status).toBe('ACTIVE');
    expect(result.outputs).toMatchObject({ ModelStatus: 'ACTIVE', ModelPrecision: expect.stringMatching(/^0\.\d+/) });

    const inventory = emulator.inventory();
    const [model] = inventory.audienceModels;
    expect(model).toMatchObject({ audienceModelArn: result.outputs.ModelArn, status: 'ACTIVE' });
    expect(inventory.configuredAudienceModels).toEqual([expect.objectContaining({ audienceModelArn: model.audienceModelArn })]);
    expect(Date.parse(inventory.configuredAudienceModels[0].createTime)).toBeGreaterThanOrEqual(Date.parse(model.updateTime));
    expect(inventory.audienceExportJobs).toEqual([expect.objectContaining({ status: 'ACTIVE' })]);

    await expect(destroyStack({ stateFile, timeScale: TIME_SCALE })).resolves.toMatchObject({ status: 'DELETE_COMPLETE' });
    expect(emulator.inventory()).toMatchObject({ audienceModels: [], configuredAudienceModels: [], trainingDatasets: [] });
  });
});

describe('a model whose training ends during its wait condition, with a timeout of 6 hours', () => {
  const timeout = Duration.hours(6);

  test('fails a training that fails midway with the service\'s statusDetails, and the rollback leaves nothing behind', async () => {
    const stateFile = join(temporaryDirectory(), 'state.json');
    const modelTags = { 'emulator:fail': 'CREATE', 'emulator:fail-message': 'Not enough interactions in the training data' };
    // The training fails once the wait condition waits, whatever the machine's speed.
    const { emulator, onEvent } = await emulatorEndingTrainingsOn((event) => event.resourceType === WAIT_CONDITION_TYPE
      && event.resourceStatus === 'CREATE_IN_PROGRESS' && !event.resourceStatusReason);
    try {
      const result = await deployStack({
        assembly: synth((stack) => pipeline(stack, { timeout, modelTags })),
        stateFile,
        endpoint: emulator.endpoint,
        timeScale: TIME_SCALE,
        onEvent,
      });

      expect(result.status).toBe('ROLLBACK_COMPLETE');
      // The wait condition received the rest of its signals once the training failed; the ready resource reports why.
      expect(signalsByWaitCondition(result).ModelWait1?.filter((uniqueId) => uniqueId.startsWith('CREATE_FAILED-')).length).toBeGreaterThan(0);
      expect(result.failure).toMatchObject({
        logicalResourceId: expect.stringMatching(/^ModelReady[0-9A-F]{8}$/),
        resourceType: WAIT_TYPE,
        reason: expect.stringMatching(/: training the audience model ".+" failed \(CREATE_FAILED\): Not enough interactions in the training data \(EmulatedFailure\)\./),
      });
      expect(indexOf(result, CONFIGURED_MODEL, 'CREATE')).toBe(-1);
      expect(emulator.inventory()).toMatchObject({ audienceModels: [], configuredAudienceModels: [], trainingDatasets: [] });
    } finally {
      await emulator.stop();
    }
  });

  test('an update that replaces the model waits for its training again; one that keeps the model does not wait', async () => {
    const stateFile = join(temporaryDirectory(), 'state.json');
    // Each training ends once its wait condition has received its first progress signal.
    const { emulator, onEvent } = await emulatorEndingTrainingsOn((event) => /UniqueId PROGRESS-1of/.test(event.resourceStatusReason ?? ''));
    try {
      await updatesOf(emulator, onEvent, stateFile);
    } finally {
      await emulator.stop();
    }
  });

  async function updatesOf(emulator: CleanRoomsMlEmulator, onEvent: (event: DeploymentEvent) => void, stateFile: string): Promise<void> {
    const deploy = (options: PipelineOptions) => deployStack({
      assembly: synth((stack) => pipeline(stack, { timeout, ...options })),
      stateFile,
      endpoint: emulator.endpoint,
      timeScale: TIME_SCALE,
      onEvent,
    });
    const created = await deploy({ description: 'v1' });
    expect(created.status).toBe('CREATE_COMPLETE');

    const replaced = await deploy({ description: 'v2' });

    expect(replaced.failure).toBeUndefined();
    expect(replaced.status).toBe('UPDATE_COMPLETE');
    // The replaced model gets a new wait condition (its logical id follows the model's create-only properties),
    // which waits for the new training; the old one is removed in the cleanup.
    const newConditions = waitEvents(replaced, WAIT_CONDITION_TYPE).filter((event) => event.resourceStatus === 'CREATE_COMPLETE');
    const removed = waitEvents(replaced, WAIT_CONDITION_TYPE).filter((event) => event.resourceStatus === 'DELETE_COMPLETE');
    expect(newConditions).toHaveLength(1);
    expect(removed).toHaveLength(1);
    expect(removed[0].logicalResourceId).not.toBe(newConditions[0].logicalResourceId);
    expect(signalsByWaitCondition(replaced).ModelWait1).toEqual(expect.arrayContaining([expect.stringMatching(/^PROGRESS-1of\d+-after-/)]));
    expect(indexOf(replaced, /^ModelReady/, 'UPDATE_COMPLETE')).toBeGreaterThan(indexOf(replaced, /^ModelWait1/, 'CREATE_COMPLETE'));
    expect(indexOf(replaced, CONFIGURED_MODEL, 'UPDATE_IN_PROGRESS')).toBeGreaterThan(indexOf(replaced, /^ModelReady/, 'UPDATE_COMPLETE'));
    const [model] = emulator.inventory().audienceModels;
    expect(emulator.inventory().audienceModels).toHaveLength(1);
    expect(model).toMatchObject({ audienceModelArn: replaced.outputs.ModelArn, description: 'v2', status: 'ACTIVE' });
    expect(replaced.outputs.ModelArn).not.toBe(created.outputs.ModelArn);
    expect(emulator.inventory().configuredAudienceModels).toEqual([expect.objectContaining({ audienceModelArn: model.audienceModelArn })]);

    const retagged = await deploy({ description: 'v2', modelTags: { team: 'growth' } });

    expect(retagged.status).toBe('UPDATE_COMPLETE');
    expect(resourceEvents(retagged).map((event) => `${event.logicalResourceId.replace(/[0-9A-F]{8}$/, '')} ${event.resourceStatus}`)).toEqual([
      'Model UPDATE_IN_PROGRESS',
      'Model UPDATE_COMPLETE',
    ]);
    expect(emulator.inventory().audienceModels).toEqual([expect.objectContaining({ audienceModelArn: model.audienceModelArn, tags: expect.objectContaining({ team: 'growth' }) })]);

    await expect(destroyStack({ stateFile, timeScale: TIME_SCALE })).resolves.toMatchObject({ status: 'DELETE_COMPLETE' });
  }
});
