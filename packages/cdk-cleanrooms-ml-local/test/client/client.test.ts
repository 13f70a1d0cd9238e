import { clientFor, FakeService } from './fake-service';
import {
  CleanRoomsMlClient,
  CleanRoomsMlServiceError,
  OPERATION_NAMES,
  RESPONSE_TIMESTAMP_PATHS,
  type OperationName,
  type OperationShapes,
} from '../../src/client';
import { inputMembers, modelOperation, modelShape } from '../fixtures/cleanroomsml-model';

const ACCOUNT = '123456789012';
const arn = (type: string, id: string) => `arn:aws:cleanrooms-ml:eu-west-1:${ACCOUNT}:${type}/${id}`;
const TRAINING_DATASET_ARN = arn('training-dataset', '7f3c0a5e-1d2b-4c8f-9e6a-0b1c2d3e4f5a');
const AUDIENCE_MODEL_ARN = arn('audience-model', 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e');
const CONFIGURED_MODEL_ARN = arn('configured-audience-model', 'c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f');
const GENERATION_JOB_ARN = arn('audience-generation-job', 'd3e4f5a6-b7c8-4d9e-0f1a-2b3c4d5e6f7a');
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/cleanrooms-ml/service-role`;
const COLLABORATION_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const OUTPUT_CONFIG = { destination: { s3Destination: { s3Uri: 's3://audiences/output/' } }, roleArn: ROLE_ARN };
const AUDIENCE_SIZE_CONFIG = { audienceSizeType: 'ABSOLUTE', audienceSizeBins: [1000, 5000] } as const;

/** One input per operation, every member set, so the whole wire format is checked. */
const SAMPLE_INPUTS: { [O in OperationName]: OperationShapes[O]['input'] } = {
  CreateTrainingDataset: {
    name: 'interactions',
    roleArn: ROLE_ARN,
    description: 'clicks of 2024',
    tags: { team: 'ads' },
    trainingData: [{
      type: 'INTERACTIONS',
      inputConfig: {
        dataSource: { glueDataSource: { catalogId: ACCOUNT, databaseName: 'ads', tableName: 'clicks' } },
        schema: [
          { columnName: 'user_id', columnTypes: ['USER_ID'] },
          { columnName: 'item_id', columnTypes: ['ITEM_ID'] },
          { columnName: 'ts', columnTypes: ['TIMESTAMP'] },
        ],
      },
    }],
  },
  GetTrainingDataset: { trainingDatasetArn: TRAINING_DATASET_ARN },
  ListTrainingDatasets: { maxResults: 25, nextToken: 'page/2+=' },
  DeleteTrainingDataset: { trainingDatasetArn: TRAINING_DATASET_ARN },
  CreateAudienceModel: {
    name: 'lookalike',
    trainingDatasetArn: TRAINING_DATASET_ARN,
    trainingDataStartTime: new Date('2024-01-01T00:00:00Z'),
    trainingDataEndTime: new Date('2024-06-30T23:59:59.500Z'),
    kmsKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    description: 'first half',
    tags: { team: 'ads' },
  },
  GetAudienceModel: { audienceModelArn: AUDIENCE_MODEL_ARN },
  ListAudienceModels: { maxResults: 10, nextToken: 'next' },
  DeleteAudienceModel: { audienceModelArn: AUDIENCE_MODEL_ARN },
  CreateConfiguredAudienceModel: {
    name: 'configured',
    audienceModelArn: AUDIENCE_MODEL_ARN,
    outputConfig: OUTPUT_CONFIG,
    sharedAudienceMetrics: ['ALL'],
    minMatchingSeedSize: 500,
    audienceSizeConfig: { ...AUDIENCE_SIZE_CONFIG, audienceSizeBins: [...AUDIENCE_SIZE_CONFIG.audienceSizeBins] },
    childResourceTagOnCreatePolicy: 'FROM_PARENT_RESOURCE',
    description: 'for partners',
    tags: { team: 'ads' },
  },
  GetConfiguredAudienceModel: { configuredAudienceModelArn: CONFIGURED_MODEL_ARN },
  UpdateConfiguredAudienceModel: {
    configuredAudienceModelArn: CONFIGURED_MODEL_ARN,
    audienceModelArn: AUDIENCE_MODEL_ARN,
    outputConfig: OUTPUT_CONFIG,
    sharedAudienceMetrics: ['NONE'],
    minMatchingSeedSize: 1000,
    audienceSizeConfig: { audienceSizeType: 'PERCENTAGE', audienceSizeBins: [5, 10] },
    description: 'updated',
  },
  ListConfiguredAudienceModels: { maxResults: 5, nextToken: 'abc' },
  DeleteConfiguredAudienceModel: { configuredAudienceModelArn: CONFIGURED_MODEL_ARN },
  PutConfiguredAudienceModelPolicy: {
    configuredAudienceModelArn: CONFIGURED_MODEL_ARN,
    configuredAudienceModelPolicy: '{"Version":"2012-10-17","Statement":[]}',
    previousPolicyHash: 'a'.repeat(64),
    policyExistenceCondition: 'POLICY_MUST_EXIST',
  },
  GetConfiguredAudienceModelPolicy: { configuredAudienceModelArn: CONFIGURED_MODEL_ARN },
  DeleteConfiguredAudienceModelPolicy: { configuredAudienceModelArn: CONFIGURED_MODEL_ARN },
  StartAudienceGenerationJob: {
    name: 'campaign-1',
    configuredAudienceModelArn: CONFIGURED_MODEL_ARN,
    seedAudience: {
      roleArn: ROLE_ARN,
      dataSource: { s3Uri: 's3://seeds/campaign-1.csv' },
      sqlParameters: { queryString: 'SELECT user_id FROM seeds', analysisTemplateArn: undefined, parameters: { country: 'FR' } },
      sqlComputeConfiguration: { worker: { type: 'CR.4X', number: 16, properties: { spark: { 'spark.sql.shuffle.partitions': '64' } } } },
    },
    includeSeedInOutput: false,
    collaborationId: COLLABORATION_ID,
    description: 'spring',
    tags: { campaign: '1' },
  },
  GetAudienceGenerationJob: { audienceGenerationJobArn: GENERATION_JOB_ARN },
  ListAudienceGenerationJobs: { maxResults: 50, nextToken: 'n', configuredAudienceModelArn: CONFIGURED_MODEL_ARN, collaborationId: COLLABORATION_ID },
  DeleteAudienceGenerationJob: { audienceGenerationJobArn: GENERATION_JOB_ARN },
  StartAudienceExportJob: {
    name: 'export-1000',
    audienceGenerationJobArn: GENERATION_JOB_ARN,
    audienceSize: { type: 'ABSOLUTE', value: 1000 },
    description: 'top 1000',
  },
  ListAudienceExportJobs: { maxResults: 3, nextToken: 'x', audienceGenerationJobArn: GENERATION_JOB_ARN },
  TagResource: { resourceArn: AUDIENCE_MODEL_ARN, tags: { team: 'ads', env: 'prod' } },
  UntagResource: { resourceArn: AUDIENCE_MODEL_ARN, tagKeys: ['team', 'env'] },
  ListTagsForResource: { resourceArn: AUDIENCE_MODEL_ARN },
};

function methodName(operation: OperationName): keyof CleanRoomsMlClient {
  return `${operation[0].toLowerCase()}${operation.slice(1)}` as keyof CleanRoomsMlClient;
}

function call(client: CleanRoomsMlClient, operation: OperationName, input: object): Promise<unknown> {
  const method = client[methodName(operation)] as unknown as (request: object) => Promise<unknown>;
  if (typeof method !== 'function') throw new Error(`the client has no ${methodName(operation)} method`);
  return method.call(client, input);
}

/** The members of an input the model binds to the given location (`undefined`: the body). */
function membersAt(operation: string, location: string | undefined): string[] {
  const members = inputMembers(operation);
  return Object.entries(members).filter(([, shape]) => shape.location === location).map(([name]) => name);
}

let service: FakeService;
let client: CleanRoomsMlClient;

beforeEach(async () => {
  service = await new FakeService().start();
  client = clientFor(service);
});

afterEach(async () => {
  client.destroy();
  await service.close();
});

describe('requests', () => {
  test('the client has one method per operation it binds', () => {
    for (const operation of OPERATION_NAMES) {
      expect(typeof client[methodName(operation)]).toBe('function');
    }
  });

  test.each(OPERATION_NAMES)('%s puts the method, path, query and body on the wire as the model binds them', async (operation) => {
    const input = SAMPLE_INPUTS[operation] as unknown as Record<string, unknown>;
    const { http } = modelOperation(operation);

    await call(client, operation, input);

    expect(service.requests).toHaveLength(1);
    const [request] = service.requests;
    expect(request.method).toBe(http.method);

    const template = http.requestUri.split('/');
    const segments = request.rawPath.split('/');
    expect(segments).toHaveLength(template.length);
    expect(segments.map(decodeURIComponent)).toEqual(template.map((part) => part.replace(/^\{(\w+)\}$/, (_, label: string) => String(input[label]))));

    const expectedQuery: Record<string, string[]> = {};
    for (const name of membersAt(operation, 'querystring')) {
      const value = input[name];
      if (value !== undefined) expectedQuery[name] = Array.isArray(value) ? value.map(String) : [String(value)];
    }
    const receivedQuery: Record<string, string[]> = {};
    for (const key of new Set(request.query.keys())) receivedQuery[key] = request.query.getAll(key);
    expect(receivedQuery).toEqual(expectedQuery);

    const bodyMembers = membersAt(operation, undefined);
    if (request.method === 'GET' || request.method === 'DELETE') {
      expect(bodyMembers).toEqual([]);
      expect(request.body).toBe('');
      expect(request.headers['content-type']).toBeUndefined();
    } else {
      const expectedBody = JSON.parse(JSON.stringify(Object.fromEntries(bodyMembers.map((name) => [name, input[name]]))));
      expect(request.headers['content-type']).toBe('application/json');
      expect(JSON.parse(request.body)).toEqual(expectedBody);
    }
  });

  test('an ARN path label travels as one encoded segment and decodes back to the ARN', async () => {
    await client.getAudienceModel({ audienceModelArn: AUDIENCE_MODEL_ARN });

    expect(service.requests[0].rawPath).toBe(
      '/audience-model/arn%3Aaws%3Acleanrooms-ml%3Aeu-west-1%3A123456789012%3Aaudience-model%2Fb1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e',
    );
    expect(decodeURIComponent(service.requests[0].rawPath.split('/')[2])).toBe(AUDIENCE_MODEL_ARN);
  });

  test('UntagResource repeats the tagKeys query parameter once per key', async () => {
    await client.untagResource({ resourceArn: AUDIENCE_MODEL_ARN, tagKeys: ['team', 'cost center'] });

    expect(service.requests[0].rawQuery).toBe('tagKeys=team&tagKeys=cost%20center');
  });

  test('list operations send maxResults as a number and leave unset filters out', async () => {
    await client.listAudienceGenerationJobs({ maxResults: 7 });

    expect(service.requests[0].rawPath).toBe('/audience-generation-job');
    expect(service.requests[0].rawQuery).toBe('maxResults=7');
  });

  test('Dates in the input are sent as ISO-8601 strings', async () => {
    await client.createAudienceModel({
      name: 'm',
      trainingDatasetArn: TRAINING_DATASET_ARN,
      trainingDataStartTime: new Date(Date.UTC(2024, 0, 15, 8, 30)),
    });

    expect(JSON.parse(service.requests[0].body).trainingDataStartTime).toBe('2024-01-15T08:30:00.000Z');
  });

  test('members left undefined are not sent at all', async () => {
    await client.createAudienceModel({ name: 'm', trainingDatasetArn: TRAINING_DATASET_ARN, description: undefined, kmsKeyArn: undefined });

    expect(JSON.parse(service.requests[0].body)).toEqual({ name: 'm', trainingDatasetArn: TRAINING_DATASET_ARN });
  });

  test('an endpoint with a base path prefixes every request path', async () => {
    const prefixed = clientFor(service, { endpoint: `${service.endpoint}/emulator/` });
    try {
      await prefixed.listTrainingDatasets();
    } finally {
      prefixed.destroy();
    }

    expect(service.requests[0].rawPath).toBe('/emulator/training-dataset');
  });

  test('fails before sending anything when a path label is missing or empty', async () => {
    await expect(client.getAudienceModel({ audienceModelArn: '' })).rejects.toThrow('GetAudienceModel needs a non-empty audienceModelArn');
    await expect(client.deleteTrainingDataset({} as never)).rejects.toThrow('DeleteTrainingDataset needs a non-empty trainingDatasetArn');
    expect(service.requests).toHaveLength(0);
  });
});

describe('responses', () => {
  test('a Get reply has its timestamps turned into Dates and everything else kept', async () => {
    service.reply({
      body: {
        audienceModelArn: AUDIENCE_MODEL_ARN,
        name: 'lookalike',
        trainingDatasetArn: TRAINING_DATASET_ARN,
        status: 'ACTIVE',
        createTime: '2024-07-01T10:00:00.000Z',
        updateTime: '2024-07-01T12:30:00Z',
        trainingDataStartTime: '2024-01-01T00:00:00Z',
        trainingDataEndTime: '2024-06-30T00:00:00Z',
        metrics: [{ type: 'RECALL', forTopKItemPredictions: 10, value: 0.42 }],
        tags: { createTime: 'not a date' },
      },
    });

    const model = await client.getAudienceModel({ audienceModelArn: AUDIENCE_MODEL_ARN });

    expect(model.createTime).toEqual(new Date('2024-07-01T10:00:00.000Z'));
    expect(model.updateTime).toEqual(new Date('2024-07-01T12:30:00Z'));
    expect(model.trainingDataStartTime).toEqual(new Date('2024-01-01T00:00:00Z'));
    expect(model.trainingDataEndTime).toEqual(new Date('2024-06-30T00:00:00Z'));
    expect(model.metrics).toEqual([{ type: 'RECALL', forTopKItemPredictions: 10, value: 0.42 }]);
    expect(model.tags).toEqual({ createTime: 'not a date' });
  });

  test('timestamps inside list summaries become Dates', async () => {
    service.reply({
      body: {
        audienceExportJobs: [
          {
            name: 'e1',
            audienceGenerationJobArn: GENERATION_JOB_ARN,
            audienceSize: { type: 'ABSOLUTE', value: 1000 },
            status: 'ACTIVE',
            createTime: '2024-07-02T00:00:00Z',
            updateTime: '2024-07-02T01:00:00Z',
          },
          {
            name: 'e2',
            audienceGenerationJobArn: GENERATION_JOB_ARN,
            audienceSize: { type: 'ABSOLUTE', value: 5000 },
            status: 'CREATE_PENDING',
            createTime: '2024-07-03T00:00:00Z',
            updateTime: '2024-07-03T00:00:00Z',
          },
        ],
      },
    });

    const { audienceExportJobs } = await client.listAudienceExportJobs({ audienceGenerationJobArn: GENERATION_JOB_ARN });

    expect(audienceExportJobs.map((job) => [job.createTime, job.updateTime])).toEqual([
      [new Date('2024-07-02T00:00:00Z'), new Date('2024-07-02T01:00:00Z')],
      [new Date('2024-07-03T00:00:00Z'), new Date('2024-07-03T00:00:00Z')],
    ]);
  });

  test('timestamps sent as epoch seconds are understood too', async () => {
    service.reply({ body: { trainingDatasets: [{ name: 'd', trainingDatasetArn: TRAINING_DATASET_ARN, status: 'ACTIVE', createTime: 1719792000, updateTime: 1719792000.5 }] } });

    const { trainingDatasets } = await client.listTrainingDatasets();

    expect(trainingDatasets[0].createTime).toEqual(new Date('2024-07-01T00:00:00.000Z'));
    expect(trainingDatasets[0].updateTime).toEqual(new Date('2024-07-01T00:00:00.500Z'));
  });

  test('the timestamp table lists exactly the timestamp members of every output in the model', () => {
    const fromModel: Record<string, string[]> = {};
    const collect = (shapeName: string, path: string[], found: string[]): void => {
      const shape = modelShape(shapeName);
      if (shape.type === 'timestamp') found.push(path.join('.'));
      for (const [name, member] of Object.entries(shape.members ?? {})) collect(member.shape, [...path, name], found);
      if (shape.member) collect(shape.member.shape, [...path, '*'], found);
      if (shape.value) collect(shape.value.shape, [...path, '*'], found);
    };
    for (const operation of OPERATION_NAMES) {
      const found: string[] = [];
      const output = modelOperation(operation).output;
      if (output) collect(output.shape, [], found);
      if (found.length > 0) fromModel[operation] = found.sort();
    }

    const table = Object.fromEntries(Object.entries(RESPONSE_TIMESTAMP_PATHS).map(([operation, paths]) => [operation, [...paths!].sort()]));
    expect(table).toEqual(fromModel);
  });

  test('an empty 200 reply resolves to an empty object', async () => {
    service.reply({ status: 200 });

    await expect(client.deleteAudienceModel({ audienceModelArn: AUDIENCE_MODEL_ARN })).resolves.toEqual({});
  });

  test('fails with a non-retryable error naming the operation when a 200 reply is not JSON', async () => {
    service.reply({ status: 200, body: '<html>gateway</html>' });

    const error = await client.getTrainingDataset({ trainingDatasetArn: TRAINING_DATASET_ARN }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CleanRoomsMlServiceError);
    expect(error).toMatchObject({ name: 'InvalidResponseError', statusCode: 200, retryable: false, operation: 'GetTrainingDataset' });
    expect(service.requests).toHaveLength(1);
  });
});
