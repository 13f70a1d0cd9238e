import { createHash } from 'node:crypto';
import CleanRoomsML from 'aws-sdk/clients/cleanroomsml';
import {
  ACCOUNT_ID,
  caught,
  COLLABORATION_ID,
  configuredAudienceModelRequest,
  createPipeline,
  generationJobRequest,
  ManualClock,
  ONE_SECOND_PHASES,
  sdkClient,
  trainingDatasetRequest,
} from './helpers';
import { CleanRoomsMlEmulator } from '../../../src/local/emulator';

const clock = new ManualClock();
let emulator: CleanRoomsMlEmulator;
let client: CleanRoomsML;

beforeAll(async () => {
  emulator = await CleanRoomsMlEmulator.start({ clock: clock.now, timings: ONE_SECOND_PHASES });
  client = sdkClient(emulator);
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.reset());

const settle = async (): Promise<void> => clock.advance(10_000);

async function activeGenerationJob(prefix: string): Promise<{ configuredAudienceModelArn: string; audienceGenerationJobArn: string }> {
  const { configuredAudienceModelArn } = await createPipeline(client, prefix, settle);
  const { audienceGenerationJobArn } = await client.startAudienceGenerationJob(generationJobRequest(`${prefix}-job`, configuredAudienceModelArn)).promise();
  await settle();
  return { configuredAudienceModelArn, audienceGenerationJobArn };
}

describe('dependencies', () => {
  test('fails: deleting a training dataset used by an audience model, naming the model; succeeds once the model is gone', async () => {
    const { trainingDatasetArn, audienceModelArn, configuredAudienceModelArn } = await createPipeline(client, 'dep', settle);

    const refused = await caught(client.deleteTrainingDataset({ trainingDatasetArn }).promise());
    expect(refused).toMatchObject({ code: 'ConflictException', statusCode: 409 });
    expect(refused.message).toContain(audienceModelArn);

    await client.deleteConfiguredAudienceModel({ configuredAudienceModelArn }).promise();
    await client.deleteAudienceModel({ audienceModelArn }).promise();
    // Still deleting: the model still holds on to its dataset.
    expect((await caught(client.deleteTrainingDataset({ trainingDatasetArn }).promise())).code).toBe('ConflictException');
    await settle();
    await client.deleteTrainingDataset({ trainingDatasetArn }).promise();
    expect(emulator.inventory().trainingDatasets).toEqual([]);
  });

  test('fails: deleting an audience model used by a configured audience model, naming the configured model', async () => {
    const { audienceModelArn, configuredAudienceModelArn } = await createPipeline(client, 'dep', settle);

    const refused = await caught(client.deleteAudienceModel({ audienceModelArn }).promise());

    expect(refused).toMatchObject({ code: 'ConflictException', statusCode: 409 });
    expect(refused.message).toContain(configuredAudienceModelArn);
    expect((await client.getAudienceModel({ audienceModelArn }).promise()).status).toBe('ACTIVE');
  });

  test('fails: deleting a configured audience model used by a generation job, naming the job', async () => {
    const { configuredAudienceModelArn, audienceGenerationJobArn } = await activeGenerationJob('dep');

    const refused = await caught(client.deleteConfiguredAudienceModel({ configuredAudienceModelArn }).promise());

    expect(refused).toMatchObject({ code: 'ConflictException', statusCode: 409 });
    expect(refused.message).toContain(audienceGenerationJobArn);
  });

  test('deleting a configured audience model drops its resource policy with it', async () => {
    const { configuredAudienceModelArn } = await createPipeline(client, 'dep', settle);
    await client.putConfiguredAudienceModelPolicy({ configuredAudienceModelArn, configuredAudienceModelPolicy: '{"Version":"2012-10-17"}' }).promise();

    await client.deleteConfiguredAudienceModel({ configuredAudienceModelArn }).promise();

    expect((await caught(client.getConfiguredAudienceModelPolicy({ configuredAudienceModelArn }).promise())).code).toBe('ResourceNotFoundException');
    expect(emulator.inventory().configuredAudienceModels).toEqual([]);
  });

  test('fails: creating an audience model from a training dataset that does not exist', async () => {
    const missing = `arn:aws:cleanrooms-ml:us-east-1:${ACCOUNT_ID}:training-dataset/00000000-0000-0000-0000-000000000000`;

    const refused = await caught(client.createAudienceModel({ name: 'orphan', trainingDatasetArn: missing }).promise());

    expect(refused).toMatchObject({ code: 'ResourceNotFoundException', statusCode: 404 });
    expect(refused.message).toContain(missing);
  });

  test('fails: creating a configured audience model on an audience model that is still training', async () => {
    const { trainingDatasetArn } = await client.createTrainingDataset(trainingDatasetRequest('data')).promise();
    const { audienceModelArn } = await client.createAudienceModel({ name: 'training', trainingDatasetArn }).promise();
    clock.advance(1000);

    const refused = await caught(client.createConfiguredAudienceModel(configuredAudienceModelRequest('early', audienceModelArn)).promise());

    expect(refused.code).toBe('ValidationException');
    expect(refused.message).toMatch(/audienceModelArn must name an ACTIVE audience model; .* is CREATE_IN_PROGRESS/);
  });

  test('fails: creating a configured audience model on a failed audience model', async () => {
    const { trainingDatasetArn } = await client.createTrainingDataset(trainingDatasetRequest('data')).promise();
    const { audienceModelArn } = await client.createAudienceModel({ name: 'bad', trainingDatasetArn, tags: { 'emulator:fail': 'CREATE' } }).promise();
    await settle();

    const refused = await caught(client.createConfiguredAudienceModel(configuredAudienceModelRequest('on-failed', audienceModelArn)).promise());

    expect(refused.message).toContain('is CREATE_FAILED');
  });

  test('fails: starting a generation job on a configured audience model that does not exist', async () => {
    const missing = `arn:aws:cleanrooms-ml:us-east-1:${ACCOUNT_ID}:configured-audience-model/00000000-0000-0000-0000-000000000000`;

    const refused = await caught(client.startAudienceGenerationJob(generationJobRequest('job', missing)).promise());

    expect(refused).toMatchObject({ code: 'ResourceNotFoundException', statusCode: 404 });
  });

  test('fails: exporting a generation job that is not ACTIVE yet', async () => {
    const { configuredAudienceModelArn } = await createPipeline(client, 'p', settle);
    const { audienceGenerationJobArn } = await client.startAudienceGenerationJob(generationJobRequest('job', configuredAudienceModelArn)).promise();

    const refused = await caught(client.startAudienceExportJob({
      name: 'too-early', audienceGenerationJobArn, audienceSize: { type: 'ABSOLUTE', value: 10_000 },
    }).promise());

    expect(refused.code).toBe('ValidationException');
    expect(refused.message).toContain('is CREATE_PENDING');
  });

  test.each([
    ['a size that is not a configured bin', { type: 'ABSOLUTE', value: 20_000 }],
    ['a bin value of the other size type', { type: 'PERCENTAGE', value: 10 }],
  ])('fails: exporting %s', async (_case, audienceSize) => {
    const { audienceGenerationJobArn } = await activeGenerationJob('p');

    const refused = await caught(client.startAudienceExportJob({ name: 'export', audienceGenerationJobArn, audienceSize }).promise());

    expect(refused.code).toBe('ValidationException');
    expect(refused.message).toContain('ABSOLUTE 10000, 50000, 100000');
  });
});

describe('names, look-ups and roles', () => {
  test('fails: a second resource of a type with a name already in use, for every named type', async () => {
    const { trainingDatasetArn, audienceModelArn, configuredAudienceModelArn } = await createPipeline(client, 'taken', settle);
    await client.startAudienceGenerationJob(generationJobRequest('taken-job', configuredAudienceModelArn)).promise();

    const attempts = [
      client.createTrainingDataset(trainingDatasetRequest('taken-data')).promise(),
      client.createAudienceModel({ name: 'taken-model', trainingDatasetArn }).promise(),
      client.createConfiguredAudienceModel(configuredAudienceModelRequest('taken-configured', audienceModelArn)).promise(),
      client.startAudienceGenerationJob(generationJobRequest('taken-job', configuredAudienceModelArn)).promise(),
    ];

    for (const attempt of attempts) {
      expect(await caught(attempt)).toMatchObject({ code: 'ConflictException', statusCode: 409, message: expect.stringContaining('"taken-') });
    }
    // A name is only unique within its type.
    await client.createAudienceModel({ name: 'taken-data', trainingDatasetArn }).promise();
  });

  test('fails: an export job name already used for the same generation job; another generation job may reuse it', async () => {
    const { configuredAudienceModelArn, audienceGenerationJobArn } = await activeGenerationJob('p');
    const { audienceGenerationJobArn: otherJob } = await client.startAudienceGenerationJob(generationJobRequest('other', configuredAudienceModelArn)).promise();
    await settle();
    const size = { type: 'ABSOLUTE', value: 10_000 };
    await client.startAudienceExportJob({ name: 'weekly', audienceGenerationJobArn, audienceSize: size }).promise();

    const refused = await caught(client.startAudienceExportJob({ name: 'weekly', audienceGenerationJobArn, audienceSize: size }).promise());
    await client.startAudienceExportJob({ name: 'weekly', audienceGenerationJobArn: otherJob, audienceSize: size }).promise();

    expect(refused.code).toBe('ConflictException');
    expect((await client.listAudienceExportJobs().promise()).audienceExportJobs).toHaveLength(2);
  });

  const uuid = '11111111-2222-3333-4444-555555555555';
  test.each([
    ['an unknown ARN', `arn:aws:cleanrooms-ml:us-east-1:${ACCOUNT_ID}:audience-model/${uuid}`, 'not found'],
    ['an ARN of another account', `arn:aws:cleanrooms-ml:us-east-1:210987654321:audience-model/${uuid}`, 'account 210987654321'],
    ['an ARN of another region', `arn:aws:cleanrooms-ml:eu-west-1:${ACCOUNT_ID}:audience-model/${uuid}`, 'in eu-west-1'],
  ])('fails: GetAudienceModel with %s is ResourceNotFoundException', async (_case, audienceModelArn, reason) => {
    const refused = await caught(client.getAudienceModel({ audienceModelArn }).promise());

    expect(refused).toMatchObject({ code: 'ResourceNotFoundException', statusCode: 404 });
    expect(refused.message).toContain(reason);
  });

  test('fails: every read and delete of an unknown ARN is ResourceNotFoundException', async () => {
    const arn = (type: string): string => `arn:aws:cleanrooms-ml:us-east-1:${ACCOUNT_ID}:${type}/${uuid}`;
    const calls = [
      client.getTrainingDataset({ trainingDatasetArn: arn('training-dataset') }),
      client.deleteTrainingDataset({ trainingDatasetArn: arn('training-dataset') }),
      client.deleteAudienceModel({ audienceModelArn: arn('audience-model') }),
      client.getConfiguredAudienceModel({ configuredAudienceModelArn: arn('configured-audience-model') }),
      client.updateConfiguredAudienceModel({ configuredAudienceModelArn: arn('configured-audience-model'), description: 'x' }),
      client.deleteConfiguredAudienceModel({ configuredAudienceModelArn: arn('configured-audience-model') }),
      client.getConfiguredAudienceModelPolicy({ configuredAudienceModelArn: arn('configured-audience-model') }),
      client.putConfiguredAudienceModelPolicy({ configuredAudienceModelArn: arn('configured-audience-model'), configuredAudienceModelPolicy: '{}' }),
      client.deleteConfiguredAudienceModelPolicy({ configuredAudienceModelArn: arn('configured-audience-model') }),
      client.getAudienceGenerationJob({ audienceGenerationJobArn: arn('audience-generation-job') }),
      client.deleteAudienceGenerationJob({ audienceGenerationJobArn: arn('audience-generation-job') }),
      client.startAudienceExportJob({ name: 'x', audienceGenerationJobArn: arn('audience-generation-job'), audienceSize: { type: 'ABSOLUTE', value: 1 } }),
      client.listTagsForResource({ resourceArn: arn('audience-generation-job') }),
      client.tagResource({ resourceArn: arn('configured-model-algorithm'), tags: { a: 'b' } }),
    ];

    for (const call of calls) {
      expect((await caught(call.promise())).code).toBe('ResourceNotFoundException');
    }
  });

  test.each([
    ['CreateTrainingDataset roleArn', 'roleArn', () => client.createTrainingDataset(trainingDatasetRequest('data', { roleArn: 'arn:aws:iam::210987654321:role/theirs' }))],
    ['StartAudienceGenerationJob seedAudience.roleArn', 'seedAudience.roleArn', () => client.startAudienceGenerationJob(generationJobRequest(
      'job', `arn:aws:cleanrooms-ml:us-east-1:${ACCOUNT_ID}:configured-audience-model/${uuid}`,
      { seedAudience: { dataSource: { s3Uri: 's3://seeds/a.csv' }, roleArn: 'arn:aws:iam::210987654321:role/theirs' } },
    ))],
  ])('fails: a role from another account in %s is AccessDeniedException', async (_case, field, call) => {
    const refused = await caught(call().promise());

    expect(refused).toMatchObject({ code: 'AccessDeniedException', statusCode: 403 });
    expect(refused.message).toContain(`${field} arn:aws:iam::210987654321:role/theirs is not in account ${ACCOUNT_ID}`);
  });

  test('fails: a configured audience model whose output role is in another account, on create and on update', async () => {
    const { audienceModelArn, configuredAudienceModelArn } = await createPipeline(client, 'p', settle);
    const foreignOutput = { destination: { s3Destination: { s3Uri: 's3://b/p' } }, roleArn: 'arn:aws:iam::210987654321:role/theirs' };

    const onCreate = await caught(client.createConfiguredAudienceModel(
      configuredAudienceModelRequest('foreign', audienceModelArn, { outputConfig: foreignOutput }),
    ).promise());
    const onUpdate = await caught(client.updateConfiguredAudienceModel({ configuredAudienceModelArn, outputConfig: foreignOutput, description: 'new' }).promise());

    expect([onCreate.code, onUpdate.code]).toEqual(['AccessDeniedException', 'AccessDeniedException']);
    // A refused update changes nothing, not even the fields that were valid.
    expect((await client.getConfiguredAudienceModel({ configuredAudienceModelArn }).promise()).description).toBeUndefined();
  });
});

describe('resource policy', () => {
  const policyV1 = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '210987654321' }, Action: '*' }] });
  const policyV2 = JSON.stringify({ Version: '2012-10-17', Statement: [] });
  const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
  type PutResult = CleanRoomsML.PutConfiguredAudienceModelPolicyResponse;
  const putPolicy = (configuredAudienceModelArn: string, configuredAudienceModelPolicy: string): Promise<PutResult> =>
    client.putConfiguredAudienceModelPolicy({ configuredAudienceModelArn, configuredAudienceModelPolicy }).promise();

  test('Put stores the policy and returns its SHA-256 hash; Get returns both; Delete removes it', async () => {
    const { configuredAudienceModelArn } = await createPipeline(client, 'p', settle);

    const put = await putPolicy(configuredAudienceModelArn, policyV1);
    const got = await client.getConfiguredAudienceModelPolicy({ configuredAudienceModelArn }).promise();
    expect(put).toEqual({ configuredAudienceModelPolicy: policyV1, policyHash: sha256(policyV1) });
    expect(got).toEqual({ configuredAudienceModelArn, configuredAudienceModelPolicy: policyV1, policyHash: sha256(policyV1) });
    expect(emulator.inventory().configuredAudienceModels[0].policy)
      .toEqual({ configuredAudienceModelPolicy: policyV1, policyHash: sha256(policyV1) });

    await client.deleteConfiguredAudienceModelPolicy({ configuredAudienceModelArn }).promise();
    expect((await caught(client.getConfiguredAudienceModelPolicy({ configuredAudienceModelArn }).promise())).code).toBe('ResourceNotFoundException');
    expect((await caught(client.deleteConfiguredAudienceModelPolicy({ configuredAudienceModelArn }).promise())).code).toBe('ResourceNotFoundException');
  });

  test('a Put with the current previousPolicyHash replaces the policy', async () => {
    const { configuredAudienceModelArn } = await createPipeline(client, 'p', settle);
    const { policyHash } = await putPolicy(configuredAudienceModelArn, policyV1);

    const replaced = await client.putConfiguredAudienceModelPolicy({
      configuredAudienceModelArn, configuredAudienceModelPolicy: policyV2, previousPolicyHash: policyHash, policyExistenceCondition: 'POLICY_MUST_EXIST',
    }).promise();

    expect(replaced.policyHash).toBe(sha256(policyV2));
  });

  test('fails: a Put with a stale previousPolicyHash leaves the newer policy in place', async () => {
    const { configuredAudienceModelArn } = await createPipeline(client, 'p', settle);
    const { policyHash: staleHash } = await putPolicy(configuredAudienceModelArn, policyV1);
    await putPolicy(configuredAudienceModelArn, policyV2);

    const refused = await caught(client.putConfiguredAudienceModelPolicy({
      configuredAudienceModelArn, configuredAudienceModelPolicy: policyV1, previousPolicyHash: staleHash,
    }).promise());

    expect(refused.code).toBe('ValidationException');
    expect(refused.message).toContain(`previousPolicyHash ${staleHash} does not match the current policy hash ${sha256(policyV2)}`);
    expect((await client.getConfiguredAudienceModelPolicy({ configuredAudienceModelArn }).promise()).configuredAudienceModelPolicy).toBe(policyV2);
  });

  test('fails: policyExistenceCondition POLICY_MUST_EXIST without a policy, and POLICY_MUST_NOT_EXIST with one', async () => {
    const { configuredAudienceModelArn } = await createPipeline(client, 'p', settle);

    const mustExist = await caught(client.putConfiguredAudienceModelPolicy({
      configuredAudienceModelArn, configuredAudienceModelPolicy: policyV1, policyExistenceCondition: 'POLICY_MUST_EXIST',
    }).promise());
    await client.putConfiguredAudienceModelPolicy({
      configuredAudienceModelArn, configuredAudienceModelPolicy: policyV1, policyExistenceCondition: 'POLICY_MUST_NOT_EXIST',
    }).promise();
    const mustNotExist = await caught(client.putConfiguredAudienceModelPolicy({
      configuredAudienceModelArn, configuredAudienceModelPolicy: policyV2, policyExistenceCondition: 'POLICY_MUST_NOT_EXIST',
    }).promise());

    expect(mustExist).toMatchObject({ code: 'ValidationException', message: expect.stringContaining('has no policy') });
    expect(mustNotExist).toMatchObject({ code: 'ValidationException', message: expect.stringContaining('already has a policy') });
    expect((await client.getConfiguredAudienceModelPolicy({ configuredAudienceModelArn }).promise()).configuredAudienceModelPolicy).toBe(policyV1);
  });
});

describe('tags', () => {
  test('Tag, Untag and ListTagsForResource work on all four ARN types, and Get shows the tags', async () => {
    const { trainingDatasetArn, audienceModelArn, configuredAudienceModelArn } = await createPipeline(client, 'p', settle);
    const { audienceGenerationJobArn } = await client.startAudienceGenerationJob(generationJobRequest('job', configuredAudienceModelArn)).promise();

    for (const resourceArn of [trainingDatasetArn, audienceModelArn, configuredAudienceModelArn, audienceGenerationJobArn]) {
      await client.tagResource({ resourceArn, tags: { stage: 'test', owner: 'growth', value: 'aws:allowed-in-values' } }).promise();
      await client.untagResource({ resourceArn, tagKeys: ['owner', 'never-set'] }).promise();
      expect((await client.listTagsForResource({ resourceArn }).promise()).tags).toEqual({ stage: 'test', value: 'aws:allowed-in-values' });
    }
    expect((await client.getTrainingDataset({ trainingDatasetArn }).promise()).tags).toEqual({ stage: 'test', value: 'aws:allowed-in-values' });
    expect((await client.getConfiguredAudienceModel({ configuredAudienceModelArn }).promise()).tags).toEqual({ stage: 'test', value: 'aws:allowed-in-values' });
  });

  test.each([
    ['a create', () => client.createTrainingDataset(trainingDatasetRequest('data', { tags: { 'aws:cloudformation:stack-name': 'x' } }))],
    ['TagResource', () => client.tagResource({ resourceArn: emulator.inventory().trainingDatasets[0].trainingDatasetArn, tags: { 'AWS:Owner': 'x' } })],
    ['UntagResource', () => client.untagResource({ resourceArn: emulator.inventory().trainingDatasets[0].trainingDatasetArn, tagKeys: ['Aws:x'] })],
  ])('fails: reserved aws: tag keys (any case) in %s', async (_case, call) => {
    await client.createTrainingDataset(trainingDatasetRequest('existing')).promise();

    const refused = await caught(call().promise());

    expect(refused.code).toBe('ValidationException');
    expect(refused.message).toMatch(/key "aws:.*" is reserved/i);
  });

  test('fails: TagResource that would give a resource more than 50 tags', async () => {
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`key${index}`, 'v']));
    const { trainingDatasetArn } = await client.createTrainingDataset(trainingDatasetRequest('data', { tags: fifty })).promise();

    await client.tagResource({ resourceArn: trainingDatasetArn, tags: { key0: 'replaced' } }).promise();
    const refused = await caught(client.tagResource({ resourceArn: trainingDatasetArn, tags: { key50: 'one too many' } }).promise());

    expect(refused.code).toBe('ValidationException');
    expect(refused.message).toContain('51 tags; a resource can have at most 50');
  });
});

describe('pagination and filters', () => {
  test('every item is listed exactly once across pages, and the last page has no nextToken', async () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    for (const name of names) {
      await client.createTrainingDataset(trainingDatasetRequest(name)).promise();
      clock.advance(1);
    }

    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.listTrainingDatasets({ maxResults: 2, nextToken }).promise();
      pages.push(page.trainingDatasets.map((dataset) => dataset.name!));
      nextToken = page.nextToken;
    } while (nextToken);

    expect(pages).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  test('resources created within one millisecond are listed, page after page, in the order they were created', async () => {
    // The clock stands still: every create below shares one createTime, so
    // only the emulator's own creation order can put the lists in order.
    const { audienceModelArn, configuredAudienceModelArn } = await createPipeline(client, 'base', settle);
    const datasets = Array.from({ length: 30 }, (_, index) => `same-ms-${index}`);
    for (const name of datasets) {
      await client.createTrainingDataset(trainingDatasetRequest(name)).promise();
    }
    const configured = Array.from({ length: 9 }, (_, index) => `configured-${index}`);
    for (const name of configured) {
      await client.createConfiguredAudienceModel(configuredAudienceModelRequest(name, audienceModelArn)).promise();
    }
    const jobs = Array.from({ length: 8 }, (_, index) => `job-${index}`);
    const jobArns: string[] = [];
    for (const name of jobs) {
      const { audienceGenerationJobArn } = await client.startAudienceGenerationJob(generationJobRequest(name, configuredAudienceModelArn)).promise();
      jobArns.push(audienceGenerationJobArn);
    }
    await settle();
    const exportSizes = [100_000, 10_000, 50_000];
    for (const value of exportSizes) {
      await client.startAudienceExportJob({ name: `export-${value}`, audienceGenerationJobArn: jobArns[3], audienceSize: { type: 'ABSOLUTE', value } }).promise();
    }
    const createTimes = new Set((await client.listTrainingDatasets({ maxResults: 100 }).promise()).trainingDatasets
      .filter((dataset) => dataset.name.startsWith('same-ms-'))
      .map((dataset) => dataset.createTime.getTime()));

    const pagesOf = async <T>(list: (nextToken?: string) => Promise<{ items: T[]; nextToken?: string }>): Promise<T[][]> => {
      const pages: T[][] = [];
      let nextToken: string | undefined;
      do {
        const page = await list(nextToken);
        pages.push(page.items);
        nextToken = page.nextToken;
      } while (nextToken);
      return pages;
    };
    const chunks = <T>(items: T[], size: number): T[][] =>
      Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));

    expect(createTimes.size).toBe(1);
    expect(await pagesOf(async (nextToken) => {
      const page = await client.listTrainingDatasets({ maxResults: 4, nextToken }).promise();
      return { items: page.trainingDatasets.map((dataset) => dataset.name), nextToken: page.nextToken };
    })).toEqual(chunks(['base-data', ...datasets], 4));
    expect(await pagesOf(async (nextToken) => {
      const page = await client.listConfiguredAudienceModels({ maxResults: 4, nextToken }).promise();
      return { items: page.configuredAudienceModels.map((model) => model.name), nextToken: page.nextToken };
    })).toEqual(chunks(['base-configured', ...configured], 4));
    expect(await pagesOf(async (nextToken) => {
      const page = await client.listAudienceGenerationJobs({ configuredAudienceModelArn, maxResults: 3, nextToken }).promise();
      return { items: page.audienceGenerationJobs.map((job) => job.name), nextToken: page.nextToken };
    })).toEqual(chunks(jobs, 3));
    expect(await pagesOf(async (nextToken) => {
      const page = await client.listAudienceExportJobs({ audienceGenerationJobArn: jobArns[3], maxResults: 2, nextToken }).promise();
      return { items: page.audienceExportJobs.map((exportJob) => exportJob.name), nextToken: page.nextToken };
    })).toEqual(chunks(exportSizes.map((value) => `export-${value}`), 2));
  });

  test('an item deleted between pages neither shifts nor repeats the rest', async () => {
    const arns: string[] = [];
    for (const name of ['a', 'b', 'c', 'd']) {
      arns.push((await client.createTrainingDataset(trainingDatasetRequest(name)).promise()).trainingDatasetArn);
      clock.advance(1);
    }
    const first = await client.listTrainingDatasets({ maxResults: 2 }).promise();
    await client.deleteTrainingDataset({ trainingDatasetArn: arns[0] }).promise();

    const second = await client.listTrainingDatasets({ maxResults: 2, nextToken: first.nextToken }).promise();

    expect(second.trainingDatasets.map((dataset) => dataset.name)).toEqual(['c', 'd']);
  });

  test.each([
    ['a token that is not one', 'garbage-token', 'nextToken is invalid'],
    ['a token of another list operation', 'other-operation', 'issued by ListTrainingDatasets, not ListAudienceModels'],
  ])('fails: %s', async (_case, kind, message) => {
    for (const name of ['a', 'b', 'c']) {
      await client.createTrainingDataset(trainingDatasetRequest(name)).promise();
    }
    const { nextToken } = await client.listTrainingDatasets({ maxResults: 1 }).promise();

    const refused = await caught(client.listAudienceModels({ nextToken: kind === 'garbage-token' ? 'not-a-token' : nextToken }).promise());

    expect(refused.code).toBe('ValidationException');
    expect(refused.message).toContain(message);
  });

  test('fails: a nextToken reused with other filter values', async () => {
    const { configuredAudienceModelArn } = await createPipeline(client, 'p', settle);
    for (const name of ['j1', 'j2']) {
      await client.startAudienceGenerationJob(
        generationJobRequest(name, configuredAudienceModelArn, { collaborationId: COLLABORATION_ID }),
      ).promise();
    }
    const { nextToken } = await client.listAudienceGenerationJobs({ configuredAudienceModelArn, maxResults: 1 }).promise();

    const refused = await caught(client.listAudienceGenerationJobs({ collaborationId: COLLABORATION_ID, maxResults: 1, nextToken }).promise());

    expect(refused).toMatchObject({ code: 'ValidationException', message: expect.stringContaining('other filter values') });
  });

  test('ListAudienceGenerationJobs filters by configured audience model and collaboration; ListAudienceExportJobs by generation job', async () => {
    const { audienceModelArn, configuredAudienceModelArn: first } = await createPipeline(client, 'p', settle);
    const { configuredAudienceModelArn: second } = await client.createConfiguredAudienceModel(configuredAudienceModelRequest('second', audienceModelArn)).promise();
    const otherCollaboration = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
    const { audienceGenerationJobArn: jobA } = await client.startAudienceGenerationJob(
      generationJobRequest('a', first, { collaborationId: COLLABORATION_ID })).promise();
    await client.startAudienceGenerationJob(generationJobRequest('b', first, { collaborationId: otherCollaboration })).promise();
    const { audienceGenerationJobArn: jobC } = await client.startAudienceGenerationJob(
      generationJobRequest('c', second, { collaborationId: COLLABORATION_ID })).promise();
    await settle();
    const size = { type: 'ABSOLUTE', value: 10_000 };
    await client.startAudienceExportJob({ name: 'x', audienceGenerationJobArn: jobA, audienceSize: size }).promise();
    await client.startAudienceExportJob({ name: 'y', audienceGenerationJobArn: jobC, audienceSize: size }).promise();

    const names = async (filter: CleanRoomsML.ListAudienceGenerationJobsRequest): Promise<string[]> =>
      (await client.listAudienceGenerationJobs(filter).promise()).audienceGenerationJobs.map((job) => job.name).sort();
    expect(await names({ configuredAudienceModelArn: first })).toEqual(['a', 'b']);
    expect(await names({ collaborationId: COLLABORATION_ID })).toEqual(['a', 'c']);
    expect(await names({ configuredAudienceModelArn: first, collaborationId: COLLABORATION_ID })).toEqual(['a']);
    expect(await names({})).toEqual(['a', 'b', 'c']);
    expect((await client.listAudienceExportJobs({ audienceGenerationJobArn: jobC }).promise()).audienceExportJobs.map((job) => job.name)).toEqual(['y']);
  });
});

describe('quotas', () => {
  test('fails: a third audience model training while two are in progress, with quotaName and quotaValue; fine once they finish', async () => {
    const { trainingDatasetArn } = await client.createTrainingDataset(trainingDatasetRequest('data')).promise();
    await client.createAudienceModel({ name: 'm1', trainingDatasetArn }).promise();
    await client.createAudienceModel({ name: 'm2', trainingDatasetArn }).promise();

    const refused = await caught(client.createAudienceModel({ name: 'm3', trainingDatasetArn }).promise());
    expect(refused).toMatchObject({ code: 'ServiceQuotaExceededException', statusCode: 402 });

    const raw = client.createAudienceModel({ name: 'm3', trainingDatasetArn });
    const rejection = await new Promise<{ quotaName: string; quotaValue: number }>((resolve) => {
      raw.on('complete', (response) => resolve(JSON.parse(String(response.httpResponse.body))));
      raw.send();
    });
    expect(rejection).toMatchObject({ quotaName: 'Concurrent audience model trainings', quotaValue: 2 });

    await settle();
    await client.createAudienceModel({ name: 'm3', trainingDatasetArn }).promise();
  });

  test('quotas are configurable: generation jobs, export jobs per account, and exports per generation job', async () => {
    const limited = await CleanRoomsMlEmulator.start({
      clock: clock.now,
      timings: ONE_SECOND_PHASES,
      quotas: { audienceGenerationJobs: 1, audienceExportJobs: 1, activeExportJobsPerGenerationJob: 2 },
    });
    try {
      const limitedClient = sdkClient(limited);
      const { configuredAudienceModelArn } = await createPipeline(limitedClient, 'q', settle);
      const { audienceGenerationJobArn } = await limitedClient.startAudienceGenerationJob(generationJobRequest('j1', configuredAudienceModelArn)).promise();
      const secondJob = await caught(limitedClient.startAudienceGenerationJob(generationJobRequest('j2', configuredAudienceModelArn)).promise());
      expect(secondJob).toMatchObject({ code: 'ServiceQuotaExceededException', message: expect.stringContaining('Concurrent audience generation jobs') });
      await settle();

      const size = { type: 'ABSOLUTE', value: 10_000 };
      await limitedClient.startAudienceExportJob({ name: 'e1', audienceGenerationJobArn, audienceSize: size }).promise();
      const secondExport = await caught(limitedClient.startAudienceExportJob({ name: 'e2', audienceGenerationJobArn, audienceSize: size }).promise());
      expect(secondExport.message).toContain('Concurrent audience export jobs');
      await settle();
      await limitedClient.startAudienceExportJob({ name: 'e2', audienceGenerationJobArn, audienceSize: size }).promise();
      await settle();
      const thirdExport = await caught(limitedClient.startAudienceExportJob({ name: 'e3', audienceGenerationJobArn, audienceSize: size }).promise());
      expect(thirdExport.message).toContain('Active audience export jobs per audience generation job');
    } finally {
      await limited.stop();
    }
  });
});
