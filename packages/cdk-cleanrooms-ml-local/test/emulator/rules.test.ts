import { createHash } from 'node:crypto';
import {
  ACCOUNT_ID,
  caught,
  COLLABORATION_ID,
  configuredAudienceModelRequest,
  createPipeline,
  generationJobRequest,
  ManualClock,
  ONE_SECOND_PHASES,
  emulatorClient,
  trainingDatasetRequest,
} from './helpers';
import { CleanRoomsMlEmulator } from '../../src/emulator';
import type { ModelClient, ServiceError } from '../fixtures/model-client';

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

async function activeGenerationJob(prefix: string): Promise<{ configuredAudienceModelArn: string; audienceGenerationJobArn: string }> {
  const { configuredAudienceModelArn } = await createPipeline(client, prefix, settle);
  const { audienceGenerationJobArn } = await client.send('StartAudienceGenerationJob', generationJobRequest(`${prefix}-job`, configuredAudienceModelArn));
  await settle();
  return { configuredAudienceModelArn, audienceGenerationJobArn };
}

describe('dependencies', () => {
  test('fails: deleting a training dataset used by an audience model, naming the model; succeeds once the model is gone', async () => {
    const { trainingDatasetArn, audienceModelArn, configuredAudienceModelArn } = await createPipeline(client, 'dep', settle);

    const refused = await caught(client.send('DeleteTrainingDataset', { trainingDatasetArn }));
    expect(refused).toMatchObject({ code: 'ConflictException', statusCode: 409 });
    expect(refused.message).toContain(audienceModelArn);

    await client.send('DeleteConfiguredAudienceModel', { configuredAudienceModelArn });
    await client.send('DeleteAudienceModel', { audienceModelArn });
    // Still deleting: the model still holds on to its dataset.
    expect((await caught(client.send('DeleteTrainingDataset', { trainingDatasetArn }))).code).toBe('ConflictException');
    await settle();
    await client.send('DeleteTrainingDataset', { trainingDatasetArn });
    expect(emulator.inventory().trainingDatasets).toEqual([]);
  });

  test('fails: deleting an audience model used by a configured audience model, naming the configured model', async () => {
    const { audienceModelArn, configuredAudienceModelArn } = await createPipeline(client, 'dep', settle);

    const refused = await caught(client.send('DeleteAudienceModel', { audienceModelArn }));

    expect(refused).toMatchObject({ code: 'ConflictException', statusCode: 409 });
    expect(refused.message).toContain(configuredAudienceModelArn);
    expect((await client.send('GetAudienceModel', { audienceModelArn })).status).toBe('ACTIVE');
  });

  test('fails: deleting a configured audience model used by a generation job, naming the job', async () => {
    const { configuredAudienceModelArn, audienceGenerationJobArn } = await activeGenerationJob('dep');

    const refused = await caught(client.send('DeleteConfiguredAudienceModel', { configuredAudienceModelArn }));

    expect(refused).toMatchObject({ code: 'ConflictException', statusCode: 409 });
    expect(refused.message).toContain(audienceGenerationJobArn);
  });

  test('deleting a configured audience model drops its resource policy with it', async () => {
    const { configuredAudienceModelArn } = await createPipeline(client, 'dep', settle);
    await client.send('PutConfiguredAudienceModelPolicy', { configuredAudienceModelArn, configuredAudienceModelPolicy: '{"Version":"2012-10-17"}' });

    await client.send('DeleteConfiguredAudienceModel', { configuredAudienceModelArn });

    expect((await caught(client.send('GetConfiguredAudienceModelPolicy', { configuredAudienceModelArn }))).code).toBe('ResourceNotFoundException');
    expect(emulator.inventory().configuredAudienceModels).toEqual([]);
  });

  test('fails: creating an audience model from a training dataset that does not exist', async () => {
    const missing = `arn:aws:cleanrooms-ml:us-east-1:${ACCOUNT_ID}:training-dataset/00000000-0000-0000-0000-000000000000`;

    const refused = await caught(client.send('CreateAudienceModel', { name: 'orphan', trainingDatasetArn: missing }));

    expect(refused).toMatchObject({ code: 'ResourceNotFoundException', statusCode: 404 });
    expect(refused.message).toContain(missing);
  });

  test('fails: creating a configured audience model on an audience model that is still training', async () => {
    const { trainingDatasetArn } = await client.send('CreateTrainingDataset', trainingDatasetRequest('data'));
    const { audienceModelArn } = await client.send('CreateAudienceModel', { name: 'training', trainingDatasetArn });
    clock.advance(1000);

    const refused = await caught(client.send('CreateConfiguredAudienceModel', configuredAudienceModelRequest('early', audienceModelArn)));

    expect(refused.code).toBe('ValidationException');
    expect(refused.message).toMatch(/audienceModelArn must name an ACTIVE audience model; .* is CREATE_IN_PROGRESS/);
  });

  test('fails: creating a configured audience model on a failed audience model', async () => {
    const { trainingDatasetArn } = await client.send('CreateTrainingDataset', trainingDatasetRequest('data'));
    const { audienceModelArn } = await client.send('CreateAudienceModel', { name: 'bad', trainingDatasetArn, tags: { 'emulator:fail': 'CREATE' } });
    await settle();

    const refused = await caught(client.send('CreateConfiguredAudienceModel', configuredAudienceModelRequest('on-failed', audienceModelArn)));

    expect(refused.message).toContain('is CREATE_FAILED');
  });

  test('fails: starting a generation job on a configured audience model that does not exist', async () => {
    const missing = `arn:aws:cleanrooms-ml:us-east-1:${ACCOUNT_ID}:configured-audience-model/00000000-0000-0000-0000-000000000000`;

    const refused = await caught(client.send('StartAudienceGenerationJob', generationJobRequest('job', missing)));

    expect(refused).toMatchObject({ code: 'ResourceNotFoundException', statusCode: 404 });
  });

  test('fails: exporting a generation job that is not ACTIVE yet', async () => {
    const { configuredAudienceModelArn } = await createPipeline(client, 'p', settle);
    const { audienceGenerationJobArn } = await client.send('StartAudienceGenerationJob', generationJobRequest('job', configuredAudienceModelArn));

    const refused = await caught(client.send('StartAudienceExportJob', {
      name: 'too-early', audienceGenerationJobArn, audienceSize: { type: 'ABSOLUTE', value: 10_000 },
    }));

    expect(refused.code).toBe('ValidationException');
    expect(refused.message).toContain('is CREATE_PENDING');
  });

  test.each([
    ['a size that is not a configured bin', { type: 'ABSOLUTE', value: 20_000 }],
    ['a bin value of the other size type', { type: 'PERCENTAGE', value: 10 }],
  ])('fails: exporting %s', async (_case, audienceSize) => {
    const { audienceGenerationJobArn } = await activeGenerationJob('p');

    const refused = await caught(client.send('StartAudienceExportJob', { name: 'export', audienceGenerationJobArn, audienceSize }));

    expect(refused.code).toBe('ValidationException');
    expect(refused.message).toContain('ABSOLUTE 10000, 50000, 100000');
  });
});

describe('names, look-ups and roles', () => {
  test('fails: a second resource of a type with a name already in use, for every named type', async () => {
    const { trainingDatasetArn, audienceModelArn, configuredAudienceModelArn } = await createPipeline(client, 'taken', settle);
    await client.send('StartAudienceGenerationJob', generationJobRequest('taken-job', configuredAudienceModelArn));

    const attempts = [
      client.send('CreateTrainingDataset', trainingDatasetRequest('taken-data')),
      client.send('CreateAudienceModel', { name: 'taken-model', trainingDatasetArn }),
      client.send('CreateConfiguredAudienceModel', configuredAudienceModelRequest('taken-configured', audienceModelArn)),
      client.send('StartAudienceGenerationJob', generationJobRequest('taken-job', configuredAudienceModelArn)),
    ];

    for (const attempt of attempts) {
      expect(await caught(attempt)).toMatchObject({ code: 'ConflictException', statusCode: 409, message: expect.stringContaining('"taken-') });
    }
    // A name is only unique within its type.
    await client.send('CreateAudienceModel', { name: 'taken-data', trainingDatasetArn });
  });

  test('fails: an export job name already used for the same generation job; another generation job may reuse it', async () => {
    const { configuredAudienceModelArn, audienceGenerationJobArn } = await activeGenerationJob('p');
    const { audienceGenerationJobArn: otherJob } = await client.send('StartAudienceGenerationJob', generationJobRequest('other', configuredAudienceModelArn));
    await settle();
    const size = { type: 'ABSOLUTE', value: 10_000 };
    await client.send('StartAudienceExportJob', { name: 'weekly', audienceGenerationJobArn, audienceSize: size });

    const refused = await caught(client.send('StartAudienceExportJob', { name: 'weekly', audienceGenerationJobArn, audienceSize: size }));
    await client.send('StartAudienceExportJob', { name: 'weekly', audienceGenerationJobArn: otherJob, audienceSize: size });

    expect(refused.code).toBe('ConflictException');
    expect((await client.send('ListAudienceExportJobs')).audienceExportJobs).toHaveLength(2);
  });

  const uuid = '11111111-2222-3333-4444-555555555555';
  test.each([
    ['an unknown ARN', `arn:aws:cleanrooms-ml:us-east-1:${ACCOUNT_ID}:audience-model/${uuid}`, 'not found'],
    ['an ARN of another account', `arn:aws:cleanrooms-ml:us-east-1:210987654321:audience-model/${uuid}`, 'account 210987654321'],
    ['an ARN of another region', `arn:aws:cleanrooms-ml:eu-west-1:${ACCOUNT_ID}:audience-model/${uuid}`, 'in eu-west-1'],
  ])('fails: GetAudienceModel with %s is ResourceNotFoundException', async (_case, audienceModelArn, reason) => {
    const refused = await caught(client.send('GetAudienceModel', { audienceModelArn }));

    expect(refused).toMatchObject({ code: 'ResourceNotFoundException', statusCode: 404 });
    expect(refused.message).toContain(reason);
  });

  test('fails: every read and delete of an unknown ARN is ResourceNotFoundException', async () => {
    const arn = (type: string): string => `arn:aws:cleanrooms-ml:us-east-1:${ACCOUNT_ID}:${type}/${uuid}`;
    const calls: ReadonlyArray<readonly [string, object]> = [
      ['GetTrainingDataset', { trainingDatasetArn: arn('training-dataset') }],
      ['DeleteTrainingDataset', { trainingDatasetArn: arn('training-dataset') }],
      ['DeleteAudienceModel', { audienceModelArn: arn('audience-model') }],
      ['GetConfiguredAudienceModel', { configuredAudienceModelArn: arn('configured-audience-model') }],
      ['UpdateConfiguredAudienceModel', { configuredAudienceModelArn: arn('configured-audience-model'), description: 'x' }],
      ['DeleteConfiguredAudienceModel', { configuredAudienceModelArn: arn('configured-audience-model') }],
      ['GetConfiguredAudienceModelPolicy', { configuredAudienceModelArn: arn('configured-audience-model') }],
      ['PutConfiguredAudienceModelPolicy', { configuredAudienceModelArn: arn('configured-audience-model'), configuredAudienceModelPolicy: '{}' }],
      ['DeleteConfiguredAudienceModelPolicy', { configuredAudienceModelArn: arn('configured-audience-model') }],
      ['GetAudienceGenerationJob', { audienceGenerationJobArn: arn('audience-generation-job') }],
      ['DeleteAudienceGenerationJob', { audienceGenerationJobArn: arn('audience-generation-job') }],
      ['StartAudienceExportJob', { name: 'x', audienceGenerationJobArn: arn('audience-generation-job'), audienceSize: { type: 'ABSOLUTE', value: 1 } }],
      ['ListTagsForResource', { resourceArn: arn('audience-generation-job') }],
      ['TagResource', { resourceArn: arn('configured-model-algorithm'), tags: { a: 'b' } }],
    ];

    for (const [operation, input] of calls) {
      expect((await caught(client.send(operation, input))).code).toBe('ResourceNotFoundException');
    }
  });

  test.each([
    ['CreateTrainingDataset roleArn', 'roleArn', () => client.send('CreateTrainingDataset', trainingDatasetRequest('data', { roleArn: 'arn:aws:iam::210987654321:role/theirs' }))],
    ['StartAudienceGenerationJob seedAudience.roleArn', 'seedAudience.roleArn', () => client.send('StartAudienceGenerationJob', generationJobRequest(
      'job', `arn:aws:cleanrooms-ml:us-east-1:${ACCOUNT_ID}:configured-audience-model/${uuid}`,
      { seedAudience: { dataSource: { s3Uri: 's3://seeds/a.csv' }, roleArn: 'arn:aws:iam::210987654321:role/theirs' } },
    ))],
  ])('fails: a role from another account in %s is AccessDeniedException', async (_case, field, call) => {
    const refused = await caught(call());

    expect(refused).toMatchObject({ code: 'AccessDeniedException', statusCode: 403 });
    expect(refused.message).toContain(`${field} arn:aws:iam::210987654321:role/theirs is not in account ${ACCOUNT_ID}`);
  });

  test('fails: a configured audience model whose output role is in another account, on create and on update', async () => {
    const { audienceModelArn, configuredAudienceModelArn } = await createPipeline(client, 'p', settle);
    const foreignOutput = { destination: { s3Destination: { s3Uri: 's3://b/p' } }, roleArn: 'arn:aws:iam::210987654321:role/theirs' };

    const onCreate = await caught(client.send('CreateConfiguredAudienceModel',
      configuredAudienceModelRequest('foreign', audienceModelArn, { outputConfig: foreignOutput }),
    ));
    const onUpdate = await caught(client.send('UpdateConfiguredAudienceModel', { configuredAudienceModelArn, outputConfig: foreignOutput, description: 'new' }));

    expect([onCreate.code, onUpdate.code]).toEqual(['AccessDeniedException', 'AccessDeniedException']);
    // A refused update changes nothing, not even the fields that were valid.
    expect((await client.send('GetConfiguredAudienceModel', { configuredAudienceModelArn })).description).toBeUndefined();
  });
});

describe('resource policy', () => {
  const policyV1 = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '210987654321' }, Action: '*' }] });
  const policyV2 = JSON.stringify({ Version: '2012-10-17', Statement: [] });
  const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
  type PutResult = { configuredAudienceModelPolicy: string; policyHash: string };
  const putPolicy = (configuredAudienceModelArn: string, configuredAudienceModelPolicy: string): Promise<PutResult> =>
    client.send('PutConfiguredAudienceModelPolicy', { configuredAudienceModelArn, configuredAudienceModelPolicy });

  test('Put stores the policy and returns its SHA-256 hash; Get returns both; Delete removes it', async () => {
    const { configuredAudienceModelArn } = await createPipeline(client, 'p', settle);

    const put = await putPolicy(configuredAudienceModelArn, policyV1);
    const got = await client.send('GetConfiguredAudienceModelPolicy', { configuredAudienceModelArn });
    expect(put).toEqual({ configuredAudienceModelPolicy: policyV1, policyHash: sha256(policyV1) });
    expect(got).toEqual({ configuredAudienceModelArn, configuredAudienceModelPolicy: policyV1, policyHash: sha256(policyV1) });
    expect(emulator.inventory().configuredAudienceModels[0].policy)
      .toEqual({ configuredAudienceModelPolicy: policyV1, policyHash: sha256(policyV1) });

    await client.send('DeleteConfiguredAudienceModelPolicy', { configuredAudienceModelArn });
    expect((await caught(client.send('GetConfiguredAudienceModelPolicy', { configuredAudienceModelArn }))).code).toBe('ResourceNotFoundException');
    expect((await caught(client.send('DeleteConfiguredAudienceModelPolicy', { configuredAudienceModelArn }))).code).toBe('ResourceNotFoundException');
  });

  test('a Put with the current previousPolicyHash replaces the policy', async () => {
    const { configuredAudienceModelArn } = await createPipeline(client, 'p', settle);
    const { policyHash } = await putPolicy(configuredAudienceModelArn, policyV1);

    const replaced = await client.send('PutConfiguredAudienceModelPolicy', {
      configuredAudienceModelArn, configuredAudienceModelPolicy: policyV2, previousPolicyHash: policyHash, policyExistenceCondition: 'POLICY_MUST_EXIST',
    });

    expect(replaced.policyHash).toBe(sha256(policyV2));
  });

  test('fails: a Put with a stale previousPolicyHash leaves the newer policy in place', async () => {
    const { configuredAudienceModelArn } = await createPipeline(client, 'p', settle);
    const { policyHash: staleHash } = await putPolicy(configuredAudienceModelArn, policyV1);
    await putPolicy(configuredAudienceModelArn, policyV2);

    const refused = await caught(client.send('PutConfiguredAudienceModelPolicy', {
      configuredAudienceModelArn, configuredAudienceModelPolicy: policyV1, previousPolicyHash: staleHash,
    }));

    expect(refused.code).toBe('ValidationException');
    expect(refused.message).toContain(`previousPolicyHash ${staleHash} does not match the current policy hash ${sha256(policyV2)}`);
    expect((await client.send('GetConfiguredAudienceModelPolicy', { configuredAudienceModelArn })).configuredAudienceModelPolicy).toBe(policyV2);
  });

  test('fails: policyExistenceCondition POLICY_MUST_EXIST without a policy, and POLICY_MUST_NOT_EXIST with one', async () => {
    const { configuredAudienceModelArn } = await createPipeline(client, 'p', settle);

    const mustExist = await caught(client.send('PutConfiguredAudienceModelPolicy', {
      configuredAudienceModelArn, configuredAudienceModelPolicy: policyV1, policyExistenceCondition: 'POLICY_MUST_EXIST',
    }));
    await client.send('PutConfiguredAudienceModelPolicy', {
      configuredAudienceModelArn, configuredAudienceModelPolicy: policyV1, policyExistenceCondition: 'POLICY_MUST_NOT_EXIST',
    });
    const mustNotExist = await caught(client.send('PutConfiguredAudienceModelPolicy', {
      configuredAudienceModelArn, configuredAudienceModelPolicy: policyV2, policyExistenceCondition: 'POLICY_MUST_NOT_EXIST',
    }));

    expect(mustExist).toMatchObject({ code: 'ValidationException', message: expect.stringContaining('has no policy') });
    expect(mustNotExist).toMatchObject({ code: 'ValidationException', message: expect.stringContaining('already has a policy') });
    expect((await client.send('GetConfiguredAudienceModelPolicy', { configuredAudienceModelArn })).configuredAudienceModelPolicy).toBe(policyV1);
  });
});

describe('tags', () => {
  test('Tag, Untag and ListTagsForResource work on all four ARN types, and Get shows the tags', async () => {
    const { trainingDatasetArn, audienceModelArn, configuredAudienceModelArn } = await createPipeline(client, 'p', settle);
    const { audienceGenerationJobArn } = await client.send('StartAudienceGenerationJob', generationJobRequest('job', configuredAudienceModelArn));

    for (const resourceArn of [trainingDatasetArn, audienceModelArn, configuredAudienceModelArn, audienceGenerationJobArn]) {
      await client.send('TagResource', { resourceArn, tags: { stage: 'test', owner: 'growth', value: 'aws:allowed-in-values' } });
      await client.send('UntagResource', { resourceArn, tagKeys: ['owner', 'never-set'] });
      expect((await client.send('ListTagsForResource', { resourceArn })).tags).toEqual({ stage: 'test', value: 'aws:allowed-in-values' });
    }
    expect((await client.send('GetTrainingDataset', { trainingDatasetArn })).tags).toEqual({ stage: 'test', value: 'aws:allowed-in-values' });
    expect((await client.send('GetConfiguredAudienceModel', { configuredAudienceModelArn })).tags).toEqual({ stage: 'test', value: 'aws:allowed-in-values' });
  });

  test.each([
    ['a create', () => client.send('CreateTrainingDataset', trainingDatasetRequest('data', { tags: { 'aws:cloudformation:stack-name': 'x' } }))],
    ['TagResource', () => client.send('TagResource', { resourceArn: emulator.inventory().trainingDatasets[0].trainingDatasetArn, tags: { 'AWS:Owner': 'x' } })],
    ['UntagResource', () => client.send('UntagResource', { resourceArn: emulator.inventory().trainingDatasets[0].trainingDatasetArn, tagKeys: ['Aws:x'] })],
  ])('fails: reserved aws: tag keys (any case) in %s', async (_case, call) => {
    await client.send('CreateTrainingDataset', trainingDatasetRequest('existing'));

    const refused = await caught(call());

    expect(refused.code).toBe('ValidationException');
    expect(refused.message).toMatch(/key "aws:.*" is reserved/i);
  });

  test('fails: TagResource that would give a resource more than 50 tags', async () => {
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`key${index}`, 'v']));
    const { trainingDatasetArn } = await client.send('CreateTrainingDataset', trainingDatasetRequest('data', { tags: fifty }));

    await client.send('TagResource', { resourceArn: trainingDatasetArn, tags: { key0: 'replaced' } });
    const refused = await caught(client.send('TagResource', { resourceArn: trainingDatasetArn, tags: { key50: 'one too many' } }));

    expect(refused.code).toBe('ValidationException');
    expect(refused.message).toContain('51 tags; a resource can have at most 50');
  });
});

describe('pagination and filters', () => {
  test('every item is listed exactly once across pages, and the last page has no nextToken', async () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    for (const name of names) {
      await client.send('CreateTrainingDataset', trainingDatasetRequest(name));
      clock.advance(1);
    }

    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send('ListTrainingDatasets', { maxResults: 2, nextToken });
      pages.push(page.trainingDatasets.map((dataset: { name: string }) => dataset.name));
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
      await client.send('CreateTrainingDataset', trainingDatasetRequest(name));
    }
    const configured = Array.from({ length: 9 }, (_, index) => `configured-${index}`);
    for (const name of configured) {
      await client.send('CreateConfiguredAudienceModel', configuredAudienceModelRequest(name, audienceModelArn));
    }
    const jobs = Array.from({ length: 8 }, (_, index) => `job-${index}`);
    const jobArns: string[] = [];
    for (const name of jobs) {
      const { audienceGenerationJobArn } = await client.send('StartAudienceGenerationJob', generationJobRequest(name, configuredAudienceModelArn));
      jobArns.push(audienceGenerationJobArn);
    }
    await settle();
    const exportSizes = [100_000, 10_000, 50_000];
    for (const value of exportSizes) {
      await client.send('StartAudienceExportJob', { name: `export-${value}`, audienceGenerationJobArn: jobArns[3], audienceSize: { type: 'ABSOLUTE', value } });
    }
    const createTimes = new Set((await client.send('ListTrainingDatasets', { maxResults: 100 })).trainingDatasets
      .filter((dataset: { name: string }) => dataset.name.startsWith('same-ms-'))
      .map((dataset: { createTime: string }) => dataset.createTime));

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
      const page = await client.send('ListTrainingDatasets', { maxResults: 4, nextToken });
      return { items: page.trainingDatasets.map((dataset: { name: string }) => dataset.name), nextToken: page.nextToken };
    })).toEqual(chunks(['base-data', ...datasets], 4));
    expect(await pagesOf(async (nextToken) => {
      const page = await client.send('ListConfiguredAudienceModels', { maxResults: 4, nextToken });
      return { items: page.configuredAudienceModels.map((model: { name: string }) => model.name), nextToken: page.nextToken };
    })).toEqual(chunks(['base-configured', ...configured], 4));
    expect(await pagesOf(async (nextToken) => {
      const page = await client.send('ListAudienceGenerationJobs', { configuredAudienceModelArn, maxResults: 3, nextToken });
      return { items: page.audienceGenerationJobs.map((job: { name: string }) => job.name), nextToken: page.nextToken };
    })).toEqual(chunks(jobs, 3));
    expect(await pagesOf(async (nextToken) => {
      const page = await client.send('ListAudienceExportJobs', { audienceGenerationJobArn: jobArns[3], maxResults: 2, nextToken });
      return { items: page.audienceExportJobs.map((exportJob: { name: string }) => exportJob.name), nextToken: page.nextToken };
    })).toEqual(chunks(exportSizes.map((value) => `export-${value}`), 2));
  });

  test('an item deleted between pages neither shifts nor repeats the rest', async () => {
    const arns: string[] = [];
    for (const name of ['a', 'b', 'c', 'd']) {
      arns.push((await client.send('CreateTrainingDataset', trainingDatasetRequest(name))).trainingDatasetArn);
      clock.advance(1);
    }
    const first = await client.send('ListTrainingDatasets', { maxResults: 2 });
    await client.send('DeleteTrainingDataset', { trainingDatasetArn: arns[0] });

    const second = await client.send('ListTrainingDatasets', { maxResults: 2, nextToken: first.nextToken });

    expect(second.trainingDatasets.map((dataset: { name: string }) => dataset.name)).toEqual(['c', 'd']);
  });

  test.each([
    ['a token that is not one', 'garbage-token', 'nextToken is invalid'],
    ['a token of another list operation', 'other-operation', 'issued by ListTrainingDatasets, not ListAudienceModels'],
  ])('fails: %s', async (_case, kind, message) => {
    for (const name of ['a', 'b', 'c']) {
      await client.send('CreateTrainingDataset', trainingDatasetRequest(name));
    }
    const { nextToken } = await client.send('ListTrainingDatasets', { maxResults: 1 });

    const refused = await caught(client.send('ListAudienceModels', { nextToken: kind === 'garbage-token' ? 'not-a-token' : nextToken }));

    expect(refused.code).toBe('ValidationException');
    expect(refused.message).toContain(message);
  });

  test('fails: a nextToken reused with other filter values', async () => {
    const { configuredAudienceModelArn } = await createPipeline(client, 'p', settle);
    for (const name of ['j1', 'j2']) {
      await client.send('StartAudienceGenerationJob',
        generationJobRequest(name, configuredAudienceModelArn, { collaborationId: COLLABORATION_ID }),
      );
    }
    const { nextToken } = await client.send('ListAudienceGenerationJobs', { configuredAudienceModelArn, maxResults: 1 });

    const refused = await caught(client.send('ListAudienceGenerationJobs', { collaborationId: COLLABORATION_ID, maxResults: 1, nextToken }));

    expect(refused).toMatchObject({ code: 'ValidationException', message: expect.stringContaining('other filter values') });
  });

  test('ListAudienceGenerationJobs filters by configured audience model and collaboration; ListAudienceExportJobs by generation job', async () => {
    const { audienceModelArn, configuredAudienceModelArn: first } = await createPipeline(client, 'p', settle);
    const { configuredAudienceModelArn: second } = await client.send('CreateConfiguredAudienceModel', configuredAudienceModelRequest('second', audienceModelArn));
    const otherCollaboration = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
    const { audienceGenerationJobArn: jobA } = await client.send('StartAudienceGenerationJob',
      generationJobRequest('a', first, { collaborationId: COLLABORATION_ID }));
    await client.send('StartAudienceGenerationJob', generationJobRequest('b', first, { collaborationId: otherCollaboration }));
    const { audienceGenerationJobArn: jobC } = await client.send('StartAudienceGenerationJob',
      generationJobRequest('c', second, { collaborationId: COLLABORATION_ID }));
    await settle();
    const size = { type: 'ABSOLUTE', value: 10_000 };
    await client.send('StartAudienceExportJob', { name: 'x', audienceGenerationJobArn: jobA, audienceSize: size });
    await client.send('StartAudienceExportJob', { name: 'y', audienceGenerationJobArn: jobC, audienceSize: size });

    const names = async (filter: { configuredAudienceModelArn?: string; collaborationId?: string }): Promise<string[]> =>
      (await client.send('ListAudienceGenerationJobs', filter)).audienceGenerationJobs.map((job: { name: string }) => job.name).sort();
    expect(await names({ configuredAudienceModelArn: first })).toEqual(['a', 'b']);
    expect(await names({ collaborationId: COLLABORATION_ID })).toEqual(['a', 'c']);
    expect(await names({ configuredAudienceModelArn: first, collaborationId: COLLABORATION_ID })).toEqual(['a']);
    expect(await names({})).toEqual(['a', 'b', 'c']);
    expect((await client.send('ListAudienceExportJobs', { audienceGenerationJobArn: jobC })).audienceExportJobs.map((job: { name: string }) => job.name)).toEqual(['y']);
  });
});

describe('quotas', () => {
  test('fails: a third audience model training while two are in progress, with quotaName and quotaValue; fine once they finish', async () => {
    const { trainingDatasetArn } = await client.send('CreateTrainingDataset', trainingDatasetRequest('data'));
    await client.send('CreateAudienceModel', { name: 'm1', trainingDatasetArn });
    await client.send('CreateAudienceModel', { name: 'm2', trainingDatasetArn });

    const refused = await caught(client.send('CreateAudienceModel', { name: 'm3', trainingDatasetArn }));
    expect(refused).toMatchObject({ code: 'ServiceQuotaExceededException', statusCode: 402 });

    const rejection = await client.send('CreateAudienceModel', { name: 'm3', trainingDatasetArn }).catch((error: ServiceError) => error.body);
    expect(rejection).toMatchObject({ quotaName: 'Concurrent audience model trainings', quotaValue: 2 });

    await settle();
    await client.send('CreateAudienceModel', { name: 'm3', trainingDatasetArn });
  });

  test('quotas are configurable: generation jobs, export jobs per account, and exports per generation job', async () => {
    const limited = await CleanRoomsMlEmulator.start({
      clock: clock.now,
      timings: ONE_SECOND_PHASES,
      quotas: { audienceGenerationJobs: 1, audienceExportJobs: 1, activeExportJobsPerGenerationJob: 2 },
    });
    try {
      const limitedClient = emulatorClient(limited);
      const { configuredAudienceModelArn } = await createPipeline(limitedClient, 'q', settle);
      const { audienceGenerationJobArn } = await limitedClient.send('StartAudienceGenerationJob', generationJobRequest('j1', configuredAudienceModelArn));
      const secondJob = await caught(limitedClient.send('StartAudienceGenerationJob', generationJobRequest('j2', configuredAudienceModelArn)));
      expect(secondJob).toMatchObject({ code: 'ServiceQuotaExceededException', message: expect.stringContaining('Concurrent audience generation jobs') });
      await settle();

      const size = { type: 'ABSOLUTE', value: 10_000 };
      await limitedClient.send('StartAudienceExportJob', { name: 'e1', audienceGenerationJobArn, audienceSize: size });
      const secondExport = await caught(limitedClient.send('StartAudienceExportJob', { name: 'e2', audienceGenerationJobArn, audienceSize: size }));
      expect(secondExport.message).toContain('Concurrent audience export jobs');
      await settle();
      await limitedClient.send('StartAudienceExportJob', { name: 'e2', audienceGenerationJobArn, audienceSize: size });
      await settle();
      const thirdExport = await caught(limitedClient.send('StartAudienceExportJob', { name: 'e3', audienceGenerationJobArn, audienceSize: size }));
      expect(thirdExport.message).toContain('Active audience export jobs per audience generation job');
    } finally {
      await limited.stop();
    }
  });
});
