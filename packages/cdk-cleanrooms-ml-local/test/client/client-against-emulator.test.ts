/**
 * End to end: the project's CleanRoomsMlClient against the embedded emulator,
 * over real HTTP with SigV4. Proves that the two agree with each other and
 * with the service's model: every operation, every error type, retries under
 * injected faults, pagination and authentication.
 */
import {
  ACCOUNT_ID,
  caught,
  ClientPool,
  COLLABORATION_ID,
  configuredAudienceModelInput,
  generationJobInput,
  OTHER_ACCOUNT_ROLE_ARN,
  OTHER_COLLABORATION_ID,
  OUTPUT_S3_URI,
  startRecordingProxy,
  trainingDatasetInput,
  unknownArn,
  waitFor,
} from './emulator-fixtures';
import {
  AccessDeniedException,
  CleanRoomsMlServiceError,
  ConflictException,
  InternalServiceException,
  listAll,
  OPERATION_NAMES,
  paginateListAudienceExportJobs,
  paginateListTrainingDatasets,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ThrottlingException,
  ValidationException,
  type CleanRoomsMlClient,
} from '../../src/client';
import { CleanRoomsMlEmulator, ManualClock, type EmulatorTimingOptions } from '../../src/emulator';

/** Each asynchronous phase lasts one second of the emulator's clock, which the lifecycle tests move by hand. */
const PHASE_MS = 1000;
const ONE_SECOND_PHASES: EmulatorTimingOptions = {
  audienceModel: { createPendingMs: PHASE_MS, createInProgressMs: PHASE_MS, deletePendingMs: PHASE_MS, deleteInProgressMs: PHASE_MS },
  audienceGenerationJob: { createPendingMs: PHASE_MS, createInProgressMs: PHASE_MS, deletePendingMs: PHASE_MS, deleteInProgressMs: PHASE_MS },
  audienceExportJob: { createPendingMs: PHASE_MS, createInProgressMs: PHASE_MS },
};

const FAST_TIMINGS: EmulatorTimingOptions = {
  audienceModel: { createPendingMs: 1, createInProgressMs: 1, deletePendingMs: 1, deleteInProgressMs: 1 },
  audienceGenerationJob: { createPendingMs: 1, createInProgressMs: 1, deletePendingMs: 1, deleteInProgressMs: 1 },
  audienceExportJob: { createPendingMs: 1, createInProgressMs: 1 },
};

const isActive = (resource: { status: string }) => resource.status === 'ACTIVE';

describe('client against the emulator: the whole lifecycle through all 25 operations', () => {
  const clock = new ManualClock();
  let emulator: CleanRoomsMlEmulator;
  const pool = new ClientPool(() => emulator);
  let client: CleanRoomsMlClient;

  beforeAll(async () => {
    emulator = await CleanRoomsMlEmulator.start({ timings: ONE_SECOND_PHASES, clock: clock.now });
    client = pool.client();
  });
  // Each test starts from an empty emulator and makes what it needs with the steps before its own.
  beforeEach(() => emulator.reset());
  afterAll(async () => {
    pool.destroyAll();
    await emulator.stop();
  });

  /** What `read` answers, once per emulator phase, until `done` holds. */
  async function phaseByPhase<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T[]> {
    const seen: T[] = [];
    while (seen.length < 10) {
      seen.push(await read());
      if (done(seen[seen.length - 1])) return seen;
      clock.advance(PHASE_MS);
    }
    throw new Error(`not done after 10 phases; last value: ${JSON.stringify(seen[seen.length - 1])}`);
  }

  /** The statuses a Get reads, once per emulator phase, until it answers ResourceNotFoundException. */
  async function statusesUntilGone(read: () => Promise<{ status: string }>): Promise<string[]> {
    const statuses: string[] = [];
    while (statuses.length < 10) {
      const current = await read().catch((err: unknown) => {
        if (err instanceof ResourceNotFoundException) return undefined;
        throw err;
      });
      if (current === undefined) return statuses;
      statuses.push(current.status);
      clock.advance(PHASE_MS);
    }
    throw new Error(`still there after 10 phases; statuses seen: ${statuses.join(' → ')}`);
  }

  /** The ARNs the steps made so far, as a user's pipeline holds them. */
  interface Pipeline {
    trainingDatasetArn: string;
    audienceModelArn: string;
    configuredAudienceModelArn: string;
    audienceGenerationJobArn: string;
  }

  /** Each step builds on the ones before it, as a user's pipeline would. */
  const STEPS: ReadonlyArray<readonly [string, (pipeline: Pipeline) => Promise<void>]> = [
    ['a training dataset is created, read back with Date timestamps and listed', async (pipeline) => {
      const input = trainingDatasetInput('purchases-2024', { description: 'purchases of 2024', tags: { team: 'ads' } });
      const { trainingDatasetArn } = await client.createTrainingDataset(input);
      pipeline.trainingDatasetArn = trainingDatasetArn;

      const dataset = await client.getTrainingDataset({ trainingDatasetArn });
      const { trainingDatasets } = await client.listTrainingDatasets();

      expect(trainingDatasetArn).toMatch(new RegExp(`^arn:aws:cleanrooms-ml:us-east-1:${ACCOUNT_ID}:training-dataset/[0-9a-f-]{36}$`));
      expect(dataset).toMatchObject({
        trainingDatasetArn,
        name: 'purchases-2024',
        description: 'purchases of 2024',
        roleArn: input.roleArn,
        trainingData: input.trainingData,
        status: 'ACTIVE',
        tags: { team: 'ads' },
      });
      expect(dataset.createTime).toBeInstanceOf(Date);
      expect(dataset.createTime.getTime()).toBe(clock.millis);
      expect(trainingDatasets).toEqual([expect.objectContaining({ trainingDatasetArn, name: 'purchases-2024', status: 'ACTIVE' })]);
      expect(trainingDatasets[0].updateTime).toBeInstanceOf(Date);
    }],

    ['an audience model trains from CREATE_PENDING to ACTIVE', async (pipeline) => {
      const trainingDataStartTime = new Date('2024-01-01T00:00:00Z');
      const trainingDataEndTime = new Date('2024-06-30T23:59:59Z');
      const { audienceModelArn } = await client.createAudienceModel({
        name: 'lookalike',
        trainingDatasetArn: pipeline.trainingDatasetArn,
        trainingDataStartTime,
        trainingDataEndTime,
        description: 'first half of 2024',
        tags: { team: 'ads' },
      });
      pipeline.audienceModelArn = audienceModelArn;

      const seen = await phaseByPhase(() => client.getAudienceModel({ audienceModelArn }), isActive);
      const model = seen[seen.length - 1];
      const { audienceModels } = await client.listAudienceModels();

      expect(seen.map((read) => read.status)).toEqual(['CREATE_PENDING', 'CREATE_IN_PROGRESS', 'ACTIVE']);
      expect(model).toMatchObject({
        audienceModelArn, name: 'lookalike', trainingDatasetArn: pipeline.trainingDatasetArn, description: 'first half of 2024', tags: { team: 'ads' },
      });
      // Dates go out as ISO-8601 and come back as Dates for the same instant.
      expect(model.trainingDataStartTime).toEqual(trainingDataStartTime);
      expect(model.trainingDataEndTime).toEqual(trainingDataEndTime);
      expect(model.createTime).toBeInstanceOf(Date);
      expect(model.updateTime.getTime()).toBeGreaterThan(model.createTime.getTime());
      expect(audienceModels).toEqual([expect.objectContaining({ audienceModelArn, status: 'ACTIVE', trainingDatasetArn: pipeline.trainingDatasetArn })]);
      expect(audienceModels[0].createTime).toBeInstanceOf(Date);
    }],

    ['a configured audience model is created, read, updated in place and listed', async (pipeline) => {
      const { configuredAudienceModelArn } = await client.createConfiguredAudienceModel(configuredAudienceModelInput('partners', pipeline.audienceModelArn, {
        description: 'for partners',
        childResourceTagOnCreatePolicy: 'FROM_PARENT_RESOURCE',
        tags: { team: 'ads', tier: 'gold' },
      }));
      pipeline.configuredAudienceModelArn = configuredAudienceModelArn;
      const created = await client.getConfiguredAudienceModel({ configuredAudienceModelArn });

      const updated = await client.updateConfiguredAudienceModel({
        configuredAudienceModelArn,
        description: 'for partners, two sizes',
        minMatchingSeedSize: 1000,
        audienceSizeConfig: { audienceSizeType: 'ABSOLUTE', audienceSizeBins: [10_000, 50_000] },
      });
      const after = await client.getConfiguredAudienceModel({ configuredAudienceModelArn });
      const { configuredAudienceModels } = await client.listConfiguredAudienceModels();

      expect(created).toMatchObject({
        name: 'partners',
        audienceModelArn: pipeline.audienceModelArn,
        status: 'ACTIVE',
        minMatchingSeedSize: 500, // the service's default
        sharedAudienceMetrics: ['ALL'],
        childResourceTagOnCreatePolicy: 'FROM_PARENT_RESOURCE',
        outputConfig: { destination: { s3Destination: { s3Uri: OUTPUT_S3_URI } } },
      });
      expect(updated).toEqual({ configuredAudienceModelArn });
      expect(after).toMatchObject({
        name: 'partners',
        description: 'for partners, two sizes',
        minMatchingSeedSize: 1000,
        audienceSizeConfig: { audienceSizeType: 'ABSOLUTE', audienceSizeBins: [10_000, 50_000] },
        tags: { team: 'ads', tier: 'gold' },
      });
      expect(after.updateTime.getTime()).toBeGreaterThanOrEqual(created.updateTime.getTime());
      expect(configuredAudienceModels).toEqual([expect.objectContaining({ configuredAudienceModelArn, description: 'for partners, two sizes' })]);
    }],

    ['the resource policy is put, read and deleted, guarded by policyHash and policyExistenceCondition', async ({ configuredAudienceModelArn }) => {
      const policy = (sid: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: sid, Effect: 'Allow', Principal: { AWS: ACCOUNT_ID }, Action: 'cleanrooms-ml:*', Resource: '*' }] });
      const missingBefore = await caught(client.getConfiguredAudienceModelPolicy({ configuredAudienceModelArn }));

      const first = await client.putConfiguredAudienceModelPolicy({
        configuredAudienceModelArn, configuredAudienceModelPolicy: policy('first'), policyExistenceCondition: 'POLICY_MUST_NOT_EXIST',
      });
      const notAgain = await caught(client.putConfiguredAudienceModelPolicy({
        configuredAudienceModelArn, configuredAudienceModelPolicy: policy('other'), policyExistenceCondition: 'POLICY_MUST_NOT_EXIST',
      }));
      const staleHash = await caught(client.putConfiguredAudienceModelPolicy({
        configuredAudienceModelArn, configuredAudienceModelPolicy: policy('lost-update'), previousPolicyHash: 'f'.repeat(64),
      }));
      const unchanged = await client.getConfiguredAudienceModelPolicy({ configuredAudienceModelArn });
      const second = await client.putConfiguredAudienceModelPolicy({
        configuredAudienceModelArn, configuredAudienceModelPolicy: policy('second'), previousPolicyHash: first.policyHash, policyExistenceCondition: 'POLICY_MUST_EXIST',
      });
      const read = await client.getConfiguredAudienceModelPolicy({ configuredAudienceModelArn });
      await client.deleteConfiguredAudienceModelPolicy({ configuredAudienceModelArn });
      const missingAfter = await caught(client.getConfiguredAudienceModelPolicy({ configuredAudienceModelArn }));
      const mustExist = await caught(client.putConfiguredAudienceModelPolicy({
        configuredAudienceModelArn, configuredAudienceModelPolicy: policy('third'), policyExistenceCondition: 'POLICY_MUST_EXIST',
      }));
      // Left in place: it has to go with the configured model at the end.
      await client.putConfiguredAudienceModelPolicy({ configuredAudienceModelArn, configuredAudienceModelPolicy: policy('kept') });

      expect(missingBefore).toBeInstanceOf(ResourceNotFoundException);
      expect(first.policyHash).toMatch(/^[0-9a-f]{64}$/);
      expect(first.configuredAudienceModelPolicy).toBe(policy('first'));
      expect(notAgain).toBeInstanceOf(ValidationException);
      expect(notAgain.message).toContain('POLICY_MUST_NOT_EXIST');
      // A lost update is refused; the published model lists no ConflictException for this operation, so it is a ValidationException.
      expect(staleHash).toBeInstanceOf(ValidationException);
      expect(staleHash).toMatchObject({ statusCode: 400, operation: 'PutConfiguredAudienceModelPolicy' });
      expect(staleHash.message).toContain('previousPolicyHash');
      expect(unchanged).toEqual({ configuredAudienceModelArn, configuredAudienceModelPolicy: policy('first'), policyHash: first.policyHash });
      expect(second.policyHash).not.toBe(first.policyHash);
      expect(read).toEqual({ configuredAudienceModelArn, configuredAudienceModelPolicy: policy('second'), policyHash: second.policyHash });
      expect(missingAfter).toBeInstanceOf(ResourceNotFoundException);
      expect(mustExist).toBeInstanceOf(ValidationException);
      expect(mustExist.message).toContain('POLICY_MUST_EXIST');
    }],

    ['an audience generation job from an S3 seed runs to ACTIVE and reports relevance per configured size', async (pipeline) => {
      const { configuredAudienceModelArn } = pipeline;
      const { audienceGenerationJobArn } = await client.startAudienceGenerationJob(generationJobInput('spring-campaign', configuredAudienceModelArn, {
        collaborationId: COLLABORATION_ID,
        includeSeedInOutput: true,
        tags: { campaign: 'spring' },
      }));
      pipeline.audienceGenerationJobArn = audienceGenerationJobArn;
      const seen = await phaseByPhase(() => client.getAudienceGenerationJob({ audienceGenerationJobArn }), isActive);
      const job = seen[seen.length - 1];
      const { audienceGenerationJobs } = await client.listAudienceGenerationJobs();

      expect(seen.map((read) => read.status)).toEqual(['CREATE_PENDING', 'CREATE_IN_PROGRESS', 'ACTIVE']);
      expect(seen[0].metrics).toBeUndefined();
      expect(job).toMatchObject({
        name: 'spring-campaign',
        configuredAudienceModelArn,
        collaborationId: COLLABORATION_ID,
        includeSeedInOutput: true,
        startedBy: ACCOUNT_ID,
        seedAudience: { dataSource: { s3Uri: 's3://seeds/customers.csv' } },
        // FROM_PARENT_RESOURCE: the configured model's tags, then the job's own.
        tags: { team: 'ads', tier: 'gold', campaign: 'spring' },
      });
      expect(job.createTime).toBeInstanceOf(Date);
      // The sizes of the configured model as updated, not as created.
      expect(job.metrics?.relevanceMetrics.map((metric) => metric.audienceSize)).toEqual([
        { type: 'ABSOLUTE', value: 10_000 },
        { type: 'ABSOLUTE', value: 50_000 },
      ]);
      for (const { score } of job.metrics?.relevanceMetrics ?? []) {
        expect(score).toBeGreaterThan(0);
        expect(score).toBeLessThanOrEqual(1);
      }
      expect(job.metrics?.recallMetric).toBeGreaterThan(0);
      expect(audienceGenerationJobs).toEqual([expect.objectContaining({ audienceGenerationJobArn, status: 'ACTIVE', collaborationId: COLLABORATION_ID })]);
    }],

    ['an export of a configured size is started and found ACTIVE with its output location through ListAudienceExportJobs', async ({ audienceGenerationJobArn }) => {
      const started = await client.startAudienceExportJob({
        name: 'export-50k', audienceGenerationJobArn, audienceSize: { type: 'ABSOLUTE', value: 50_000 }, description: 'for the partner',
      });
      const notABin = await caught(client.startAudienceExportJob({
        name: 'export-12345', audienceGenerationJobArn, audienceSize: { type: 'ABSOLUTE', value: 12_345 },
      }));
      const pages = await phaseByPhase(
        () => client.listAudienceExportJobs({ audienceGenerationJobArn }),
        (page) => page.audienceExportJobs.length === 1 && isActive(page.audienceExportJobs[0]),
      );
      const { audienceExportJobs } = pages[pages.length - 1];

      expect(started).toEqual({});
      expect(notABin).toBeInstanceOf(ValidationException);
      expect(notABin.message).toContain('audienceSize');
      expect(pages.map((page) => page.audienceExportJobs.map((exportJob) => exportJob.status))).toEqual([['CREATE_PENDING'], ['CREATE_IN_PROGRESS'], ['ACTIVE']]);
      expect(audienceExportJobs[0]).toMatchObject({
        name: 'export-50k',
        description: 'for the partner',
        audienceGenerationJobArn,
        audienceSize: { type: 'ABSOLUTE', value: 50_000 },
        status: 'ACTIVE',
      });
      expect(audienceExportJobs[0].outputLocation?.startsWith(OUTPUT_S3_URI)).toBe(true);
      expect(audienceExportJobs[0].createTime).toBeInstanceOf(Date);
    }],

    ['tags are added, removed and listed on every kind of ARN', async ({ trainingDatasetArn, audienceModelArn, configuredAudienceModelArn, audienceGenerationJobArn }) => {
      for (const resourceArn of [trainingDatasetArn, audienceModelArn, configuredAudienceModelArn, audienceGenerationJobArn]) {
        const before = (await client.listTagsForResource({ resourceArn })).tags;

        await client.tagResource({ resourceArn, tags: { stage: 'e2e', owner: 'tests' } });
        const tagged = (await client.listTagsForResource({ resourceArn })).tags;
        await client.untagResource({ resourceArn, tagKeys: ['owner', 'team'] });
        const untagged = (await client.listTagsForResource({ resourceArn })).tags;

        expect({ resourceArn, tags: tagged }).toEqual({ resourceArn, tags: { ...before, stage: 'e2e', owner: 'tests' } });
        const { owner, team, ...rest } = tagged;
        expect({ resourceArn, tags: untagged }).toEqual({ resourceArn, tags: rest });
        expect(owner).toBe('tests');
        expect(team).toBe('ads');
      }
    }],

    ['deletes in dependency order, each waited on until gone, leave the emulator empty', async (pipeline) => {
      const { trainingDatasetArn, audienceModelArn, configuredAudienceModelArn, audienceGenerationJobArn } = pipeline;
      await client.deleteAudienceGenerationJob({ audienceGenerationJobArn });
      const jobStatuses = await statusesUntilGone(() => client.getAudienceGenerationJob({ audienceGenerationJobArn }));
      const { audienceExportJobs } = await client.listAudienceExportJobs();

      await client.deleteConfiguredAudienceModel({ configuredAudienceModelArn });
      const configuredGone = await caught(client.getConfiguredAudienceModel({ configuredAudienceModelArn }));

      await client.deleteAudienceModel({ audienceModelArn });
      const modelStatuses = await statusesUntilGone(() => client.getAudienceModel({ audienceModelArn }));

      await client.deleteTrainingDataset({ trainingDatasetArn });
      const datasetGone = await caught(client.getTrainingDataset({ trainingDatasetArn }));

      expect(jobStatuses).toEqual(['DELETE_PENDING', 'DELETE_IN_PROGRESS']);
      expect(modelStatuses).toEqual(['DELETE_PENDING', 'DELETE_IN_PROGRESS']);
      // Exports have no delete: they go with their generation job.
      expect(audienceExportJobs).toEqual([]);
      expect(configuredGone).toBeInstanceOf(ResourceNotFoundException);
      expect(datasetGone).toBeInstanceOf(ResourceNotFoundException);
      expect(emulator.inventory()).toMatchObject({
        trainingDatasets: [],
        audienceModels: [],
        configuredAudienceModels: [],
        audienceGenerationJobs: [],
        audienceExportJobs: [],
      });
    }],
  ];

  /** Runs the first `count` steps on the empty emulator. */
  async function pipelineThrough(count: number): Promise<Pipeline> {
    const pipeline: Pipeline = { trainingDatasetArn: '', audienceModelArn: '', configuredAudienceModelArn: '', audienceGenerationJobArn: '' };
    for (const [, step] of STEPS.slice(0, count)) {
      await step(pipeline);
    }
    return pipeline;
  }

  test.each(STEPS.map(([name], index) => [name, index + 1] as const))('%s', async (_name, count) => {
    await pipelineThrough(count);
  });

  test('every one of the 25 operations was called through the client', async () => {
    await pipelineThrough(STEPS.length);
    const { calls } = emulator.stats();

    const missing = OPERATION_NAMES.filter((operation) => !calls[operation]);

    expect(OPERATION_NAMES).toHaveLength(25);
    expect(missing).toEqual([]);
  });
});

describe('client against the emulator: each error type arrives as the typed error class', () => {
  let emulator: CleanRoomsMlEmulator;
  const pool = new ClientPool(() => emulator);
  let client: CleanRoomsMlClient;
  // The emulator's clock, moved by hand so models can be held in training or finished at will.
  let now = Date.parse('2025-03-01T12:00:00Z');
  const finishEverything = () => {
    now += 60 * 60 * 1000;
  };

  beforeAll(async () => {
    emulator = await CleanRoomsMlEmulator.start({ clock: () => now });
    client = pool.client();
  });
  afterAll(async () => {
    pool.destroyAll();
    await emulator.stop();
  });

  test('fails: an unknown ARN is a 404 ResourceNotFoundException naming the ARN', async () => {
    const arn = unknownArn('audience-model');

    const err = await caught(client.getAudienceModel({ audienceModelArn: arn }));
    const untag = await caught(client.untagResource({ resourceArn: unknownArn('training-dataset'), tagKeys: ['a'] }));

    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err).toMatchObject({ name: 'ResourceNotFoundException', statusCode: 404, operation: 'GetAudienceModel', retryable: false });
    expect(err.message).toContain(arn);
    expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(untag).toBeInstanceOf(ResourceNotFoundException);
  });

  test('fails: a name already in use is a 409 ConflictException naming the name', async () => {
    await client.createTrainingDataset(trainingDatasetInput('taken-name'));

    const err = await caught(client.createTrainingDataset(trainingDatasetInput('taken-name')));

    expect(err).toBeInstanceOf(ConflictException);
    expect(err).toMatchObject({ statusCode: 409, retryable: false });
    expect(err.message).toContain('"taken-name"');
    expect(emulator.inventory().trainingDatasets.filter((dataset) => dataset.name === 'taken-name')).toHaveLength(1);
  });

  test('fails: deleting a model or dataset still in use is a 409 ConflictException naming the dependant, and nothing is deleted', async () => {
    const { trainingDatasetArn } = await client.createTrainingDataset(trainingDatasetInput('in-use-data'));
    const { audienceModelArn } = await client.createAudienceModel({ name: 'in-use-model', trainingDatasetArn });
    finishEverything();
    const { configuredAudienceModelArn } = await client.createConfiguredAudienceModel(configuredAudienceModelInput('in-use-configured', audienceModelArn));

    const modelInUse = await caught(client.deleteAudienceModel({ audienceModelArn }));
    const datasetInUse = await caught(client.deleteTrainingDataset({ trainingDatasetArn }));

    expect(modelInUse).toBeInstanceOf(ConflictException);
    expect(modelInUse).toMatchObject({ statusCode: 409, operation: 'DeleteAudienceModel' });
    expect(modelInUse.message).toContain(configuredAudienceModelArn);
    expect(datasetInUse).toBeInstanceOf(ConflictException);
    expect(datasetInUse.message).toContain(audienceModelArn);
    expect((await client.getAudienceModel({ audienceModelArn })).status).toBe('ACTIVE');
    expect((await client.getTrainingDataset({ trainingDatasetArn })).status).toBe('ACTIVE');
  });

  test('fails: a field outside its constraints is a 400 ValidationException naming the field, and nothing is created', async () => {
    const badColumn = trainingDatasetInput('bad-column');
    badColumn.trainingData[0].inputConfig.schema[3].columnName = 'bad/column';
    const before = emulator.inventory();

    const columnErr = await caught(client.createTrainingDataset(badColumn));
    const seedSizeErr = await caught(client.createConfiguredAudienceModel(
      configuredAudienceModelInput('small-seed', unknownArn('audience-model'), { minMatchingSeedSize: 10 }),
    ));

    expect(columnErr).toBeInstanceOf(ValidationException);
    expect(columnErr).toMatchObject({ statusCode: 400, operation: 'CreateTrainingDataset', retryable: false });
    expect(columnErr.message).toContain('trainingData[0].inputConfig.schema[3].columnName');
    expect(columnErr.message).toContain('"bad/column"');
    expect(seedSizeErr).toBeInstanceOf(ValidationException);
    expect(seedSizeErr.message).toMatch(/^minMatchingSeedSize must be between 25 and 500000/);
    expect(emulator.inventory()).toEqual(before);
  });

  test('fails: a role of another account is a 403 AccessDeniedException naming the role', async () => {
    const err = await caught(client.createTrainingDataset(trainingDatasetInput('foreign-role', { roleArn: OTHER_ACCOUNT_ROLE_ARN })));

    expect(err).toBeInstanceOf(AccessDeniedException);
    expect(err).toMatchObject({ statusCode: 403, retryable: false });
    expect(err.message).toContain(OTHER_ACCOUNT_ROLE_ARN);
    expect(emulator.inventory().trainingDatasets.map((dataset) => dataset.name)).not.toContain('foreign-role');
  });

  test('fails: a third concurrent training is a 402 ServiceQuotaExceededException with quotaName and quotaValue', async () => {
    const { trainingDatasetArn } = await client.createTrainingDataset(trainingDatasetInput('quota-data'));
    await client.createAudienceModel({ name: 'quota-1', trainingDatasetArn });
    await client.createAudienceModel({ name: 'quota-2', trainingDatasetArn });

    const err = await caught(client.createAudienceModel({ name: 'quota-3', trainingDatasetArn }));
    finishEverything();
    const afterwards = await client.createAudienceModel({ name: 'quota-3', trainingDatasetArn });

    expect(err).toBeInstanceOf(ServiceQuotaExceededException);
    expect(err).toMatchObject({ statusCode: 402, quotaName: 'Concurrent audience model trainings', quotaValue: 2, retryable: false });
    expect(err.message).toContain('quota is 2');
    // Once the trainings finish, the quota is free again.
    expect(afterwards.audienceModelArn).toMatch(/audience-model\//);
    finishEverything();
  });

  test('fails: with retries off, an injected throttle is a 429 ThrottlingException after exactly one call', async () => {
    const noRetries = pool.client({ maxAttempts: 1 });
    const before = emulator.stats();
    emulator.setFaults({ throttleRate: 1 });
    let err: any;
    try {
      err = await caught(noRetries.listTrainingDatasets());
    } finally {
      emulator.setFaults({});
    }
    const after = emulator.stats();

    expect(err).toBeInstanceOf(ThrottlingException);
    expect(err).toMatchObject({ statusCode: 429, operation: 'ListTrainingDatasets', retryable: true });
    expect(after.totalCalls - before.totalCalls).toBe(1);
    expect(after.totalThrottled - before.totalThrottled).toBe(1);
  });

  test('fails: with retries off, an injected server error is a 500 InternalServiceException after exactly one call', async () => {
    const noRetries = pool.client({ maxAttempts: 1 });
    const before = emulator.stats();
    emulator.setFaults({ serverErrorRate: 1 });
    let err: any;
    try {
      err = await caught(noRetries.getTrainingDataset({ trainingDatasetArn: unknownArn('training-dataset') }));
    } finally {
      emulator.setFaults({});
    }
    const after = emulator.stats();

    expect(err).toBeInstanceOf(InternalServiceException);
    expect(err).toMatchObject({ name: 'InternalServiceException', statusCode: 500, operation: 'GetTrainingDataset', retryable: true });
    expect(after.totalCalls - before.totalCalls).toBe(1);
    expect(after.totalServerErrors - before.totalServerErrors).toBe(1);
  });

  test('fails: a call throttled every time gives up after maxAttempts calls, and a create is never carried out', async () => {
    const threeAttempts = pool.client({ maxAttempts: 3 });
    const before = emulator.stats();
    emulator.setFaults({ throttleRate: 1 });
    let err: any;
    try {
      err = await caught(threeAttempts.createTrainingDataset(trainingDatasetInput('always-throttled')));
    } finally {
      emulator.setFaults({});
    }
    const after = emulator.stats();

    expect(err).toBeInstanceOf(ThrottlingException);
    expect(after.calls.CreateTrainingDataset - (before.calls.CreateTrainingDataset ?? 0)).toBe(3);
    expect(after.throttled.CreateTrainingDataset - (before.throttled.CreateTrainingDataset ?? 0)).toBe(3);
    expect(emulator.inventory().trainingDatasets.map((dataset) => dataset.name)).not.toContain('always-throttled');
  });
});

describe('client against the emulator: retries under injected throttling and server errors', () => {
  const N = 20;
  let emulator: CleanRoomsMlEmulator;
  const pool = new ClientPool(() => emulator);

  beforeAll(async () => {
    emulator = await CleanRoomsMlEmulator.start({
      timings: FAST_TIMINGS,
      faults: { throttleRate: 0.3, serverErrorRate: 0.1, seed: 20250301 },
      // N trainings at once; the service's quota is 2.
      quotas: { audienceModelTrainings: N },
    });
  });
  afterAll(async () => {
    pool.destroyAll();
    await emulator.stop();
  });

  test(`${N} concurrent dataset and model creates all succeed exactly once despite injected faults`, async () => {
    // A call fails an attempt with probability 0.37; 12 attempts leave about 1 in 150,000 calls failing.
    const client = pool.client({ maxAttempts: 12 });
    const names = Array.from({ length: N }, (_, index) => `retried-${String(index).padStart(2, '0')}`);

    const datasets = await Promise.all(names.map((name) => client.createTrainingDataset(trainingDatasetInput(name))));
    const models = await Promise.all(names.map((name, index) =>
      client.createAudienceModel({ name: `${name}-model`, trainingDatasetArn: datasets[index].trainingDatasetArn })));
    const listed = await listAll(client, 'listTrainingDatasets', { maxResults: 7 });
    const inventory = emulator.inventory();
    const stats = emulator.stats();

    expect(new Set(datasets.map((dataset) => dataset.trainingDatasetArn)).size).toBe(N);
    expect(new Set(models.map((model) => model.audienceModelArn)).size).toBe(N);
    expect(inventory.trainingDatasets.map((dataset) => dataset.name).sort()).toEqual(names);
    expect(inventory.audienceModels.map((model) => model.name).sort()).toEqual(names.map((name) => `${name}-model`));
    expect(listed.map((dataset) => dataset.name).sort()).toEqual(names);
    // Faults were injected into the creates and retried through...
    for (const operation of ['CreateTrainingDataset', 'CreateAudienceModel']) {
      const faults = (stats.throttled[operation] ?? 0) + (stats.serverErrors[operation] ?? 0);
      expect({ operation, faulted: faults > 0 }).toEqual({ operation, faulted: true });
      // ...and every call that was not faulted created exactly one resource.
      expect({ operation, calls: stats.calls[operation] }).toEqual({ operation, calls: N + faults });
    }
    expect(stats.totalThrottled).toBeGreaterThan(0);
    expect(stats.totalServerErrors).toBeGreaterThan(0);
  });
});

describe('client against the emulator: pagination and list filters', () => {
  let emulator: CleanRoomsMlEmulator;
  const pool = new ClientPool(() => emulator);
  let client: CleanRoomsMlClient;

  beforeAll(async () => {
    emulator = await CleanRoomsMlEmulator.start({ timings: FAST_TIMINGS });
    client = pool.client();
  });
  afterAll(async () => {
    pool.destroyAll();
    await emulator.stop();
  });

  test('23 datasets read with maxResults 5 come in 5 pages, all there, none twice, and listAll agrees', async () => {
    const names = Array.from({ length: 23 }, (_, index) => `paged-${String(index).padStart(2, '0')}`);
    for (const name of names) {
      await client.createTrainingDataset(trainingDatasetInput(name));
    }

    const pageSizes: number[] = [];
    const paged: string[] = [];
    for await (const page of paginateListTrainingDatasets(client, { maxResults: 5 })) {
      pageSizes.push(page.trainingDatasets.length);
      paged.push(...page.trainingDatasets.map((dataset) => dataset.trainingDatasetArn));
    }
    const all = await listAll(client, 'listTrainingDatasets', { maxResults: 5 });
    const callsBefore = emulator.stats().calls.ListTrainingDatasets;
    await listAll(client, 'listTrainingDatasets', { maxResults: 5 });

    expect(pageSizes).toEqual([5, 5, 5, 5, 3]);
    expect(new Set(paged).size).toBe(23);
    expect(all.map((dataset) => dataset.trainingDatasetArn)).toEqual(paged);
    // Oldest first, as created.
    expect(all.map((dataset) => dataset.name)).toEqual(names);
    expect(emulator.stats().calls.ListTrainingDatasets - callsBefore).toBe(5);
  });

  test('ListAudienceGenerationJobs and ListAudienceExportJobs filter, also across pages', async () => {
    const { trainingDatasetArn } = await client.createTrainingDataset(trainingDatasetInput('filters-data'));
    const { audienceModelArn } = await client.createAudienceModel({ name: 'filters-model', trainingDatasetArn });
    await waitFor(() => client.getAudienceModel({ audienceModelArn }), isActive);
    const { configuredAudienceModelArn: modelA } = await client.createConfiguredAudienceModel(configuredAudienceModelInput('filters-a', audienceModelArn));
    const { configuredAudienceModelArn: modelB } = await client.createConfiguredAudienceModel(configuredAudienceModelInput('filters-b', audienceModelArn));
    const start = async (name: string, configured: string, collaborationId?: string) =>
      (await client.startAudienceGenerationJob(generationJobInput(name, configured, { collaborationId }))).audienceGenerationJobArn;
    const a1 = await start('a1', modelA, COLLABORATION_ID);
    await start('a2', modelA, COLLABORATION_ID);
    await start('a3', modelA, OTHER_COLLABORATION_ID);
    const b1 = await start('b1', modelB, COLLABORATION_ID);
    await start('b2', modelB);
    for (const job of [a1, b1]) {
      await waitFor(() => client.getAudienceGenerationJob({ audienceGenerationJobArn: job }), isActive);
    }
    for (const [job, value] of [[a1, 10_000], [a1, 50_000], [a1, 100_000], [b1, 10_000]] as const) {
      await client.startAudienceExportJob({ name: `export-${value}`, audienceGenerationJobArn: job, audienceSize: { type: 'ABSOLUTE', value } });
    }
    const jobNames = async (filters: { configuredAudienceModelArn?: string; collaborationId?: string }) =>
      (await listAll(client, 'listAudienceGenerationJobs', { ...filters, maxResults: 2 })).map((job) => job.name);

    const exportPagesOfA1: string[][] = [];
    for await (const page of paginateListAudienceExportJobs(client, { audienceGenerationJobArn: a1, maxResults: 2 })) {
      exportPagesOfA1.push(page.audienceExportJobs.map((exportJob) => `${exportJob.name}@${exportJob.audienceGenerationJobArn === a1 ? 'a1' : 'other'}`));
    }
    const exportsOfB1 = await listAll(client, 'listAudienceExportJobs', { audienceGenerationJobArn: b1, maxResults: 2 });

    expect(await jobNames({})).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
    expect(await jobNames({ configuredAudienceModelArn: modelA })).toEqual(['a1', 'a2', 'a3']);
    expect(await jobNames({ collaborationId: COLLABORATION_ID })).toEqual(['a1', 'a2', 'b1']);
    expect(await jobNames({ configuredAudienceModelArn: modelA, collaborationId: COLLABORATION_ID })).toEqual(['a1', 'a2']);
    expect(await jobNames({ configuredAudienceModelArn: modelB, collaborationId: OTHER_COLLABORATION_ID })).toEqual([]);
    expect(exportPagesOfA1).toEqual([['export-10000@a1', 'export-50000@a1'], ['export-100000@a1']]);
    expect(exportsOfB1.map((exportJob) => [exportJob.name, exportJob.audienceGenerationJobArn])).toEqual([['export-10000', b1]]);
    expect(await listAll(client, 'listAudienceExportJobs', { maxResults: 3 })).toHaveLength(4);
  });
});

describe('client against the emulator: SigV4 authentication', () => {
  let emulator: CleanRoomsMlEmulator;
  const pool = new ClientPool(() => emulator);
  const SESSION = { accessKeyId: 'test', secretAccessKey: 'test', sessionToken: 'FwoGZXIvYXdzEXAMPLE//session+token=' };

  beforeAll(async () => {
    emulator = await CleanRoomsMlEmulator.start();
  });
  afterAll(async () => {
    pool.destroyAll();
    await emulator.stop();
  });

  test('fails: a wrong secret access key is a 403 InvalidSignatureException, not retried, and creates nothing', async () => {
    const client = pool.client({ credentials: { accessKeyId: 'test', secretAccessKey: 'not-the-secret' }, maxAttempts: 5 });
    const before = emulator.stats().calls.CreateTrainingDataset ?? 0;

    const err = await caught(client.createTrainingDataset(trainingDatasetInput('wrong-secret')));

    expect(err).toBeInstanceOf(CleanRoomsMlServiceError);
    expect(err).toMatchObject({ name: 'InvalidSignatureException', statusCode: 403, operation: 'CreateTrainingDataset', retryable: false });
    expect(err.message).toContain('signature');
    expect(emulator.stats().calls.CreateTrainingDataset - before).toBe(1);
    expect(emulator.inventory().trainingDatasets).toEqual([]);
  });

  test('fails: an access key the emulator does not know is a 403 UnrecognizedClientException', async () => {
    const client = pool.client({ credentials: { accessKeyId: 'AKIAOTHERKEY', secretAccessKey: 'test' }, maxAttempts: 5 });
    const before = emulator.stats().calls.ListTrainingDatasets ?? 0;

    const err = await caught(client.listTrainingDatasets());

    expect(err).toBeInstanceOf(CleanRoomsMlServiceError);
    expect(err).toMatchObject({ name: 'UnrecognizedClientException', statusCode: 403, retryable: false });
    expect(emulator.stats().calls.ListTrainingDatasets - before).toBe(1);
  });

  test('a client with a session token sends it signed, and the emulator accepts it', async () => {
    const proxy = await startRecordingProxy(emulator.endpoint);
    try {
      const client = pool.client({ endpoint: proxy.endpoint, credentials: async () => SESSION });

      const { trainingDatasetArn } = await client.createTrainingDataset(trainingDatasetInput('with-session-token'));
      const dataset = await client.getTrainingDataset({ trainingDatasetArn });

      expect(dataset.name).toBe('with-session-token');
      expect(proxy.requests).toHaveLength(2);
      for (const headers of proxy.requests) {
        expect(headers['x-amz-security-token']).toBe(SESSION.sessionToken);
        expect(headers.authorization).toMatch(/SignedHeaders=[^,]*\bx-amz-security-token\b/);
      }
    } finally {
      await proxy.close();
    }
  });

  test('fails: a session token changed after signing is a 403 InvalidSignatureException', async () => {
    const proxy = await startRecordingProxy(emulator.endpoint, (headers) => ({ ...headers, 'x-amz-security-token': 'swapped-token' }));
    try {
      const client = pool.client({ endpoint: proxy.endpoint, credentials: SESSION, maxAttempts: 3 });

      const err = await caught(client.listTrainingDatasets());

      expect(err).toMatchObject({ name: 'InvalidSignatureException', statusCode: 403 });
      expect(proxy.requests).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });
});
