/**
 * A TrainingDataset whose create-only properties change, deployed with the
 * local runner (CloudFormation's replacement rules) and the library's own
 * handlers against the emulator: the replacement must not collide with the
 * old dataset's name, and the audience model trained on it must follow.
 */
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { AudienceModel, ColumnType, TrainingDataset, TrainingDataSource } from 'cdk-cleanrooms-ml';
import { CleanRoomsMlEmulator, deployStack } from 'cdk-cleanrooms-ml-local';
import { synth } from '../support/synth';
import { removeTemporaryDirectories, temporaryDirectory } from '../support/temporary-directories';

const FAST = {
  audienceModel: { createPendingMs: 10, createInProgressMs: 20, deletePendingMs: 10, deleteInProgressMs: 10 },
};

let emulator: CleanRoomsMlEmulator;

beforeEach(async () => {
  emulator = await CleanRoomsMlEmulator.start({ timings: FAST });
});

afterEach(async () => {
  await emulator.stop();
});

afterAll(removeTemporaryDirectories);

function pipeline(description: string, datasetName?: string): string {
  return synth((stack: Stack) => {
    const trainingDataset = new TrainingDataset(stack, 'Data', {
      trainingDatasetName: datasetName,
      description,
      dataSource: TrainingDataSource.fromGlueTable({ databaseName: 'retail', tableName: 'purchases' }),
      columns: [
        { columnName: 'user_id', columnType: ColumnType.USER_ID },
        { columnName: 'item_id', columnType: ColumnType.ITEM_ID },
        { columnName: 'event_time', columnType: ColumnType.TIMESTAMP },
      ],
    });
    new AudienceModel(stack, 'Model', { trainingDataset });
  });
}

test('changing an unnamed dataset\'s description replaces it under a new name, and the model is retrained on the new one', async () => {
  const stateFile = join(temporaryDirectory(), 'state.json');
  const first = await deployStack({ assembly: pipeline('first'), stateFile, endpoint: emulator.endpoint, timeScale: 0.002 });
  expect(first.status).toBe('CREATE_COMPLETE');
  const [oldDataset] = emulator.inventory().trainingDatasets;
  const [oldModel] = emulator.inventory().audienceModels;

  const second = await deployStack({ assembly: pipeline('second'), stateFile, endpoint: emulator.endpoint, timeScale: 0.002 });

  expect(second.status).toBe('UPDATE_COMPLETE');
  const { trainingDatasets, audienceModels } = emulator.inventory();
  expect(trainingDatasets).toHaveLength(1);
  expect(trainingDatasets[0]).toMatchObject({ description: 'second' });
  expect(trainingDatasets[0].name).not.toBe(oldDataset.name);
  expect(trainingDatasets[0].trainingDatasetArn).not.toBe(oldDataset.trainingDatasetArn);
  expect(audienceModels).toHaveLength(1);
  expect(audienceModels[0].audienceModelArn).not.toBe(oldModel.audienceModelArn);
  expect(audienceModels[0]).toMatchObject({ trainingDatasetArn: trainingDatasets[0].trainingDatasetArn, status: 'ACTIVE' });
});

test('fails to change a named dataset\'s description (the given name pins it), and rolls back to the dataset and model it had', async () => {
  const stateFile = join(temporaryDirectory(), 'state.json');
  await deployStack({ assembly: pipeline('first', 'purchases'), stateFile, endpoint: emulator.endpoint, timeScale: 0.002 });
  const before = emulator.inventory();

  const second = await deployStack({ assembly: pipeline('second', 'purchases'), stateFile, endpoint: emulator.endpoint, timeScale: 0.002 });

  expect(second.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(second.failure?.reason).toMatch(/custom-named resource requires replacing/);
  expect(emulator.inventory().trainingDatasets.map((dataset) => dataset.trainingDatasetArn))
    .toEqual(before.trainingDatasets.map((dataset) => dataset.trainingDatasetArn));
  expect(emulator.inventory().audienceModels.map((model) => model.audienceModelArn))
    .toEqual(before.audienceModels.map((model) => model.audienceModelArn));
});
