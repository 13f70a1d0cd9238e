/**
 * Trainings longer than CloudFormation's hour, deployed in one go: the local
 * runner carries out the stack with the real bundled handlers while the
 * emulator trains for the scaled equivalent of many hours. Time is scaled by
 * TIME_SCALE throughout (the waiter, the handlers' deadlines and the
 * emulator's timings), so a scaled hour lasts 180 ms.
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
import { CleanRoomsMlEmulator, EmulatorTimingOptions, deployStack, destroyStack, StackEvent, StackOperationResult } from 'cdk-cleanrooms-ml-local';
import { synth } from '../support/synth';
import { removeTemporaryDirectories, temporaryDirectory } from '../support/temporary-directories';

const TIME_SCALE = 0.00005;
const WAIT_TYPE = 'Custom::CleanRoomsMLWait';

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

function waitEvents(result: StackOperationResult): StackEvent[] {
  return result.events.filter((event) => event.resourceType === WAIT_TYPE);
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

  test('deploys the whole pipeline in one deployment, the wait resources completing in order before what uses the model', async () => {
    const stateFile = join(temporaryDirectory(), 'state.json');

    const result = await deployStack({ assembly: synth((stack) => pipeline(stack)), stateFile, endpoint: emulator.endpoint, timeScale: TIME_SCALE });

    expect(result.failure).toBeUndefined();
    expect(result.status).toBe('CREATE_COMPLETE');
    // Every link was created, in chain order.
    const completed = waitEvents(result).filter((event) => event.resourceStatus === 'CREATE_COMPLETE').map((event) => event.logicalResourceId);
    expect(completed).toHaveLength(24);
    expect(completed).toEqual(Array.from({ length: 24 }, (_, index) => expect.stringMatching(new RegExp(`^ModelTrainingWait${index + 1}[0-9A-F]{8}$`))));
    // What uses the model came after the last link.
    const lastLink = indexOf(result, /^ModelTrainingWait24/, 'CREATE_COMPLETE');
    expect(indexOf(result, CONFIGURED_MODEL, 'CREATE_IN_PROGRESS')).toBeGreaterThan(lastLink);
    expect(indexOf(result, GENERATION_JOB, 'CREATE_IN_PROGRESS')).toBeGreaterThan(lastLink);

    // The model resource handed over while training; many windows later, the model was ACTIVE.
    const attributes = recordedAttributes(stateFile);
    const modelId = Object.keys(attributes).find((id) => /^Model[0-9A-F]{8}$/.test(id))!;
    expect(attributes[modelId].Status).toMatch(/^CREATE_(PENDING|IN_PROGRESS)$/);
    // Each link saw the model still training until one saw it ACTIVE, and
    // several did: the chain waited across windows. How many depends on how
    // fast this machine runs a link against the scaled training time (about
    // 20 when idle, fewer under load), so only the order and "several" are
    // pinned. `completed` lists the links in chain order.
    const linkStatuses = completed.map((id) => (attributes[id].Status === 'ACTIVE' ? 'ACTIVE' : 'training'));
    const stillTraining = linkStatuses.indexOf('ACTIVE');
    expect(stillTraining).toBeGreaterThanOrEqual(2);
    expect(linkStatuses.slice(stillTraining).every((status) => status === 'ACTIVE')).toBe(true);
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

describe('a model that trains for 3 (scaled) hours, with a timeout of 6 hours', () => {
  const timeout = Duration.hours(6);

  let emulator: CleanRoomsMlEmulator;

  beforeAll(async () => {
    emulator = await CleanRoomsMlEmulator.start({ timings: timings(Duration.hours(3)) });
  });
  afterAll(() => emulator.stop());

  test('fails a training that fails midway with the service\'s statusDetails, and the rollback leaves nothing behind', async () => {
    const stateFile = join(temporaryDirectory(), 'state.json');
    const modelTags = { 'emulator:fail': 'CREATE', 'emulator:fail-message': 'Not enough interactions in the training data' };

    const result = await deployStack({
      assembly: synth((stack) => pipeline(stack, { timeout, modelTags })),
      stateFile,
      endpoint: emulator.endpoint,
      timeScale: TIME_SCALE,
    });

    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(result.failure).toMatchObject({
      logicalResourceId: expect.stringMatching(/^ModelTrainingWait[2-5][0-9A-F]{8}$/),
      resourceType: WAIT_TYPE,
      reason: expect.stringMatching(/: training the audience model ".+" failed \(CREATE_FAILED\): Not enough interactions in the training data \(EmulatedFailure\)\./),
    });
    expect(indexOf(result, CONFIGURED_MODEL, 'CREATE')).toBe(-1);
    expect(emulator.inventory()).toMatchObject({ audienceModels: [], configuredAudienceModels: [], trainingDatasets: [] });
  });

  test('an update that replaces the model waits for its training again; one that keeps the model does not wait', async () => {
    const stateFile = join(temporaryDirectory(), 'state.json');
    const deploy = (options: PipelineOptions) => deployStack({
      assembly: synth((stack) => pipeline(stack, { timeout, ...options })),
      stateFile,
      endpoint: emulator.endpoint,
      timeScale: TIME_SCALE,
    });
    const created = await deploy({ description: 'v1' });
    expect(created.status).toBe('CREATE_COMPLETE');

    const replaced = await deploy({ description: 'v2' });

    expect(replaced.failure).toBeUndefined();
    expect(replaced.status).toBe('UPDATE_COMPLETE');
    const updatedLinks = waitEvents(replaced).filter((event) => event.resourceStatus === 'UPDATE_COMPLETE');
    expect(updatedLinks.map((event) => event.logicalResourceId)).toEqual([1, 2, 3, 4, 5, 6].map((link) => expect.stringMatching(`^ModelTrainingWait${link}`)));
    expect(indexOf(replaced, CONFIGURED_MODEL, 'UPDATE_IN_PROGRESS')).toBeGreaterThan(indexOf(replaced, /^ModelTrainingWait6/, 'UPDATE_COMPLETE'));
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
  });
});
