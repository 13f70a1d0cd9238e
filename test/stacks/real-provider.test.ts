/**
 * The runner with the library's own constructs: the real bundled Provider
 * handlers (the library's assets/handlers) run in-process against the emulator.
 */
import { join } from 'node:path';
import { CfnOutput, Stack, Tags } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  AudienceGenerationJob,
  AudienceModel,
  ColumnType,
  ConfiguredAudienceModel,
  SeedAudience,
  TrainingDataset,
  TrainingDataSource,
} from 'cdk-cleanrooms-ml';
import { CleanRoomsMlEmulator, deployStack, destroyStack, SecretsManagerEmulator } from 'cdk-cleanrooms-ml-local';
import { synth } from '../support/synth';
import { removeTemporaryDirectories, temporaryDirectory } from '../support/temporary-directories';

const FAST = {
  audienceModel: { createPendingMs: 20, createInProgressMs: 30, deletePendingMs: 10, deleteInProgressMs: 20 },
  audienceGenerationJob: { createPendingMs: 20, createInProgressMs: 30, deletePendingMs: 10, deleteInProgressMs: 20 },
};

let emulator: CleanRoomsMlEmulator;

beforeEach(async () => {
  emulator = await CleanRoomsMlEmulator.start({ timings: FAST });
});

afterEach(async () => {
  await emulator.stop();
});

afterAll(removeTemporaryDirectories);

function lookalikeStack(stack: Stack, modelTags: Record<string, string> = {}): AudienceModel {
  const trainingDataset = new TrainingDataset(stack, 'Data', {
    dataSource: TrainingDataSource.fromGlueTable({ databaseName: 'retail', tableName: 'purchases' }),
    columns: [
      { columnName: 'user_id', columnType: ColumnType.USER_ID },
      { columnName: 'item_id', columnType: ColumnType.ITEM_ID },
      { columnName: 'event_time', columnType: ColumnType.TIMESTAMP },
    ],
  });
  const model = new AudienceModel(stack, 'Model', { trainingDataset });
  Object.entries(modelTags).forEach(([key, value]) => Tags.of(model).add(key, value));
  new CfnOutput(stack, 'ModelArn', { value: model.audienceModelArn });
  return model;
}

test('deploys and destroys an audience model through the library\'s own provider handlers', async () => {
  const stateFile = join(temporaryDirectory(), 'state.json');
  const assembly = synth((stack) => lookalikeStack(stack));

  const deployed = await deployStack({ assembly, stateFile, endpoint: emulator.endpoint, timeScale: 0.002 });

  expect(deployed.status).toBe('CREATE_COMPLETE');
  const [model] = emulator.inventory().audienceModels;
  expect(model).toMatchObject({ audienceModelArn: deployed.outputs.ModelArn, status: 'ACTIVE' });
  expect(model.trainingDatasetArn).toBe(emulator.inventory().trainingDatasets[0].trainingDatasetArn);

  const destroyed = await destroyStack({ stateFile, timeScale: 0.002 });

  expect(destroyed.status).toBe('DELETE_COMPLETE');
  expect(emulator.inventory()).toMatchObject({ audienceModels: [], trainingDatasets: [] });
});

test('fails an audience model the service fails, with its status details, and the rollback deletes it', async () => {
  const stateFile = join(temporaryDirectory(), 'state.json');
  const assembly = synth((stack) => lookalikeStack(stack, { 'emulator:fail': 'CREATE', 'emulator:fail-message': 'not enough training data' }));

  const result = await deployStack({ assembly, stateFile, endpoint: emulator.endpoint, timeScale: 0.002 });

  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.failure).toMatchObject({ resourceType: 'Custom::CleanRoomsMLAudienceModel', reason: expect.stringContaining('not enough training data') });
  expect(emulator.inventory()).toMatchObject({ audienceModels: [], trainingDatasets: [] });
});

test('deploys an audience generation job with a SQL seed whose parameters the handler reads from the secretsManagerEndpoint', async () => {
  const secrets = await SecretsManagerEmulator.start();
  try {
    const membershipArn = 'arn:aws:cleanrooms:us-east-1:123456789012:membership/5b0e6f70-1f2a-41ef-9a4b-0a1b2c3d4e5f';
    const parametersArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:seed-params-AbCdEf';
    secrets.put(parametersArn, JSON.stringify({ min_date: '2024-01-01' }));
    const stateFile = join(temporaryDirectory(), 'state.json');
    const assembly = synth((stack) => {
      const configuredAudienceModel = new ConfiguredAudienceModel(stack, 'Configured', {
        audienceModel: lookalikeStack(stack),
        outputBucket: new s3.Bucket(stack, 'Audiences'),
      });
      const job = new AudienceGenerationJob(stack, 'Job', {
        configuredAudienceModel,
        collaborationId: '0b1c2d3e-4f5a-4b7c-8d9e-0f1a2b3c4d5e',
        seedAudience: SeedAudience.fromSql({
          membershipArn,
          analysisTemplateArn: `${membershipArn}/analysistemplate/7d2a8192-3b4c-43a1`,
          parameters: secretsmanager.Secret.fromSecretCompleteArn(stack, 'SeedParameters', parametersArn),
        }),
      });
      new CfnOutput(stack, 'JobArn', { value: job.audienceGenerationJobArn });
    });

    const deployed = await deployStack({
      assembly,
      stateFile,
      endpoint: emulator.endpoint,
      timeScale: 0.002,
      secretsManagerEndpoint: secrets.endpoint,
    });

    expect(deployed.failure).toBeUndefined();
    expect(deployed.status).toBe('CREATE_COMPLETE');
    expect(secrets.requests).toEqual([expect.objectContaining({ target: 'secretsmanager.GetSecretValue', secretId: parametersArn })]);
    expect(emulator.inventory().audienceGenerationJobs).toEqual([expect.objectContaining({
      audienceGenerationJobArn: deployed.outputs.JobArn,
      status: 'ACTIVE',
      seedAudience: expect.objectContaining({ sqlParameters: expect.objectContaining({ parameters: { min_date: '2024-01-01' } }) }),
    })]);
    await expect(destroyStack({ stateFile, timeScale: 0.002 })).resolves.toMatchObject({ status: 'DELETE_COMPLETE' });
  } finally {
    await secrets.stop();
  }
});
