import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  caught,
  createPipeline,
  generationJobRequest,
  ManualClock,
  ONE_SECOND_PHASES,
  sdkClient,
  trainingDatasetRequest,
} from './helpers';
import { CleanRoomsMlEmulator } from '../../../src/local/emulator';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'cleanrooms-ml-emulator-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe('persistence', () => {
  test('state survives a stop and a start with the same state file, and statuses keep progressing', async () => {
    const stateFile = join(directory, 'nested', 'state.json');
    const clock = new ManualClock();
    const options = { clock: clock.now, timings: ONE_SECOND_PHASES, stateFile };

    const first = await CleanRoomsMlEmulator.start(options);
    const firstClient = sdkClient(first);
    const { trainingDatasetArn } = await firstClient.createTrainingDataset(trainingDatasetRequest('kept', { tags: { team: 'growth' } })).promise();
    const { audienceModelArn } = await firstClient.createAudienceModel({ name: 'training', trainingDatasetArn }).promise();
    first.failNext({ resourceType: 'audience-generation-job', phase: 'CREATE', message: 'queued before the restart' });
    expect((await firstClient.getAudienceModel({ audienceModelArn }).promise()).status).toBe('CREATE_PENDING');
    await first.stop();

    clock.advance(1500);
    const second = await CleanRoomsMlEmulator.start(options);
    try {
      const client = sdkClient(second);
      expect((await client.getTrainingDataset({ trainingDatasetArn }).promise()).tags).toEqual({ team: 'growth' });
      expect((await client.getAudienceModel({ audienceModelArn }).promise()).status).toBe('CREATE_IN_PROGRESS');
      clock.advance(1000);
      expect((await client.getAudienceModel({ audienceModelArn }).promise()).status).toBe('ACTIVE');
      // Names stay taken across the restart.
      expect((await caught(client.createTrainingDataset(trainingDatasetRequest('kept')).promise())).code).toBe('ConflictException');

      const { configuredAudienceModelArn } = await client.createConfiguredAudienceModel({
        name: 'configured',
        audienceModelArn,
        outputConfig: { destination: { s3Destination: { s3Uri: 's3://out/' } }, roleArn: 'arn:aws:iam::123456789012:role/writer' },
        sharedAudienceMetrics: ['NONE'],
      }).promise();
      const { audienceGenerationJobArn } = await client.startAudienceGenerationJob(generationJobRequest('job', configuredAudienceModelArn)).promise();
      clock.advance(10_000);
      expect((await client.getAudienceGenerationJob({ audienceGenerationJobArn }).promise()).statusDetails?.message).toBe('queued before the restart');
    } finally {
      await second.stop();
    }
    expect(JSON.parse(readFileSync(stateFile, 'utf-8'))).toMatchObject({ version: 2, accountId: '123456789012', region: 'us-east-1' });
  });

  test('the creation order survives a restart: lists keep it and new resources come after the old ones, all in one millisecond', async () => {
    const stateFile = join(directory, 'state.json');
    const clock = new ManualClock();
    const first = await CleanRoomsMlEmulator.start({ clock: clock.now, stateFile });
    for (const name of ['z', 'y', 'x']) {
      await sdkClient(first).createTrainingDataset(trainingDatasetRequest(name)).promise();
    }
    await first.stop();

    const second = await CleanRoomsMlEmulator.start({ clock: clock.now, stateFile });
    try {
      const client = sdkClient(second);
      const { nextToken } = await client.listTrainingDatasets({ maxResults: 2 }).promise();
      for (const name of ['w', 'v']) {
        await client.createTrainingDataset(trainingDatasetRequest(name)).promise();
      }
      const rest = await client.listTrainingDatasets({ maxResults: 10, nextToken }).promise();

      expect(rest.trainingDatasets.map((dataset) => dataset.name)).toEqual(['x', 'w', 'v']);
      expect(second.inventory().trainingDatasets.map((dataset) => dataset.name)).toEqual(['z', 'y', 'x', 'w', 'v']);
    } finally {
      await second.stop();
    }
  });

  test('a state file of version 1 (no creation order kept) loads, its records ordered by creation time', async () => {
    const stateFile = join(directory, 'state.json');
    const clock = new ManualClock();
    const first = await CleanRoomsMlEmulator.start({ clock: clock.now, stateFile });
    for (const name of ['late', 'early']) {
      await sdkClient(first).createTrainingDataset(trainingDatasetRequest(name)).promise();
      clock.advance(-5);
    }
    await first.stop();
    const persisted = JSON.parse(readFileSync(stateFile, 'utf-8'));
    for (const record of Object.values<Record<string, unknown>>(persisted.trainingDatasets)) {
      delete record.sequence;
    }
    delete persisted.lastSequence;
    writeFileSync(stateFile, JSON.stringify({ ...persisted, version: 1 }));

    const second = await CleanRoomsMlEmulator.start({ clock: clock.now, stateFile });
    try {
      await sdkClient(second).createTrainingDataset(trainingDatasetRequest('newest')).promise();

      expect(second.inventory().trainingDatasets.map((dataset) => dataset.name)).toEqual(['early', 'late', 'newest']);
    } finally {
      await second.stop();
    }
  });

  test('fails: a state file written for another account is refused at start', async () => {
    const stateFile = join(directory, 'state.json');
    const first = await CleanRoomsMlEmulator.start({ stateFile });
    await sdkClient(first).createTrainingDataset(trainingDatasetRequest('data')).promise();
    await first.stop();

    await expect(CleanRoomsMlEmulator.start({ stateFile, accountId: '210987654321' }))
      .rejects.toThrow('holds the state of account 123456789012 in us-east-1; this emulator serves account 210987654321 in us-east-1');
  });

  test('reset also empties the state file', async () => {
    const stateFile = join(directory, 'state.json');
    const first = await CleanRoomsMlEmulator.start({ stateFile });
    await sdkClient(first).createTrainingDataset(trainingDatasetRequest('data')).promise();
    first.reset();
    await first.stop();

    const second = await CleanRoomsMlEmulator.start({ stateFile });
    try {
      expect(second.inventory().trainingDatasets).toEqual([]);
    } finally {
      await second.stop();
    }
  });
});

describe('inventory and control endpoints', () => {
  const clock = new ManualClock();
  let emulator: CleanRoomsMlEmulator;

  beforeAll(async () => {
    emulator = await CleanRoomsMlEmulator.start({ clock: clock.now, timings: ONE_SECOND_PHASES });
  });
  afterAll(() => emulator.stop());
  beforeEach(() => emulator.reset());

  const control = async (method: string, action: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${emulator.endpoint}/_emulator/${action}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  };

  test('inventory() and GET /_emulator/inventory show every resource with its status, tags and policy', async () => {
    const client = sdkClient(emulator);
    const { configuredAudienceModelArn, audienceModelArn } = await createPipeline(client, 'inv', async () => clock.advance(10_000));
    await client.tagResource({ resourceArn: audienceModelArn, tags: { stage: 'demo' } }).promise();
    await client.putConfiguredAudienceModelPolicy({ configuredAudienceModelArn, configuredAudienceModelPolicy: '{"Version":"2012-10-17"}' }).promise();
    await client.startAudienceGenerationJob(generationJobRequest('inv-job', configuredAudienceModelArn)).promise();

    const inventory = emulator.inventory();
    const overHttp = await control('GET', 'inventory');

    expect(overHttp).toEqual({ status: 200, body: JSON.parse(JSON.stringify(inventory)) });
    expect(inventory).toMatchObject({
      accountId: '123456789012',
      region: 'us-east-1',
      trainingDatasets: [{ name: 'inv-data', status: 'ACTIVE' }],
      audienceModels: [{ audienceModelArn, status: 'ACTIVE', tags: { stage: 'demo' } }],
      configuredAudienceModels: [{ configuredAudienceModelArn, policy: { configuredAudienceModelPolicy: '{"Version":"2012-10-17"}' } }],
      audienceGenerationJobs: [{ name: 'inv-job', status: 'CREATE_PENDING' }],
      audienceExportJobs: [],
    });
  });

  test('the control endpoints need no signature: health, stats, reset, faults and fail-next', async () => {
    const client = sdkClient(emulator);
    await client.createTrainingDataset(trainingDatasetRequest('data')).promise();

    expect(await control('GET', 'health')).toEqual({ status: 200, body: { status: 'ok', accountId: '123456789012', region: 'us-east-1' } });
    expect((await control('GET', 'stats')).body).toMatchObject({ calls: { CreateTrainingDataset: 1 }, totalCalls: 1 });

    expect((await control('POST', 'reset')).status).toBe(200);
    expect(emulator.inventory().trainingDatasets).toEqual([]);
    expect(emulator.stats().totalCalls).toBe(0);

    expect(await control('POST', 'faults', { throttleRate: 1 })).toEqual({ status: 200, body: { faults: { throttleRate: 1 } } });
    expect((await caught(client.listTrainingDatasets().promise())).code).toBe('ThrottlingException');
    await control('POST', 'faults', {});

    expect((await control('POST', 'fail-next', { resourceType: 'audience-model', phase: 'CREATE', message: 'over HTTP' })).status).toBe(200);
    const { trainingDatasetArn } = await client.createTrainingDataset(trainingDatasetRequest('data')).promise();
    const { audienceModelArn } = await client.createAudienceModel({ name: 'model', trainingDatasetArn }).promise();
    clock.advance(10_000);
    expect((await client.getAudienceModel({ audienceModelArn }).promise()).statusDetails?.message).toBe('over HTTP');
  });

  test.each([
    ['an unknown control action', 'POST', 'explode', {}, 404],
    ['a fail-next without a valid resource type', 'POST', 'fail-next', { resourceType: 'training-dataset', phase: 'CREATE' }, 400],
    ['faults with a rate above 1', 'POST', 'faults', { serverErrorRate: 2 }, 400],
  ])('fails: %s', async (_case, method, action, body, status) => {
    expect((await control(method, action, body)).status).toBe(status);
  });
});

describe('accounts, regions and partitions', () => {
  test.each([
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['eu-central-1', 'aws'],
  ])('in %s the emulator mints %s ARNs for its account', async (region, partition) => {
    const emulator = await CleanRoomsMlEmulator.start({ region, accountId: '999988887777' });
    try {
      const client = sdkClient(emulator, { region });
      const { trainingDatasetArn } = await client.createTrainingDataset(trainingDatasetRequest('data', {
        roleArn: `arn:${partition}:iam::999988887777:role/reader`,
      })).promise();

      expect(trainingDatasetArn).toMatch(new RegExp(`^arn:${partition}:cleanrooms-ml:${region}:999988887777:training-dataset/`));
      expect(emulator.partition).toBe(partition);
    } finally {
      await emulator.stop();
    }
  });

  test('fails: an account id that is not 12 digits or a malformed region is refused at start', async () => {
    await expect(CleanRoomsMlEmulator.start({ accountId: '1234' })).rejects.toThrow('accountId must be 12 digits');
    await expect(CleanRoomsMlEmulator.start({ region: 'mars' })).rejects.toThrow('region must look like us-east-1');
  });
});
