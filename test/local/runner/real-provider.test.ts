/**
 * The runner with the library's own constructs: the real bundled Provider
 * handlers (assets/handlers/provider) run in-process against the emulator.
 */
import { join } from 'node:path';
import { CfnOutput, Stack, Tags } from 'aws-cdk-lib';
import { removeTemporaryDirectories, synth, temporaryDirectory } from './helpers';
import { AudienceModel, ColumnType, TrainingDataset, TrainingDataSource } from '../../../src';
import { CleanRoomsMlEmulator } from '../../../src/local/emulator';
import { deployStack, destroyStack } from '../../../src/local/runner';

const FAST = {
  audienceModel: { createPendingMs: 20, createInProgressMs: 30, deletePendingMs: 10, deleteInProgressMs: 20 },
};

let emulator: CleanRoomsMlEmulator;

beforeEach(async () => {
  emulator = await CleanRoomsMlEmulator.start({ timings: FAST });
});

afterEach(async () => {
  await emulator.stop();
});

afterAll(removeTemporaryDirectories);

function lookalikeStack(stack: Stack, modelTags: Record<string, string> = {}): void {
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
