/**
 * The emulator and a SQL seed's compute (seedAudience.sqlComputeConfiguration):
 * accepted, stored and returned as the service does, and refused outside the
 * constraints of the model's ComputeConfiguration / WorkerComputeConfiguration
 * with a ValidationException naming the field.
 */
import type { CleanRoomsMlClient, ComputeConfiguration } from '../../src/client';
import { CleanRoomsMlEmulator } from '../../src/emulator';
import {
  caught,
  ClientPool,
  COLLABORATION_ID,
  configuredAudienceModelInput,
  generationJobInput,
  ROLE_ARN,
  trainingDatasetInput,
  unknownArn,
  waitFor,
} from '../client/emulator-fixtures';

const INSTANT = {
  audienceModel: { createPendingMs: 1, createInProgressMs: 1, deletePendingMs: 1, deleteInProgressMs: 1 },
};

let emulator: CleanRoomsMlEmulator;
const pool = new ClientPool(() => emulator);
let client: CleanRoomsMlClient;

beforeAll(async () => {
  emulator = await CleanRoomsMlEmulator.start({ timings: INSTANT });
  client = pool.client({ maxAttempts: 1 });
});

afterAll(async () => {
  pool.destroyAll();
  await emulator.stop();
});

function sqlSeed(sqlComputeConfiguration: unknown) {
  return {
    roleArn: ROLE_ARN,
    sqlParameters: { queryString: 'SELECT user_id FROM purchases' },
    sqlComputeConfiguration: sqlComputeConfiguration as ComputeConfiguration,
  };
}

test('a job started with a SQL compute configuration returns it on GetAudienceGenerationJob', async () => {
  const { trainingDatasetArn } = await client.createTrainingDataset(trainingDatasetInput('compute-data'));
  const { audienceModelArn } = await client.createAudienceModel({ name: 'compute-model', trainingDatasetArn });
  await waitFor(() => client.getAudienceModel({ audienceModelArn }), (model) => model.status === 'ACTIVE');
  const { configuredAudienceModelArn } = await client.createConfiguredAudienceModel(configuredAudienceModelInput('compute-configured', audienceModelArn));
  const compute: ComputeConfiguration = { worker: { type: 'CR.8X', number: 1024, properties: { spark: { 'spark.sql.shuffle.partitions': '400' } } } };

  const { audienceGenerationJobArn } = await client.startAudienceGenerationJob(generationJobInput('compute-job', configuredAudienceModelArn, {
    collaborationId: COLLABORATION_ID,
    seedAudience: sqlSeed(compute),
  }));
  const job = await client.getAudienceGenerationJob({ audienceGenerationJobArn });

  expect(job.seedAudience?.sqlComputeConfiguration).toEqual(compute);
});

test.each([
  ['one worker', { worker: { number: 1 } }, 'seedAudience.sqlComputeConfiguration.worker.number must be between 2 and 1024, got 1'],
  ['1025 workers', { worker: { number: 1025 } }, 'seedAudience.sqlComputeConfiguration.worker.number must be between 2 and 1024, got 1025'],
  ['2.5 workers', { worker: { number: 2.5 } }, 'seedAudience.sqlComputeConfiguration.worker.number must be an integer, got number 2.5'],
  ['worker type CR.2X', { worker: { type: 'CR.2X' } }, 'seedAudience.sqlComputeConfiguration.worker.type must be one of CR.1X, CR.4X, CR.8X, got "CR.2X"'],
  ['no member in the union', {}, 'seedAudience.sqlComputeConfiguration must have exactly one member, got none'],
  [
    '51 Spark properties',
    { worker: { properties: { spark: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`spark.p${i}`, 'v'])) } } },
    'seedAudience.sqlComputeConfiguration.worker.properties.spark must have at most 50 entries, got 51',
  ],
  [
    'a Spark property value of 501 characters',
    { worker: { properties: { spark: { 'spark.executor.memory': 'x'.repeat(501) } } } },
    'seedAudience.sqlComputeConfiguration.worker.properties.spark["spark.executor.memory"] must be 0-500 characters, got 501',
  ],
])('fails with a ValidationException naming the field on %s', async (_, compute, message) => {
  const error = await caught(client.startAudienceGenerationJob(generationJobInput('bad-compute', unknownArn('configured-audience-model'), {
    collaborationId: COLLABORATION_ID,
    seedAudience: sqlSeed(compute),
  })));

  expect(error).toMatchObject({ name: 'ValidationException', statusCode: 400 });
  expect(error.message).toBe(message);
});
