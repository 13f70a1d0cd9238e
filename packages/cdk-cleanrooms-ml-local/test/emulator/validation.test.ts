import {
  ACCOUNT_ID,
  caught,
  configuredAudienceModelRequest,
  generationJobRequest,
  rawRequest,
  ROLE_ARN,
  emulatorClient,
  trainingDatasetRequest,
} from './helpers';
import { CleanRoomsMlEmulator } from '../../src/emulator';
import type { ModelClient } from '../fixtures/model-client';

let emulator: CleanRoomsMlEmulator;
/** It checks nothing on its side, so every bad request reaches the emulator. */
let client: ModelClient;

beforeAll(async () => {
  emulator = await CleanRoomsMlEmulator.start();
  client = emulatorClient(emulator);
});
afterAll(() => emulator.stop());

const arn = (type: string): string => `arn:aws:cleanrooms-ml:us-east-1:${ACCOUNT_ID}:${type}/11111111-2222-3333-4444-555555555555`;
const MODEL_ARN = arn('audience-model');
const CONFIGURED_ARN = arn('configured-audience-model');
const JOB_ARN = arn('audience-generation-job');

/** A valid CreateTrainingDataset request changed by `change`. */
function dataset(change: (request: any) => void): object {
  const request = structuredClone(trainingDatasetRequest('data')) as any;
  change(request);
  return request;
}

const schemaOf = (request: any): any[] => request.trainingData[0].inputConfig.schema;

type Case = readonly [string, () => Promise<unknown>, string];

const VIOLATIONS: readonly Case[] = [
  // CreateTrainingDataset
  ['name too long', () => client.send('CreateTrainingDataset', dataset((r) => { r.name = 'n'.repeat(64); })), 'name must be 1-63 characters, got 64'],
  ['name only white space', () => client.send('CreateTrainingDataset', dataset((r) => { r.name = '   '; })), 'name must match pattern (?!\\s*$)'],
  ['name missing', () => client.send('CreateTrainingDataset', dataset((r) => { delete r.name; })), 'name is required'],
  ['description too long', () => client.send('CreateTrainingDataset', dataset((r) => { r.description = 'd'.repeat(256); })), 'description must be 0-255 characters, got 256'],
  ['description with a control character', () => client.send('CreateTrainingDataset', dataset((r) => { r.description = 'bell\u0007'; })), 'description must match pattern'],
  ['role ARN with a short account', () => client.send('CreateTrainingDataset', dataset((r) => { r.roleArn = 'arn:aws:iam::1234:role/reader'; })),
    'roleArn must match pattern arn:aws[-a-z]*:iam::[0-9]{12}:role/.+, got "arn:aws:iam::1234:role/reader"'],
  ['two datasets', () => client.send('CreateTrainingDataset', dataset((r) => { r.trainingData.push(r.trainingData[0]); })), 'trainingData must have exactly 1 item, got 2'],
  ['no dataset', () => client.send('CreateTrainingDataset', dataset((r) => { r.trainingData = []; })), 'trainingData must have exactly 1 item, got 0'],
  ['dataset type', () => client.send('CreateTrainingDataset', dataset((r) => { r.trainingData[0].type = 'CLICKS'; })),
    'trainingData[0].type must be one of INTERACTIONS, got "CLICKS"'],
  ['column name', () => client.send('CreateTrainingDataset', dataset((r) => { schemaOf(r)[2].columnName = 'event time!'; })),
    'trainingData[0].inputConfig.schema[2].columnName must match pattern [a-zA-Z0-9_](([a-zA-Z0-9_ ]+-)*([a-zA-Z0-9_ ]+))?, got "event time!"'],
  ['two types on a column', () => client.send('CreateTrainingDataset', dataset((r) => { schemaOf(r)[0].columnTypes = ['USER_ID', 'ITEM_ID']; })),
    'trainingData[0].inputConfig.schema[0].columnTypes must have exactly 1 item, got 2'],
  ['unknown column type', () => client.send('CreateTrainingDataset', dataset((r) => { schemaOf(r)[3].columnTypes = ['TEXT']; })),
    'trainingData[0].inputConfig.schema[3].columnTypes[0] must be one of USER_ID, ITEM_ID, TIMESTAMP, CATEGORICAL_FEATURE, NUMERICAL_FEATURE, got "TEXT"'],
  ['no USER_ID column', () => client.send('CreateTrainingDataset', dataset((r) => { schemaOf(r)[0].columnTypes = ['CATEGORICAL_FEATURE']; })),
    'trainingData[0].inputConfig.schema must have exactly one USER_ID column, got 0'],
  ['eleven feature columns', () => client.send('CreateTrainingDataset', dataset((r) => {
    for (let index = 0; index < 10; index++) {
      schemaOf(r).push({ columnName: `feature_${index}`, columnTypes: ['NUMERICAL_FEATURE'] });
    }
  })), 'schema must have at most 10 CATEGORICAL_FEATURE or NUMERICAL_FEATURE columns, got 11'],
  ['a column name used twice', () => client.send('CreateTrainingDataset', dataset((r) => { schemaOf(r)[3].columnName = 'user_id'; })),
    'schema[3].columnName "user_id" is used by another column'],
  ['101 columns', () => client.send('CreateTrainingDataset', dataset((r) => {
    for (let index = 0; index < 97; index++) {
      schemaOf(r).push({ columnName: `c${index}`, columnTypes: ['NUMERICAL_FEATURE'] });
    }
  })), 'trainingData[0].inputConfig.schema must have 1-100 items, got 101'],
  ['catalog id', () => client.send('CreateTrainingDataset', dataset((r) => { r.trainingData[0].inputConfig.dataSource.glueDataSource.catalogId = 'abc'; })),
    'trainingData[0].inputConfig.dataSource.glueDataSource.catalogId must be 12 characters, got 3'],
  ['Glue database name with a space', () => client.send('CreateTrainingDataset', dataset((r) => {
    r.trainingData[0].inputConfig.dataSource.glueDataSource.databaseName = 'my db';
  })), 'glueDataSource.databaseName must match pattern [a-zA-Z0-9_](([a-zA-Z0-9_]+-)*([a-zA-Z0-9_]+))?, got "my db"'],
  ['Glue table name too long', () => client.send('CreateTrainingDataset', dataset((r) => {
    r.trainingData[0].inputConfig.dataSource.glueDataSource.tableName = 't'.repeat(129);
  })), 'glueDataSource.tableName must be 1-128 characters, got 129'],
  ['no Glue data source', () => client.send('CreateTrainingDataset', dataset((r) => { r.trainingData[0].inputConfig.dataSource = {}; })),
    'trainingData[0].inputConfig.dataSource.glueDataSource is required'],
  ['51 tags', () => client.send('CreateTrainingDataset', dataset((r) => {
    r.tags = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`k${index}`, 'v']));
  })), 'tags must have at most 50 entries, got 51'],
  ['tag key too long', () => client.send('CreateTrainingDataset', dataset((r) => { r.tags = { ['k'.repeat(129)]: 'v' }; })), 'tags key must be 1-128 characters, got 129'],
  ['tag value too long', () => client.send('CreateTrainingDataset', dataset((r) => { r.tags = { team: 'v'.repeat(257) }; })), 'tags["team"] must be 0-256 characters, got 257'],
  ['unknown emulator:fail value', () => client.send('CreateTrainingDataset', dataset((r) => { r.tags = { 'emulator:fail': 'SOMETIMES' }; })),
    'tags["emulator:fail"] must be one of CREATE, DELETE, got "SOMETIMES"'],

  // CreateAudienceModel
  ['KMS key ARN', () => client.send('CreateAudienceModel', { name: 'm', trainingDatasetArn: arn('training-dataset'), kmsKeyArn: 'arn:aws:kms:us-east-1:123:alias/x' }),
    'kmsKeyArn must match pattern arn:aws[-a-z]*:kms:[-a-z0-9]+:[0-9]{12}:key/.+'],
  ['training window backwards', () => client.send('CreateAudienceModel', {
    name: 'm', trainingDatasetArn: arn('training-dataset'), trainingDataStartTime: new Date('2024-06-01'), trainingDataEndTime: new Date('2024-01-01'),
  }), 'trainingDataStartTime must be before trainingDataEndTime'],
  ['a training dataset ARN where an audience model ARN is expected', () => client.send('CreateConfiguredAudienceModel',
    configuredAudienceModelRequest('c', arn('training-dataset')),
  ), `audienceModelArn must match pattern arn:aws[-a-z]*:cleanrooms-ml:[-a-z0-9]+:[0-9]{12}:audience-model/[-a-zA-Z0-9_/.]+, got "${arn('training-dataset')}"`],
  ['an audience model ARN where a training dataset ARN is expected', () => client.send('CreateAudienceModel', { name: 'm', trainingDatasetArn: MODEL_ARN }),
    'trainingDatasetArn must match pattern arn:aws[-a-z]*:cleanrooms-ml:[-a-z0-9]+:[0-9]{12}:training-dataset/'],
  ['a configured model ARN to read an audience model', () => client.send('GetAudienceModel', { audienceModelArn: CONFIGURED_ARN }),
    'audienceModelArn must match pattern arn:aws[-a-z]*:cleanrooms-ml:[-a-z0-9]+:[0-9]{12}:audience-model/'],
  ['a generation job ARN to delete a configured model', () => client.send('DeleteConfiguredAudienceModel', { configuredAudienceModelArn: JOB_ARN }),
    'configuredAudienceModelArn must match pattern arn:aws[-a-z]*:cleanrooms-ml:[-a-z0-9]+:[0-9]{12}:configured-audience-model/'],
  ['a configured model ARN to export from', () => client.send('StartAudienceExportJob', {
    name: 'e', audienceGenerationJobArn: CONFIGURED_ARN, audienceSize: { type: 'ABSOLUTE', value: 5 },
  }), 'audienceGenerationJobArn must match pattern arn:aws[-a-z]*:cleanrooms-ml:[-a-z0-9]+:[0-9]{12}:audience-generation-job/'],
  ['tags on an ARN no Clean Rooms ML resource has', () => client.send('TagResource', { resourceArn: arn('audience-export-job'), tags: { a: '1' } }),
    'resourceArn must match pattern arn:aws[-a-z]*:cleanrooms-ml:'],
  ['not an ARN', () => client.send('CreateAudienceModel', { name: 'm', trainingDatasetArn: 'training-dataset/abcdefghijklmnop' }),
    'trainingDatasetArn must match pattern arn:aws[-a-z]*:cleanrooms-ml:'],
  ['ARN too short', () => client.send('CreateAudienceModel', { name: 'm', trainingDatasetArn: 'arn' }), 'trainingDatasetArn must be 20-2048 characters, got 3'],

  // CreateConfiguredAudienceModel / UpdateConfiguredAudienceModel
  ['shared metrics value', () => client.send('CreateConfiguredAudienceModel', configuredAudienceModelRequest('c', MODEL_ARN, { sharedAudienceMetrics: ['SOME'] as any })),
    'sharedAudienceMetrics[0] must be one of ALL, NONE, got "SOME"'],
  ['no shared metrics value', () => client.send('CreateConfiguredAudienceModel', configuredAudienceModelRequest('c', MODEL_ARN, { sharedAudienceMetrics: [] })),
    'sharedAudienceMetrics must have exactly 1 item, got 0'],
  ['seed size too small', () => client.send('CreateConfiguredAudienceModel', configuredAudienceModelRequest('c', MODEL_ARN, { minMatchingSeedSize: 24 })),
    'minMatchingSeedSize must be between 25 and 500000, got 24'],
  ['26 audience sizes', () => client.send('CreateConfiguredAudienceModel', configuredAudienceModelRequest('c', MODEL_ARN, {
    audienceSizeConfig: { audienceSizeType: 'ABSOLUTE', audienceSizeBins: Array.from({ length: 26 }, (_, index) => 1000 * (index + 1)) },
  })), 'audienceSizeConfig.audienceSizeBins must have 1-25 items, got 26'],
  ['audience size 0', () => client.send('CreateConfiguredAudienceModel', configuredAudienceModelRequest('c', MODEL_ARN, {
    audienceSizeConfig: { audienceSizeType: 'ABSOLUTE', audienceSizeBins: [0] },
  })), 'audienceSizeConfig.audienceSizeBins[0] must be between 1 and 20000000, got 0'],
  ['the same audience size twice', () => client.send('CreateConfiguredAudienceModel', configuredAudienceModelRequest('c', MODEL_ARN, {
    audienceSizeConfig: { audienceSizeType: 'ABSOLUTE', audienceSizeBins: [10_000, 50_000, 10_000] },
  })), 'audienceSizeConfig.audienceSizeBins[2] repeats 10000: each audience size bin must be unique'],
  ['the same audience size twice in an update', () => client.send('UpdateConfiguredAudienceModel', {
    configuredAudienceModelArn: CONFIGURED_ARN, audienceSizeConfig: { audienceSizeType: 'PERCENTAGE', audienceSizeBins: [5, 5] },
  }), 'audienceSizeConfig.audienceSizeBins[1] repeats 5: each audience size bin must be unique'],
  ['percentage over 100', () => client.send('CreateConfiguredAudienceModel', configuredAudienceModelRequest('c', MODEL_ARN, {
    audienceSizeConfig: { audienceSizeType: 'PERCENTAGE', audienceSizeBins: [50, 101] },
  })), 'audienceSizeConfig.audienceSizeBins[1] must be between 1 and 100 for PERCENTAGE sizes, got 101'],
  ['output URI not on S3', () => client.send('CreateConfiguredAudienceModel', configuredAudienceModelRequest('c', MODEL_ARN, {
    outputConfig: { destination: { s3Destination: { s3Uri: 'https://bucket/out' } }, roleArn: ROLE_ARN },
  })), 'outputConfig.destination.s3Destination.s3Uri must match pattern s3://.+, got "https://bucket/out"'],
  ['output without a role', () => client.send('CreateConfiguredAudienceModel', configuredAudienceModelRequest('c', MODEL_ARN, {
    outputConfig: { destination: { s3Destination: { s3Uri: 's3://bucket/out' } } } as any,
  })), 'outputConfig.roleArn is required'],
  ['child tag policy', () => client.send('CreateConfiguredAudienceModel', configuredAudienceModelRequest('c', MODEL_ARN, { childResourceTagOnCreatePolicy: 'ALWAYS' as any })),
    'childResourceTagOnCreatePolicy must be one of FROM_PARENT_RESOURCE, NONE, got "ALWAYS"'],
  ['update with a seed size too large', () => client.send('UpdateConfiguredAudienceModel', { configuredAudienceModelArn: CONFIGURED_ARN, minMatchingSeedSize: 500_001 }),
    'minMatchingSeedSize must be between 25 and 500000, got 500001'],

  // StartAudienceGenerationJob
  ['collaboration id in upper case', () => client.send('StartAudienceGenerationJob', generationJobRequest('j', CONFIGURED_ARN, {
    collaborationId: '0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0',
  })), 'collaborationId must match pattern [0-9a-f]{8}-'],
  ['seed from S3 and SQL at once', () => client.send('StartAudienceGenerationJob', generationJobRequest('j', CONFIGURED_ARN, {
    seedAudience: { dataSource: { s3Uri: 's3://seeds/a.csv' }, roleArn: ROLE_ARN, sqlParameters: { queryString: 'SELECT user_id FROM seeds' } },
  })), 'seedAudience must have exactly one of dataSource, sqlParameters'],
  ['seed from nowhere', () => client.send('StartAudienceGenerationJob', generationJobRequest('j', CONFIGURED_ARN, { seedAudience: { roleArn: ROLE_ARN } })),
    'seedAudience must have exactly one of dataSource, sqlParameters'],
  ['SQL parameter name', () => client.send('StartAudienceGenerationJob', generationJobRequest('j', CONFIGURED_ARN, {
    seedAudience: { roleArn: ROLE_ARN, sqlParameters: { queryString: 'SELECT 1', parameters: { 'bad-key': 'v' } } },
  })), 'seedAudience.sqlParameters.parameters key must match pattern [0-9a-zA-Z_]+, got "bad-key"'],
  ['SQL seed without a query', () => client.send('StartAudienceGenerationJob', generationJobRequest('j', CONFIGURED_ARN, {
    seedAudience: { roleArn: ROLE_ARN, sqlParameters: {} },
  })), 'seedAudience.sqlParameters must have a queryString or an analysisTemplateArn'],
  ['analysis template ARN', () => client.send('StartAudienceGenerationJob', generationJobRequest('j', CONFIGURED_ARN, {
    seedAudience: { roleArn: ROLE_ARN, sqlParameters: { analysisTemplateArn: 'arn:aws:cleanrooms:us-east-1:123456789012:template/x' } },
  })), 'seedAudience.sqlParameters.analysisTemplateArn must match pattern'],
  ['seed URI', () => client.send('StartAudienceGenerationJob', generationJobRequest('j', CONFIGURED_ARN, {
    seedAudience: { dataSource: { s3Uri: '' }, roleArn: ROLE_ARN },
  })), 'seedAudience.dataSource.s3Uri must be 1-1285 characters, got 0'],

  // StartAudienceExportJob
  ['export size 0', () => client.send('StartAudienceExportJob', { name: 'e', audienceGenerationJobArn: JOB_ARN, audienceSize: { type: 'ABSOLUTE', value: 0 } }),
    'audienceSize.value must be between 1 and 20000000, got 0'],
  ['export percentage over 100', () => client.send('StartAudienceExportJob', { name: 'e', audienceGenerationJobArn: JOB_ARN, audienceSize: { type: 'PERCENTAGE', value: 150 } }),
    'audienceSize.value must be between 1 and 100 for a PERCENTAGE size, got 150'],
  ['export size type', () => client.send('StartAudienceExportJob', { name: 'e', audienceGenerationJobArn: JOB_ARN, audienceSize: { type: 'RELATIVE', value: 5 } }),
    'audienceSize.type must be one of ABSOLUTE, PERCENTAGE, got "RELATIVE"'],

  // PutConfiguredAudienceModelPolicy
  ['policy that is not JSON', () => client.send('PutConfiguredAudienceModelPolicy', { configuredAudienceModelArn: CONFIGURED_ARN, configuredAudienceModelPolicy: '{"Version":' }),
    'configuredAudienceModelPolicy must be a valid JSON document'],
  ['policy too long', () => client.send('PutConfiguredAudienceModelPolicy', {
    configuredAudienceModelArn: CONFIGURED_ARN, configuredAudienceModelPolicy: JSON.stringify('p'.repeat(20_479)),
  }), 'configuredAudienceModelPolicy must be 1-20480 characters, got 20481'],
  ['policy hash in upper case', () => client.send('PutConfiguredAudienceModelPolicy', {
    configuredAudienceModelArn: CONFIGURED_ARN, configuredAudienceModelPolicy: '{}', previousPolicyHash: 'A'.repeat(64),
  }), 'previousPolicyHash must match pattern [0-9a-f]+'],
  ['policy hash too short', () => client.send('PutConfiguredAudienceModelPolicy', {
    configuredAudienceModelArn: CONFIGURED_ARN, configuredAudienceModelPolicy: '{}', previousPolicyHash: 'abc',
  }), 'previousPolicyHash must be 64-128 characters, got 3'],
  ['existence condition', () => client.send('PutConfiguredAudienceModelPolicy', {
    configuredAudienceModelArn: CONFIGURED_ARN, configuredAudienceModelPolicy: '{}', policyExistenceCondition: 'MAYBE',
  }), 'policyExistenceCondition must be one of POLICY_MUST_EXIST, POLICY_MUST_NOT_EXIST, got "MAYBE"'],

  // Lists and tags
  ['page size 0', () => client.send('ListTrainingDatasets', { maxResults: 0 }), 'maxResults must be between 1 and 100, got 0'],
  ['page size 101', () => client.send('ListAudienceModels', { maxResults: 101 }), 'maxResults must be between 1 and 100, got 101'],
  ['export filter that is not an ARN', () => client.send('ListAudienceExportJobs', { audienceGenerationJobArn: 'job-1234567890123456789' }),
    'audienceGenerationJobArn must match pattern'],
  ['untag key too long', () => client.send('UntagResource', { resourceArn: MODEL_ARN, tagKeys: ['k'.repeat(129)] }), 'tagKeys[0] must be 1-128 characters, got 129'],
  ['tag without tags', () => client.send('TagResource', { resourceArn: MODEL_ARN }), 'tags is required'],
];

describe('ValidationException names the field and the rule', () => {
  test.each(VIOLATIONS)('fails: %s', async (_case, call, message) => {
    const refused = await caught(call());

    expect(refused).toMatchObject({ code: 'ValidationException', statusCode: 400 });
    expect(refused.message).toContain(message);
  });

  test('fails: with several violations, all of them are listed', async () => {
    const refused = await caught(client.send('CreateTrainingDataset', dataset((r) => {
      r.name = '';
      r.roleArn = 'arn:aws:iam::123456789012:user/someone';
    })));

    expect(refused.message).toBe(
      '2 validation errors detected: name must be 1-63 characters, got 0; '
      + 'roleArn must match pattern arn:aws[-a-z]*:iam::[0-9]{12}:role/.+, got "arn:aws:iam::123456789012:user/someone"',
    );
  });

  test('fails: nothing is created by a refused request', async () => {
    await caught(client.send('CreateTrainingDataset', dataset((r) => { r.trainingData[0].type = 'CLICKS'; })));

    expect(emulator.inventory().trainingDatasets).toEqual([]);
  });
});

describe('wire format', () => {
  test('fails: a body that is not JSON is a 400 SerializationException in restJson1 error form', async () => {
    const response = await rawRequest(emulator.endpoint, 'POST', '/training-dataset', { body: '{"name": "broken",' });

    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('SerializationException');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body).toEqual({ __type: 'SerializationException', message: expect.stringContaining('not valid JSON') });
  });

  test.each([
    ['a number member sent as text', 'POST', '/configured-audience-model',
      JSON.stringify({ ...configuredAudienceModelRequest('c', MODEL_ARN), minMatchingSeedSize: 'many' }), 'minMatchingSeedSize must be an integer, got "many"'],
    ['a boolean member sent as text', 'POST', '/audience-generation-job',
      JSON.stringify({ ...generationJobRequest('j', CONFIGURED_ARN), includeSeedInOutput: 'yes' }), 'includeSeedInOutput must be a boolean, got "yes"'],
    ['a query integer that is not a number', 'GET', '/training-dataset?maxResults=abc', undefined, 'maxResults must be an integer, got "abc"'],
    ['a timestamp that is not one', 'POST', '/audience-model',
      JSON.stringify({ name: 'm', trainingDatasetArn: arn('training-dataset'), trainingDataStartTime: 'yesterday' }),
      'trainingDataStartTime must be an ISO-8601 timestamp, got "yesterday"'],
  ])('fails: %s', async (_case, method, path, body, message) => {
    const response = await rawRequest(emulator.endpoint, method, path, { body });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ __type: 'ValidationException', message: expect.stringContaining(message) });
  });

  test.each([
    ['a path no operation uses', 'GET', '/audience-models'],
    ['a known path with another method', 'PUT', '/training-dataset'],
  ])('fails: %s is a 404 UnknownOperationException', async (_case, method, path) => {
    const response = await rawRequest(emulator.endpoint, method, path, { body: method === 'GET' ? undefined : '{}' });

    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });

  test('a path parameter is URL-decoded, and an ARN whose slash was left unencoded is still found', async () => {
    const { trainingDatasetArn } = await emulatorClient(emulator).send('CreateTrainingDataset', trainingDatasetRequest('by-path'));

    const encoded = await rawRequest(emulator.endpoint, 'GET', `/training-dataset/${encodeURIComponent(trainingDatasetArn)}`);
    const unencoded = await rawRequest(emulator.endpoint, 'GET', `/training-dataset/${trainingDatasetArn}`);

    expect([encoded.status, unencoded.status]).toEqual([200, 200]);
    expect(unencoded.body).toMatchObject({ trainingDatasetArn, name: 'by-path', createTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/) });
  });
});

describe('members the model does not have', () => {
  test('fails: a member the operation does not have is a ValidationException naming it and the members there are; nothing is created', async () => {
    const body = JSON.stringify({ ...trainingDatasetRequest('extra'), kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/k` });
    const response = await rawRequest(emulator.endpoint, 'POST', '/training-dataset', { body });

    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      __type: 'ValidationException',
      message: 'kmsKeyArn is not a member of the CreateTrainingDataset request: the members are name, roleArn, trainingData, tags, description',
    });
    expect(emulator.inventory().trainingDatasets.map(({ name }) => name)).not.toContain('extra');
  });

  test('fails: a misspelled nested member is named with its path', async () => {
    const request = generationJobRequest('j', CONFIGURED_ARN, { seedAudience: { roleArn: ROLE_ARN, dataSource: { s3Uri: 's3://seeds/a.jsonl' } } });
    const body = JSON.stringify({ ...request, seedAudience: { ...request.seedAudience, includeSeed: true } });
    const response = await rawRequest(emulator.endpoint, 'POST', '/audience-generation-job', { body });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      __type: 'ValidationException',
      message: 'seedAudience.includeSeed is not a member of seedAudience: the members are dataSource, roleArn, sqlParameters, sqlComputeConfiguration',
    });
  });

  test('fails: a member that cannot be updated (name) is refused rather than ignored', async () => {
    const response = await rawRequest(emulator.endpoint, 'PATCH', `/configured-audience-model/${encodeURIComponent(CONFIGURED_ARN)}`, {
      body: JSON.stringify({ name: 'renamed', description: 'Renamed?' }),
    });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ message: expect.stringMatching(/^name is not a member of the UpdateConfiguredAudienceModel request/) });
  });
});
