/**
 * Training datasets: metadata pointing at a Glue table. ACTIVE as soon as
 * they are created; cannot be deleted while an audience model uses them.
 */
import { lookUp, mintArn } from './arns';
import { conflict } from './errors';
import { OperationContext, OperationTable, requireRoleInAccount, requireUniqueName } from './operation';
import { PageRequest, paginate } from './pagination';
import { Tags, TrainingDatasetRecord } from './store';

interface CreateTrainingDatasetInput {
  readonly name: string;
  readonly roleArn: string;
  readonly trainingData: readonly unknown[];
  readonly tags?: Tags;
  readonly description?: string;
}

interface TrainingDatasetArnInput {
  readonly trainingDatasetArn: string;
}

function findTrainingDataset({ store, scope }: OperationContext, arn: string): TrainingDatasetRecord {
  return lookUp(scope, 'training-dataset', arn, store.state.trainingDatasets);
}

export const trainingDatasetOperations: OperationTable = {
  CreateTrainingDataset: (input: CreateTrainingDatasetInput, { store, scope, now }) => {
    requireRoleInAccount(scope, 'roleArn', input.roleArn);
    requireUniqueName(store.trainingDatasets(scope.accountId).map((dataset) => dataset.name), input.name, 'training dataset');
    const arn = mintArn(scope, 'training-dataset');
    store.state.trainingDatasets[arn] = {
      arn,
      name: input.name,
      description: input.description,
      roleArn: input.roleArn,
      trainingData: structuredClone(input.trainingData),
      tags: { ...input.tags },
      sequence: store.nextSequence(),
      createdAt: now,
      updatedAt: now,
    };
    return { trainingDatasetArn: arn };
  },

  GetTrainingDataset: (input: TrainingDatasetArnInput, context) =>
    context.store.describeTrainingDataset(findTrainingDataset(context, input.trainingDatasetArn)),

  ListTrainingDatasets: (input: PageRequest, { store, scope }) => {
    const page = paginate('ListTrainingDatasets', store.trainingDatasets(scope.accountId), input);
    return {
      trainingDatasets: page.items.map((record) => {
        const { createTime, updateTime, trainingDatasetArn, name, status, description } = store.describeTrainingDataset(record);
        return { createTime, updateTime, trainingDatasetArn, name, status, description };
      }),
      nextToken: page.nextToken,
    };
  },

  DeleteTrainingDataset: (input: TrainingDatasetArnInput, context) => {
    const dataset = findTrainingDataset(context, input.trainingDatasetArn);
    const dependant = context.store.audienceModels(context.scope.accountId).find((model) => model.trainingDatasetArn === dataset.arn);
    if (dependant) {
      throw conflict(`Training dataset ${dataset.arn} cannot be deleted: audience model ${dependant.arn} ("${dependant.name}") uses it`);
    }
    delete context.store.state.trainingDatasets[dataset.arn];
    return undefined;
  },
};
