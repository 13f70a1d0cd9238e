import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CfnOutput } from 'aws-cdk-lib';
import { physicalId, removeTemporaryDirectories, resourceEvents, stateFile, synth, trainingDataset } from './helpers';
import { CleanRoomsMlClient } from '../../src/client';
import { CleanRoomsMlEmulator } from '../../src/emulator';
import { deployStack, DeploymentEvent, destroyStack } from '../../src/runner';

let emulator: CleanRoomsMlEmulator;

beforeEach(async () => {
  emulator = await CleanRoomsMlEmulator.start();
});

afterEach(async () => {
  await emulator.stop();
});

afterAll(removeTemporaryDirectories);

test('creates an AWS::CleanRoomsML::TrainingDataset on the emulator (Ref is its ARN, GetAtt its status) and deletes it on destroy', async () => {
  const state = stateFile();
  const assembly = synth((stack) => {
    const dataset = trainingDataset(stack, 'Dataset', { name: 'purchases', description: 'Purchases', tags: { team: 'growth' } });
    new CfnOutput(stack, 'DatasetRef', { value: dataset.ref });
    new CfnOutput(stack, 'DatasetArn', { value: dataset.attrTrainingDatasetArn });
    new CfnOutput(stack, 'DatasetStatus', { value: dataset.attrStatus });
  });

  const result = await deployStack({ assembly, stateFile: state, endpoint: emulator.endpoint });

  expect(result.status).toBe('CREATE_COMPLETE');
  const arn = physicalId(result, 'Dataset');
  expect(arn).toMatch(/^arn:aws:cleanrooms-ml:us-east-1:123456789012:training-dataset\//);
  expect(result.outputs).toEqual({ DatasetRef: arn, DatasetArn: arn, DatasetStatus: 'ACTIVE' });
  const [dataset] = emulator.inventory().trainingDatasets;
  expect(dataset).toMatchObject({
    trainingDatasetArn: arn,
    name: 'purchases',
    description: 'Purchases',
    // The role's synthetic ARN is in the emulator's account, as the emulator requires.
    roleArn: expect.stringMatching(/^arn:aws:iam::123456789012:role\/RunnerTestStack-DatasetRole/),
    trainingData: [{ type: 'INTERACTIONS', inputConfig: { dataSource: { glueDataSource: { catalogId: '123456789012', databaseName: 'retail', tableName: 'purchases' } } } }],
    tags: { team: 'growth' },
  });

  const destroyed = await destroyStack({ stateFile: state });

  expect(destroyed.status).toBe('DELETE_COMPLETE');
  expect(emulator.inventory().trainingDatasets).toEqual([]);
});

test('updates a training dataset\'s tags in place', async () => {
  const state = stateFile();
  const version = (tags: Record<string, string>): string => synth((stack) => {
    trainingDataset(stack, 'Dataset', { name: 'purchases', tags });
  });
  const first = await deployStack({ assembly: version({ team: 'growth', stage: 'dev' }), stateFile: state, endpoint: emulator.endpoint });

  const second = await deployStack({ assembly: version({ team: 'ads' }), stateFile: state, endpoint: emulator.endpoint });

  expect(second.status).toBe('UPDATE_COMPLETE');
  expect(physicalId(second, 'Dataset')).toBe(physicalId(first, 'Dataset'));
  expect(emulator.inventory().trainingDatasets.map((dataset) => dataset.tags)).toEqual([{ team: 'ads' }]);
});

test('replaces a training dataset when a create-only property changes, and deletes the old one after the update', async () => {
  const state = stateFile();
  const version = (name: string): string => synth((stack) => {
    trainingDataset(stack, 'Dataset', { name });
  });
  const first = await deployStack({ assembly: version('purchases'), stateFile: state, endpoint: emulator.endpoint });
  const events: DeploymentEvent[] = [];

  const second = await deployStack({ assembly: version('purchases-v2'), stateFile: state, endpoint: emulator.endpoint, onEvent: (event) => events.push(event) });

  expect(second.status).toBe('UPDATE_COMPLETE');
  expect(physicalId(second, 'Dataset')).not.toBe(physicalId(first, 'Dataset'));
  expect(emulator.inventory().trainingDatasets.map((dataset) => dataset.name)).toEqual(['purchases-v2']);
  expect(resourceEvents(events)).toEqual([
    'Dataset UPDATE_IN_PROGRESS',
    'Dataset UPDATE_IN_PROGRESS',
    'Dataset UPDATE_COMPLETE',
    'Dataset DELETE_IN_PROGRESS',
    'Dataset DELETE_COMPLETE',
  ]);
});

test('fails to replace a training dataset whose name stays the same, and rolls back', async () => {
  const state = stateFile();
  const version = (description: string): string => synth((stack) => {
    trainingDataset(stack, 'Dataset', { name: 'purchases', description });
  });
  const first = await deployStack({ assembly: version('first'), stateFile: state, endpoint: emulator.endpoint });

  const second = await deployStack({ assembly: version('second'), stateFile: state, endpoint: emulator.endpoint });

  expect(second.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(second.failure).toEqual({
    logicalResourceId: 'Dataset',
    resourceType: 'AWS::CleanRoomsML::TrainingDataset',
    reason: 'CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename purchases and update the stack again.',
  });
  expect(emulator.inventory().trainingDatasets.map((dataset) => [dataset.trainingDatasetArn, dataset.description]))
    .toEqual([[physicalId(first, 'Dataset'), 'first']]);
});

test('fails to create a training dataset whose name is taken outside the stack, and never touches the other one', async () => {
  const client = new CleanRoomsMlClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const { trainingDatasetArn: foreign } = await client.createTrainingDataset({
    name: 'purchases',
    roleArn: 'arn:aws:iam::123456789012:role/someone-else',
    trainingData: [{
      type: 'INTERACTIONS',
      inputConfig: {
        dataSource: { glueDataSource: { databaseName: 'retail', tableName: 'purchases' } },
        schema: [{ columnName: 'user_id', columnTypes: ['USER_ID'] }, { columnName: 'item_id', columnTypes: ['ITEM_ID'] }, { columnName: 'event_time', columnTypes: ['TIMESTAMP'] }],
      },
    }],
  });
  client.destroy();
  const assembly = synth((stack) => {
    trainingDataset(stack, 'Dataset', { name: 'purchases' });
  });

  const result = await deployStack({ assembly, stateFile: stateFile(), endpoint: emulator.endpoint });

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.failure).toMatchObject({
    logicalResourceId: 'Dataset',
    reason: expect.stringMatching(/^Resource handler returned message: ".*purchases.*" \(RequestToken: [0-9a-f-]+, HandlerErrorCode: AlreadyExists\)$/),
  });
  expect(emulator.inventory().trainingDatasets.map((dataset) => dataset.trainingDatasetArn)).toEqual([foreign]);
});

/**
 * A proxy in front of the emulator that answers every GetTrainingDataset with
 * a 500, as the service does when it fails: what the runner meets when its
 * read right after a successful CreateTrainingDataset fails.
 */
async function failingReadsProxy(target: string): Promise<{ readonly endpoint: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    if (request.method === 'GET' && /^\/training-dataset\/[^/]+$/.test(request.url ?? '')) {
      request.resume();
      response.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalServiceException' });
      response.end(JSON.stringify({ message: 'Internal service error (from the test proxy)' }));
      return;
    }
    const upstream = new URL(request.url ?? '/', target);
    const forwarded = httpRequest(upstream, { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a read that fails right after CreateTrainingDataset succeeded', () => {
  test('fails the create and the rollback deletes the dataset; a later deploy succeeds', async () => {
    const state = stateFile();
    const assembly = synth((stack) => {
      trainingDataset(stack, 'Dataset', { name: 'purchases' });
    });
    const proxy = await failingReadsProxy(emulator.endpoint);

    const failed = await deployStack({ assembly, stateFile: state, endpoint: proxy.endpoint }).finally(() => proxy.close());

    expect(failed.status).toBe('ROLLBACK_COMPLETE');
    expect(failed.failure).toMatchObject({ logicalResourceId: 'Dataset', reason: expect.stringContaining('Internal service error') });
    expect(emulator.inventory().trainingDatasets).toEqual([]);
    // As on CloudFormation, a stack in ROLLBACK_COMPLETE is deleted before it is created again.
    await destroyStack({ stateFile: state, endpoint: emulator.endpoint });
    const redeployed = await deployStack({ assembly, stateFile: state, endpoint: emulator.endpoint });
    expect(redeployed.status).toBe('CREATE_COMPLETE');
    expect(emulator.inventory().trainingDatasets).toHaveLength(1);
  });

  test('fails a replacement and the rollback deletes the new dataset, keeping the old one', async () => {
    const state = stateFile();
    const version = (description: string): string => synth((stack) => {
      trainingDataset(stack, 'Dataset', { name: `purchases-${description}`, description });
    });
    const first = await deployStack({ assembly: version('first'), stateFile: state, endpoint: emulator.endpoint });
    const proxy = await failingReadsProxy(emulator.endpoint);

    const second = await deployStack({ assembly: version('second'), stateFile: state, endpoint: proxy.endpoint }).finally(() => proxy.close());

    expect(second.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(emulator.inventory().trainingDatasets.map((dataset) => [dataset.trainingDatasetArn, dataset.description]))
      .toEqual([[physicalId(first, 'Dataset'), 'first']]);
    const destroyed = await destroyStack({ stateFile: state, endpoint: emulator.endpoint });
    expect(destroyed.status).toBe('DELETE_COMPLETE');
    expect(emulator.inventory().trainingDatasets).toEqual([]);
  });
});
