import {
  ACCOUNT_ID,
  caught,
  COLLABORATION_ID,
  configuredAudienceModelRequest,
  createPipeline,
  generationJobRequest,
  ManualClock,
  ONE_SECOND_PHASES,
  ROLE_ARN,
  emulatorClient,
  trainingDatasetRequest,
  waitFor,
} from './helpers';
import { CleanRoomsMlEmulator } from '../../src/emulator';
import type { ModelClient } from '../fixtures/model-client';

describe('with a manual clock', () => {
  const clock = new ManualClock();
  let emulator: CleanRoomsMlEmulator;
  let client: ModelClient;

  beforeAll(async () => {
    emulator = await CleanRoomsMlEmulator.start({ clock: clock.now, timings: ONE_SECOND_PHASES });
    client = emulatorClient(emulator);
  });
  afterAll(() => emulator.stop());
  beforeEach(() => emulator.reset());

  const settle = async (): Promise<void> => clock.advance(10_000);

  test('a training dataset is ACTIVE at once and reads back as it was created', async () => {
    const request = trainingDatasetRequest('purchases', { description: 'Retail purchases', tags: { team: 'growth' } });
    const { trainingDatasetArn } = await client.send('CreateTrainingDataset', request);

    expect(trainingDatasetArn).toMatch(new RegExp(`^arn:aws:cleanrooms-ml:us-east-1:${ACCOUNT_ID}:training-dataset/[0-9a-f-]{36}$`));
    const dataset = await client.send('GetTrainingDataset', { trainingDatasetArn });
    expect(dataset).toMatchObject({
      trainingDatasetArn,
      name: 'purchases',
      description: 'Retail purchases',
      roleArn: ROLE_ARN,
      status: 'ACTIVE',
      tags: { team: 'growth' },
      trainingData: request.trainingData,
    });
    expect(dataset.createTime).toBe(new Date(clock.millis).toISOString()); // the model's timestamps are iso8601
    const { trainingDatasets } = await client.send('ListTrainingDatasets');
    expect(trainingDatasets).toEqual([expect.objectContaining({ trainingDatasetArn, name: 'purchases', status: 'ACTIVE' })]);
  });

  test('an audience model trains through CREATE_PENDING and CREATE_IN_PROGRESS to ACTIVE, and reports no metrics, as AWS\'s current model', async () => {
    const { trainingDatasetArn } = await client.send('CreateTrainingDataset', trainingDatasetRequest('data'));
    const { audienceModelArn } = await client.send('CreateAudienceModel', {
      name: 'lookalike',
      trainingDatasetArn,
      trainingDataStartTime: new Date('2024-01-01T00:00:00Z'),
      trainingDataEndTime: new Date('2024-06-30T00:00:00Z'),
      kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      description: 'Lookalikes of buyers',
    });
    const statusNow = async (): Promise<string | undefined> => (await client.send('GetAudienceModel', { audienceModelArn })).status;

    expect(await statusNow()).toBe('CREATE_PENDING');
    clock.advance(1000);
    expect(await statusNow()).toBe('CREATE_IN_PROGRESS');
    const training = await client.send('GetAudienceModel', { audienceModelArn });
    expect(training.metrics).toBeUndefined();
    clock.advance(1000);
    expect(await statusNow()).toBe('ACTIVE');

    const model = await client.send('GetAudienceModel', { audienceModelArn });
    expect(model).toMatchObject({
      name: 'lookalike',
      trainingDatasetArn,
      trainingDataStartTime: '2024-01-01T00:00:00.000Z',
      trainingDataEndTime: '2024-06-30T00:00:00.000Z',
      description: 'Lookalikes of buyers',
    });
    expect(model).not.toHaveProperty('metrics');
    expect(new Date(model.updateTime).getTime()).toBe(Date.parse(model.createTime) + 2000);
  });

  test('a deleted audience model passes DELETE_PENDING and DELETE_IN_PROGRESS, then is gone', async () => {
    const { trainingDatasetArn } = await client.send('CreateTrainingDataset', trainingDatasetRequest('data'));
    const { audienceModelArn } = await client.send('CreateAudienceModel', { name: 'short-lived', trainingDatasetArn });
    await settle();

    await client.send('DeleteAudienceModel', { audienceModelArn });
    expect((await client.send('GetAudienceModel', { audienceModelArn })).status).toBe('DELETE_PENDING');
    await client.send('DeleteAudienceModel', { audienceModelArn }); // repeated delete is accepted and changes nothing
    clock.advance(1000);
    expect((await client.send('GetAudienceModel', { audienceModelArn })).status).toBe('DELETE_IN_PROGRESS');
    clock.advance(1000);

    expect((await caught(client.send('GetAudienceModel', { audienceModelArn }))).code).toBe('ResourceNotFoundException');
    expect((await client.send('ListAudienceModels')).audienceModels).toEqual([]);
    // With the model gone, its training dataset is free to go too.
    await client.send('DeleteTrainingDataset', { trainingDatasetArn });
  });

  test('fails: an audience model tagged emulator:fail=CREATE ends CREATE_FAILED with the requested statusDetails', async () => {
    const { trainingDatasetArn } = await client.send('CreateTrainingDataset', trainingDatasetRequest('data'));
    const { audienceModelArn } = await client.send('CreateAudienceModel', {
      name: 'doomed',
      trainingDatasetArn,
      tags: { 'emulator:fail': 'CREATE', 'emulator:fail-message': 'Not enough interactions in the training data' },
    });

    clock.advance(1500);
    expect((await client.send('GetAudienceModel', { audienceModelArn })).status).toBe('CREATE_IN_PROGRESS');
    clock.advance(500);
    const model = await client.send('GetAudienceModel', { audienceModelArn });
    expect(model.status).toBe('CREATE_FAILED');
    expect(model.statusDetails).toEqual({ statusCode: 'EmulatedFailure', message: 'Not enough interactions in the training data' });
    expect(model.metrics).toBeUndefined();

    // A failed model can be deleted like any other.
    await client.send('DeleteAudienceModel', { audienceModelArn });
    await settle();
    expect((await caught(client.send('GetAudienceModel', { audienceModelArn }))).code).toBe('ResourceNotFoundException');
  });

  test('fails: an audience model tagged emulator:fail=DELETE ends DELETE_FAILED, and deletes once the tag is removed', async () => {
    const { trainingDatasetArn } = await client.send('CreateTrainingDataset', trainingDatasetRequest('data'));
    const { audienceModelArn } = await client.send('CreateAudienceModel', {
      name: 'sticky',
      trainingDatasetArn,
      tags: { 'emulator:fail': 'DELETE' },
    });
    await settle();
    expect((await client.send('GetAudienceModel', { audienceModelArn })).status).toBe('ACTIVE');

    await client.send('DeleteAudienceModel', { audienceModelArn });
    await settle();
    const failed = await client.send('GetAudienceModel', { audienceModelArn });
    expect(failed.status).toBe('DELETE_FAILED');
    expect(failed.statusDetails?.message).toContain('sticky');

    await client.send('UntagResource', { resourceArn: audienceModelArn, tagKeys: ['emulator:fail'] });
    await client.send('DeleteAudienceModel', { audienceModelArn });
    await settle();
    expect((await caught(client.send('GetAudienceModel', { audienceModelArn }))).code).toBe('ResourceNotFoundException');
  });

  test('fails: failNext makes only the next generation job CREATE_FAILED, with the given message and code', async () => {
    const { configuredAudienceModelArn } = await createPipeline(client, 'p', settle);
    emulator.failNext({ resourceType: 'audience-generation-job', phase: 'CREATE', message: 'Seed audience too small', statusCode: 'SEED_TOO_SMALL' });

    const { audienceGenerationJobArn: failing } = await client.send('StartAudienceGenerationJob', generationJobRequest('first', configuredAudienceModelArn));
    const { audienceGenerationJobArn: healthy } = await client.send('StartAudienceGenerationJob', generationJobRequest('second', configuredAudienceModelArn));
    await settle();

    const failed = await client.send('GetAudienceGenerationJob', { audienceGenerationJobArn: failing });
    expect(failed.status).toBe('CREATE_FAILED');
    expect(failed.statusDetails).toEqual({ statusCode: 'SEED_TOO_SMALL', message: 'Seed audience too small' });
    expect(failed.metrics).toBeUndefined();
    expect((await client.send('GetAudienceGenerationJob', { audienceGenerationJobArn: healthy })).status).toBe('ACTIVE');
  });

  test('fails: failNext DELETE leaves a generation job DELETE_FAILED; deleting it again succeeds', async () => {
    const { configuredAudienceModelArn } = await createPipeline(client, 'p', settle);
    const { audienceGenerationJobArn } = await client.send('StartAudienceGenerationJob', generationJobRequest('job', configuredAudienceModelArn));
    await settle();
    emulator.failNext({ resourceType: 'audience-generation-job', phase: 'DELETE' });

    await client.send('DeleteAudienceGenerationJob', { audienceGenerationJobArn });
    await settle();
    const job = await client.send('GetAudienceGenerationJob', { audienceGenerationJobArn });
    expect(job.status).toBe('DELETE_FAILED');
    expect(job.statusDetails?.statusCode).toBe('EmulatedFailure');

    await client.send('DeleteAudienceGenerationJob', { audienceGenerationJobArn });
    await settle();
    expect((await caught(client.send('GetAudienceGenerationJob', { audienceGenerationJobArn }))).code).toBe('ResourceNotFoundException');
  });

  test('the whole pipeline runs from training data to an ACTIVE export and is taken down in reverse order', async () => {
    const { trainingDatasetArn, audienceModelArn, configuredAudienceModelArn } = await createPipeline(client, 'shop', settle);

    const configured = await client.send('GetConfiguredAudienceModel', { configuredAudienceModelArn });
    expect(configured).toMatchObject({
      name: 'shop-configured',
      audienceModelArn,
      status: 'ACTIVE',
      minMatchingSeedSize: 500, // the service default
      childResourceTagOnCreatePolicy: 'NONE',
      sharedAudienceMetrics: ['ALL'],
      audienceSizeConfig: { audienceSizeType: 'ABSOLUTE', audienceSizeBins: [10_000, 50_000, 100_000] },
    });
    expect((await client.send('ListConfiguredAudienceModels')).configuredAudienceModels)
      .toEqual([expect.objectContaining({ configuredAudienceModelArn, audienceModelArn, status: 'ACTIVE' })]);

    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::210987654321:root' }, Action: 'cleanrooms-ml:StartAudienceGenerationJob' }],
    });
    await client.send('PutConfiguredAudienceModelPolicy', { configuredAudienceModelArn, configuredAudienceModelPolicy: policy });

    const { audienceGenerationJobArn } = await client.send('StartAudienceGenerationJob', generationJobRequest('spring', configuredAudienceModelArn, {
      collaborationId: COLLABORATION_ID,
      includeSeedInOutput: true,
      description: 'Spring campaign',
    }));
    expect((await client.send('GetAudienceGenerationJob', { audienceGenerationJobArn })).status).toBe('CREATE_PENDING');
    await settle();
    const job = await client.send('GetAudienceGenerationJob', { audienceGenerationJobArn });
    expect(job).toMatchObject({
      status: 'ACTIVE',
      startedBy: ACCOUNT_ID,
      collaborationId: COLLABORATION_ID,
      includeSeedInOutput: true,
      seedAudience: { dataSource: { s3Uri: 's3://seeds/customers.csv' }, roleArn: ROLE_ARN },
    });
    expect(job.metrics.relevanceMetrics.map((metric: { audienceSize: unknown }) => metric.audienceSize)).toEqual([
      { type: 'ABSOLUTE', value: 10_000 },
      { type: 'ABSOLUTE', value: 50_000 },
      { type: 'ABSOLUTE', value: 100_000 },
    ]);
    const scores: number[] = job.metrics.relevanceMetrics.map((metric: { score: number }) => metric.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores); // larger audiences are less similar to the seed
    expect((await client.send('ListAudienceGenerationJobs', { configuredAudienceModelArn })).audienceGenerationJobs)
      .toEqual([expect.objectContaining({ audienceGenerationJobArn, name: 'spring', startedBy: ACCOUNT_ID, status: 'ACTIVE' })]);

    await client.send('StartAudienceExportJob', { name: 'top-50k', audienceGenerationJobArn, audienceSize: { type: 'ABSOLUTE', value: 50_000 } });
    const exportJobs = async (): Promise<any[]> =>
      (await client.send('ListAudienceExportJobs', { audienceGenerationJobArn })).audienceExportJobs;
    expect((await exportJobs())[0]).toMatchObject({ name: 'top-50k', status: 'CREATE_PENDING', audienceSize: { type: 'ABSOLUTE', value: 50_000 } });
    expect((await exportJobs())[0].outputLocation).toBeUndefined();
    clock.advance(1000);
    expect((await exportJobs())[0].status).toBe('CREATE_IN_PROGRESS');
    clock.advance(1000);
    const [exported] = await exportJobs();
    expect(exported.status).toBe('ACTIVE');
    expect(exported.outputLocation).toMatch(/^s3:\/\/audiences\/lookalike\/.+\/$/);

    await client.send('DeleteAudienceGenerationJob', { audienceGenerationJobArn });
    await settle();
    expect(await exportJobs()).toEqual([]); // exports go with their generation job
    await client.send('DeleteConfiguredAudienceModel', { configuredAudienceModelArn });
    await client.send('DeleteAudienceModel', { audienceModelArn });
    await settle();
    await client.send('DeleteTrainingDataset', { trainingDatasetArn });

    const inventory = emulator.inventory();
    expect([inventory.trainingDatasets, inventory.audienceModels, inventory.configuredAudienceModels, inventory.audienceGenerationJobs])
      .toEqual([[], [], [], []]);
  });

  test('fails: failNext on an export job ends it CREATE_FAILED with statusDetails and no output location', async () => {
    const { configuredAudienceModelArn } = await createPipeline(client, 'p', settle);
    const { audienceGenerationJobArn } = await client.send('StartAudienceGenerationJob', generationJobRequest('job', configuredAudienceModelArn));
    await settle();
    emulator.failNext({ resourceType: 'audience-export-job', phase: 'CREATE', message: 'Destination bucket is not writable' });

    await client.send('StartAudienceExportJob', { name: 'export', audienceGenerationJobArn, audienceSize: { type: 'ABSOLUTE', value: 10_000 } });
    await settle();

    const [exportJob] = (await client.send('ListAudienceExportJobs', { audienceGenerationJobArn })).audienceExportJobs;
    expect(exportJob.status).toBe('CREATE_FAILED');
    expect(exportJob.statusDetails).toEqual({ statusCode: 'EmulatedFailure', message: 'Destination bucket is not writable' });
    expect(exportJob.outputLocation).toBeUndefined();
  });

  test('UpdateConfiguredAudienceModel changes the given updatable fields and keeps the others', async () => {
    const { configuredAudienceModelArn, audienceModelArn } = await createPipeline(client, 'p', settle);
    const before = await client.send('GetConfiguredAudienceModel', { configuredAudienceModelArn });
    clock.advance(60_000);

    const result = await client.send('UpdateConfiguredAudienceModel', {
      configuredAudienceModelArn,
      minMatchingSeedSize: 1000,
      description: 'Wider seed',
      audienceSizeConfig: { audienceSizeType: 'PERCENTAGE', audienceSizeBins: [5, 10] },
    });

    expect(result.configuredAudienceModelArn).toBe(configuredAudienceModelArn);
    const after = await client.send('GetConfiguredAudienceModel', { configuredAudienceModelArn });
    expect(after).toMatchObject({
      name: before.name,
      audienceModelArn,
      outputConfig: before.outputConfig,
      sharedAudienceMetrics: before.sharedAudienceMetrics,
      minMatchingSeedSize: 1000,
      description: 'Wider seed',
      audienceSizeConfig: { audienceSizeType: 'PERCENTAGE', audienceSizeBins: [5, 10] },
      createTime: before.createTime,
    });
    expect(Date.parse(after.updateTime) - Date.parse(before.updateTime)).toBe(60_000);
  });

  test('a generation job exports the audience sizes its configured model had when the job started', async () => {
    const { configuredAudienceModelArn } = await createPipeline(client, 'p', settle);
    const { audienceGenerationJobArn } = await client.send('StartAudienceGenerationJob', generationJobRequest('job', configuredAudienceModelArn));
    await settle();
    await client.send('UpdateConfiguredAudienceModel', {
      configuredAudienceModelArn,
      audienceSizeConfig: { audienceSizeType: 'ABSOLUTE', audienceSizeBins: [77_777] },
    });

    await client.send('StartAudienceExportJob', { name: 'old-size', audienceGenerationJobArn, audienceSize: { type: 'ABSOLUTE', value: 10_000 } });
    const refused = await caught(client.send('StartAudienceExportJob', {
      name: 'new-size', audienceGenerationJobArn, audienceSize: { type: 'ABSOLUTE', value: 77_777 },
    }));
    expect(refused.code).toBe('ValidationException');
  });

  test('childResourceTagOnCreatePolicy FROM_PARENT_RESOURCE copies the configured model tags onto generation jobs, request tags win', async () => {
    const { trainingDatasetArn } = await client.send('CreateTrainingDataset', trainingDatasetRequest('data'));
    const { audienceModelArn } = await client.send('CreateAudienceModel', { name: 'model', trainingDatasetArn });
    await settle();
    const parentTags = { team: 'growth', costCenter: '42' };
    const { configuredAudienceModelArn: inheriting } = await client.send('CreateConfiguredAudienceModel', configuredAudienceModelRequest(
      'inheriting', audienceModelArn, { tags: parentTags, childResourceTagOnCreatePolicy: 'FROM_PARENT_RESOURCE' },
    ));
    const { configuredAudienceModelArn: plain } = await client.send('CreateConfiguredAudienceModel', configuredAudienceModelRequest(
      'plain', audienceModelArn, { tags: parentTags, childResourceTagOnCreatePolicy: 'NONE' },
    ));

    const { audienceGenerationJobArn: child } = await client.send('StartAudienceGenerationJob',
      generationJobRequest('child', inheriting, { tags: { costCenter: '7', campaign: 'spring' } }),
    );
    const { audienceGenerationJobArn: unrelated } = await client.send('StartAudienceGenerationJob',
      generationJobRequest('unrelated', plain, { tags: { campaign: 'spring' } }),
    );

    expect((await client.send('GetAudienceGenerationJob', { audienceGenerationJobArn: child })).tags)
      .toEqual({ team: 'growth', costCenter: '7', campaign: 'spring' });
    expect((await client.send('ListTagsForResource', { resourceArn: unrelated })).tags).toEqual({ campaign: 'spring' });
  });
});

describe('in real time with small timings', () => {
  let emulator: CleanRoomsMlEmulator;
  let client: ModelClient;

  beforeAll(async () => {
    emulator = await CleanRoomsMlEmulator.start({
      timings: {
        audienceModel: { createPendingMs: 15, createInProgressMs: 15, deletePendingMs: 15, deleteInProgressMs: 15 },
        audienceGenerationJob: { createPendingMs: 15, createInProgressMs: 15, deletePendingMs: 15, deleteInProgressMs: 15 },
        audienceExportJob: { createPendingMs: 15, createInProgressMs: 15 },
      },
    });
    client = emulatorClient(emulator);
  });
  afterAll(() => emulator.stop());

  test('polling sees an audience model become ACTIVE, and after a delete sees it disappear', async () => {
    const { trainingDatasetArn } = await client.send('CreateTrainingDataset', trainingDatasetRequest('data'));
    const { audienceModelArn } = await client.send('CreateAudienceModel', { name: 'polled', trainingDatasetArn });
    const seen = new Set<string>();
    const getModel = async (): Promise<any> => {
      const model = await client.send('GetAudienceModel', { audienceModelArn });
      seen.add(model.status);
      return model;
    };

    await waitFor(getModel, (model) => model.status === 'ACTIVE');
    await client.send('DeleteAudienceModel', { audienceModelArn });
    const gone = await waitFor(
      () => getModel().then(() => undefined, (error: { code: string }) => error.code),
      (code) => code === 'ResourceNotFoundException',
    );

    expect(gone).toBe('ResourceNotFoundException');
    expect(seen.has('ACTIVE')).toBe(true);
    expect([...seen].every((status) => ['CREATE_PENDING', 'CREATE_IN_PROGRESS', 'ACTIVE', 'DELETE_PENDING', 'DELETE_IN_PROGRESS'].includes(status))).toBe(true);
  });

  test('polling sees a generation job and its export become ACTIVE', async () => {
    const { configuredAudienceModelArn } = await createPipeline(client, 'rt', async () => {
      await waitFor(async () => emulator.inventory(), (inventory) => inventory.audienceModels.every((model) => model.status === 'ACTIVE'));
    });
    const { audienceGenerationJobArn } = await client.send('StartAudienceGenerationJob', generationJobRequest('rt-job', configuredAudienceModelArn));
    await waitFor(() => client.send('GetAudienceGenerationJob', { audienceGenerationJobArn }), (job) => job.status === 'ACTIVE');

    await client.send('StartAudienceExportJob', { name: 'rt-export', audienceGenerationJobArn, audienceSize: { type: 'ABSOLUTE', value: 100_000 } });
    const [exported] = (await waitFor(
      () => client.send('ListAudienceExportJobs', { audienceGenerationJobArn }),
      (page) => page.audienceExportJobs[0]?.status === 'ACTIVE',
    )).audienceExportJobs;
    expect(exported.outputLocation).toMatch(/^s3:\/\//);
  });
});

describe('defaults', () => {
  test('statuses take about a second or two by default, so a demo can watch them change', async () => {
    const clock = new ManualClock();
    const emulator = await CleanRoomsMlEmulator.start({ clock: clock.now });
    try {
      const client = emulatorClient(emulator);
      const { trainingDatasetArn } = await client.send('CreateTrainingDataset', trainingDatasetRequest('data'));
      const { audienceModelArn } = await client.send('CreateAudienceModel', { name: 'model', trainingDatasetArn });
      clock.advance(500);
      expect((await client.send('GetAudienceModel', { audienceModelArn })).status).toBe('CREATE_IN_PROGRESS');
      clock.advance(2000);
      expect((await client.send('GetAudienceModel', { audienceModelArn })).status).toBe('ACTIVE');
    } finally {
      await emulator.stop();
    }
  });
});

describe('with legacyAudienceModelMetrics', () => {
  test('an ACTIVE audience model reports the 2023 API\'s metrics, and a training one none', async () => {
    const clock = new ManualClock();
    const emulator = await CleanRoomsMlEmulator.start({ clock: clock.now, timings: ONE_SECOND_PHASES, legacyAudienceModelMetrics: true });
    try {
      const client = emulatorClient(emulator);
      const { trainingDatasetArn } = await client.send('CreateTrainingDataset', trainingDatasetRequest('data'));
      const { audienceModelArn } = await client.send('CreateAudienceModel', { name: 'lookalike', trainingDatasetArn });
      clock.advance(1000);
      const training = await client.send('GetAudienceModel', { audienceModelArn });
      clock.advance(1000);

      const model = await client.send('GetAudienceModel', { audienceModelArn });
      expect(training.metrics).toBeUndefined();
      expect(model.metrics.map((metric: { type: string }) => metric.type).sort())
        .toEqual(['MEAN_RECIPROCAL_RANK', 'NORMALIZED_DISCOUNTED_CUMULATIVE_GAIN', 'PRECISION', 'RECALL']);
      for (const metric of model.metrics) {
        expect(metric.forTopKItemPredictions).toBeGreaterThan(0);
        expect(metric.value).toBeGreaterThan(0);
        expect(metric.value).toBeLessThan(1);
      }
      expect(emulator.inventory().audienceModels[0].metrics).toEqual(model.metrics);
    } finally {
      await emulator.stop();
    }
  });
});
