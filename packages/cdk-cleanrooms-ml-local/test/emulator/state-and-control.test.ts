import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  caught,
  createPipeline,
  generationJobRequest,
  ManualClock,
  ONE_SECOND_PHASES,
  emulatorClient,
  trainingDatasetRequest,
} from './helpers';
import { CleanRoomsMlEmulator } from '../../src/emulator';

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
    const firstClient = emulatorClient(first);
    const { trainingDatasetArn } = await firstClient.send('CreateTrainingDataset', trainingDatasetRequest('kept', { tags: { team: 'growth' } }));
    const { audienceModelArn } = await firstClient.send('CreateAudienceModel', { name: 'training', trainingDatasetArn });
    first.failNext({ resourceType: 'audience-generation-job', phase: 'CREATE', message: 'queued before the restart' });
    expect((await firstClient.send('GetAudienceModel', { audienceModelArn })).status).toBe('CREATE_PENDING');
    await first.stop();

    clock.advance(1500);
    const second = await CleanRoomsMlEmulator.start(options);
    try {
      const client = emulatorClient(second);
      expect((await client.send('GetTrainingDataset', { trainingDatasetArn })).tags).toEqual({ team: 'growth' });
      expect((await client.send('GetAudienceModel', { audienceModelArn })).status).toBe('CREATE_IN_PROGRESS');
      clock.advance(1000);
      expect((await client.send('GetAudienceModel', { audienceModelArn })).status).toBe('ACTIVE');
      // Names stay taken across the restart.
      expect((await caught(client.send('CreateTrainingDataset', trainingDatasetRequest('kept')))).code).toBe('ConflictException');

      const { configuredAudienceModelArn } = await client.send('CreateConfiguredAudienceModel', {
        name: 'configured',
        audienceModelArn,
        outputConfig: { destination: { s3Destination: { s3Uri: 's3://out/' } }, roleArn: 'arn:aws:iam::123456789012:role/writer' },
        sharedAudienceMetrics: ['NONE'],
      });
      const { audienceGenerationJobArn } = await client.send('StartAudienceGenerationJob', generationJobRequest('job', configuredAudienceModelArn));
      clock.advance(10_000);
      expect((await client.send('GetAudienceGenerationJob', { audienceGenerationJobArn })).statusDetails?.message).toBe('queued before the restart');
    } finally {
      await second.stop();
    }
    expect(JSON.parse(readFileSync(stateFile, 'utf-8'))).toMatchObject({ version: 3, accountId: '123456789012', region: 'us-east-1', accountIds: ['123456789012'] });
  });

  test('the creation order survives a restart: lists keep it and new resources come after the old ones, all in one millisecond', async () => {
    const stateFile = join(directory, 'state.json');
    const clock = new ManualClock();
    const first = await CleanRoomsMlEmulator.start({ clock: clock.now, stateFile });
    for (const name of ['z', 'y', 'x']) {
      await emulatorClient(first).send('CreateTrainingDataset', trainingDatasetRequest(name));
    }
    await first.stop();

    const second = await CleanRoomsMlEmulator.start({ clock: clock.now, stateFile });
    try {
      const client = emulatorClient(second);
      const { nextToken } = await client.send('ListTrainingDatasets', { maxResults: 2 });
      for (const name of ['w', 'v']) {
        await client.send('CreateTrainingDataset', trainingDatasetRequest(name));
      }
      const rest = await client.send('ListTrainingDatasets', { maxResults: 10, nextToken });

      expect(rest.trainingDatasets.map((dataset: { name: string }) => dataset.name)).toEqual(['x', 'w', 'v']);
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
      await emulatorClient(first).send('CreateTrainingDataset', trainingDatasetRequest(name));
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
      await emulatorClient(second).send('CreateTrainingDataset', trainingDatasetRequest('newest'));

      expect(second.inventory().trainingDatasets.map((dataset) => dataset.name)).toEqual(['early', 'late', 'newest']);
    } finally {
      await second.stop();
    }
  });

  test('fails: a state file written for another account is refused at start', async () => {
    const stateFile = join(directory, 'state.json');
    const first = await CleanRoomsMlEmulator.start({ stateFile });
    await emulatorClient(first).send('CreateTrainingDataset', trainingDatasetRequest('data'));
    await first.stop();

    await expect(CleanRoomsMlEmulator.start({ stateFile, accountId: '210987654321' }))
      .rejects.toThrow('holds the state of account 123456789012 in us-east-1; this emulator serves account 210987654321 in us-east-1');
  });

  test('reset also empties the state file', async () => {
    const stateFile = join(directory, 'state.json');
    const first = await CleanRoomsMlEmulator.start({ stateFile });
    await emulatorClient(first).send('CreateTrainingDataset', trainingDatasetRequest('data'));
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
    const client = emulatorClient(emulator);
    const { configuredAudienceModelArn, audienceModelArn } = await createPipeline(client, 'inv', async () => clock.advance(10_000));
    await client.send('TagResource', { resourceArn: audienceModelArn, tags: { stage: 'demo' } });
    await client.send('PutConfiguredAudienceModelPolicy', { configuredAudienceModelArn, configuredAudienceModelPolicy: '{"Version":"2012-10-17"}' });
    await client.send('StartAudienceGenerationJob', generationJobRequest('inv-job', configuredAudienceModelArn));

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
    const client = emulatorClient(emulator);
    await client.send('CreateTrainingDataset', trainingDatasetRequest('data'));

    expect(await control('GET', 'health')).toEqual({
      status: 200,
      body: { status: 'ok', accountId: '123456789012', region: 'us-east-1', accounts: [{ accountId: '123456789012', accessKeyId: 'test' }] },
    });
    expect((await control('GET', 'stats')).body).toMatchObject({ calls: { CreateTrainingDataset: 1 }, totalCalls: 1 });

    expect((await control('POST', 'reset')).status).toBe(200);
    expect(emulator.inventory().trainingDatasets).toEqual([]);
    expect(emulator.stats().totalCalls).toBe(0);

    expect(await control('POST', 'faults', { throttleRate: 1 })).toEqual({ status: 200, body: { faults: { throttleRate: 1 } } });
    expect((await caught(client.send('ListTrainingDatasets'))).code).toBe('ThrottlingException');
    await control('POST', 'faults', {});

    expect((await control('POST', 'fail-next', { resourceType: 'audience-model', phase: 'CREATE', message: 'over HTTP' })).status).toBe(200);
    const { trainingDatasetArn } = await client.send('CreateTrainingDataset', trainingDatasetRequest('data'));
    const { audienceModelArn } = await client.send('CreateAudienceModel', { name: 'model', trainingDatasetArn });
    clock.advance(10_000);
    expect((await client.send('GetAudienceModel', { audienceModelArn })).statusDetails?.message).toBe('over HTTP');
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
      const client = emulatorClient(emulator, { region });
      const { trainingDatasetArn } = await client.send('CreateTrainingDataset', trainingDatasetRequest('data', {
        roleArn: `arn:${partition}:iam::999988887777:role/reader`,
      }));

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
