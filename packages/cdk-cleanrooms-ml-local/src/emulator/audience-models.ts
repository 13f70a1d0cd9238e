/**
 * Audience models: training runs CREATE_PENDING → CREATE_IN_PROGRESS →
 * ACTIVE (or CREATE_FAILED), deletion DELETE_PENDING → DELETE_IN_PROGRESS →
 * gone (or DELETE_FAILED). Creating one needs an existing training dataset;
 * deleting one is refused while a configured audience model uses it.
 */
import { lookUp, mintArn } from './arns';
import { timestampMillis } from './constraints';
import { conflict } from './errors';
import { OperationContext, OperationTable, requestedFailure, requireQuota, requireUniqueName } from './operation';
import { PageRequest, paginate } from './pagination';
import { AudienceModelRecord, isCreating, isDeleting, Tags } from './store';

interface CreateAudienceModelInput {
  readonly name: string;
  readonly trainingDatasetArn: string;
  readonly trainingDataStartTime?: string | number;
  readonly trainingDataEndTime?: string | number;
  readonly kmsKeyArn?: string;
  readonly tags?: Tags;
  readonly description?: string;
}

interface AudienceModelArnInput {
  readonly audienceModelArn: string;
}

export function findAudienceModel({ store, scope }: OperationContext, arn: string): AudienceModelRecord {
  return lookUp(scope, 'audience-model', arn, store.state.audienceModels);
}

export const audienceModelOperations: OperationTable = {
  CreateAudienceModel: (input: CreateAudienceModelInput, { store, scope, quotas, now }) => {
    lookUp(scope, 'training-dataset', input.trainingDatasetArn, store.state.trainingDatasets);
    requireUniqueName(store.audienceModels(scope.accountId).map((model) => model.name), input.name, 'audience model');
    const training = store.audienceModels(scope.accountId).filter((model) => isCreating(store.audienceModelState(model, now))).length;
    requireQuota(training, quotas.audienceModelTrainings, 'Concurrent audience model trainings', 'audience models are training');

    const tags = { ...input.tags };
    const arn = mintArn(scope, 'audience-model');
    store.state.audienceModels[arn] = {
      arn,
      name: input.name,
      description: input.description,
      trainingDatasetArn: input.trainingDatasetArn,
      trainingDataStartTime: input.trainingDataStartTime === undefined ? undefined : timestampMillis(input.trainingDataStartTime),
      trainingDataEndTime: input.trainingDataEndTime === undefined ? undefined : timestampMillis(input.trainingDataEndTime),
      kmsKeyArn: input.kmsKeyArn,
      tags,
      sequence: store.nextSequence(),
      lifecycle: {
        createdAt: now,
        createFailure: requestedFailure(store, 'audience-model', 'CREATE', tags, `Training of audience model "${input.name}" failed (requested from the emulator)`),
      },
    };
    return { audienceModelArn: arn };
  },

  GetAudienceModel: (input: AudienceModelArnInput, context) =>
    context.store.describeAudienceModel(findAudienceModel(context, input.audienceModelArn), context.now),

  ListAudienceModels: (input: PageRequest, { store, scope, now }) => {
    const page = paginate('ListAudienceModels', store.audienceModels(scope.accountId), input);
    return {
      audienceModels: page.items.map((record) => {
        const { createTime, updateTime, audienceModelArn, name, trainingDatasetArn, status, description } = store.describeAudienceModel(record, now);
        return { createTime, updateTime, audienceModelArn, name, trainingDatasetArn, status, description };
      }),
      nextToken: page.nextToken,
    };
  },

  DeleteAudienceModel: (input: AudienceModelArnInput, context) => {
    const { store, scope, now } = context;
    const model = findAudienceModel(context, input.audienceModelArn);
    if (isDeleting(store.audienceModelState(model, now))) {
      // Already on its way out: a repeated delete changes nothing.
      return undefined;
    }
    const dependant = store.configuredAudienceModels(scope.accountId).find((configured) => configured.audienceModelArn === model.arn);
    if (dependant) {
      throw conflict(`Audience model ${model.arn} cannot be deleted: configured audience model ${dependant.arn} ("${dependant.name}") uses it`);
    }
    model.lifecycle.deleteRequestedAt = now;
    model.lifecycle.deleteFailure = requestedFailure(
      store, 'audience-model', 'DELETE', model.tags, `Deletion of audience model "${model.name}" failed (requested from the emulator)`,
    );
    return undefined;
  },
};
