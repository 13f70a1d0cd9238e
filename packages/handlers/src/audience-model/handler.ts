/**
 * `Custom::CleanRoomsMLAudienceModel`: the service's lifecycle of an
 * audience model. CreateAudienceModel starts training (CREATE_PENDING →
 * CREATE_IN_PROGRESS → ACTIVE, or CREATE_FAILED); DeleteAudienceModel starts
 * deletion (DELETE_PENDING → DELETE_IN_PROGRESS → gone, or DELETE_FAILED).
 * There is no update call: any change but tags creates a new model, and
 * CloudFormation deletes the old one afterwards.
 *
 * Training can outlast the hour CloudFormation waits for a custom resource:
 * when the construct's timeout is longer, the model resource completes at the
 * end of its window with the model still training (Status CREATE_…), and a
 * chain of `Custom::CleanRoomsMLWait` resources (../wait) waits on.
 */
import {
  AUDIENCE_MODEL_ARN_RESOURCE_TYPE,
  AudienceModelAttribute,
  AudienceModelData,
  AudienceModelProperties,
} from 'cdk-cleanrooms-ml/lib/contracts/audience-model';
import { isConflict, isNotFound } from 'cdk-cleanrooms-ml-local/lib/client/errors';
import { listAll } from 'cdk-cleanrooms-ml-local/lib/client/paginate';
import type { AudienceModelMetric, AudienceModelMetricType, GetAudienceModelResponse } from 'cdk-cleanrooms-ml-local/lib/client/types';
import { ResourceFailure } from '../framework/errors';
import type { CustomResourceEvent, OperationState } from '../framework/events';
import { optional, PropertySchema, string, stringMap, timestamp } from '../framework/properties';
import { describeStatusDetails, HandlerRuntime, Progress, ResourceHandler, ResourceNaming, Started, STARTED_HERE } from '../framework/resource-handler';

const PROPERTIES: PropertySchema<AudienceModelProperties> = {
  Name: optional(string),
  TrainingDatasetArn: string,
  TrainingDataStartTime: optional(timestamp),
  TrainingDataEndTime: optional(timestamp),
  KmsKeyArn: optional(string),
  Description: optional(string),
  Tags: optional(stringMap),
};

type Property = keyof AudienceModelProperties & string;

/** Every property but the tags is fixed at creation: the service has no update call. */
const CREATE_ONLY = (Object.keys(PROPERTIES) as Property[]).filter((property) => property !== 'Tags');

export class AudienceModelHandler extends ResourceHandler<AudienceModelProperties, AudienceModelData> {
  protected readonly noun = 'audience model';

  /** Wait conditions can continue the wait for it (contracts/wait.ts). */
  protected get waitKind(): typeof AUDIENCE_MODEL_ARN_RESOURCE_TYPE {
    return AUDIENCE_MODEL_ARN_RESOURCE_TYPE;
  }

  constructor(runtime: HandlerRuntime, event: CustomResourceEvent) {
    super(runtime, event, PROPERTIES, CREATE_ONLY);
  }

  protected onCreate(): Promise<Started> {
    return this.createModel();
  }

  protected async onUpdate(): Promise<Started> {
    const arn = this.physicalArnOf(AUDIENCE_MODEL_ARN_RESOURCE_TYPE);
    const fixed = await this.changesRequiringReplacement(arn);
    if (arn === undefined || fixed.length > 0) {
      if (arn !== undefined) {
        this.refuseReplacementOfNamedResource('Name', 'audienceModelName', fixed);
      }
      this.log.info('Replacing the audience model: these properties cannot change in place', { changed: fixed });
      return this.createModel();
    }
    await this.updateTags(arn, this.oldProperties.Tags, this.properties.Tags);
    return { physicalResourceId: arn };
  }

  protected async onDelete(): Promise<void> {
    const arn = this.physicalArnOf(AUDIENCE_MODEL_ARN_RESOURCE_TYPE);
    if (arn === undefined) {
      this.log.info('Nothing to delete: the physical id is not an audience model ARN');
      return;
    }
    await this.requestDeletion(arn);
  }

  protected isCreateComplete(): Promise<Progress<AudienceModelData>> {
    return this.waitUntilActive();
  }

  protected isUpdateComplete(): Promise<Progress<AudienceModelData>> {
    return this.waitUntilActive();
  }

  protected async isDeleteComplete(): Promise<Progress<void>> {
    const arn = this.physicalArnOf(AUDIENCE_MODEL_ARN_RESOURCE_TYPE);
    if (arn === undefined) {
      return this.done(undefined);
    }
    let model: GetAudienceModelResponse;
    try {
      model = await this.client.getAudienceModel({ audienceModelArn: arn });
    } catch (err) {
      if (isNotFound(err)) {
        return this.done(undefined);
      }
      throw err;
    }
    switch (model.status) {
      case 'DELETE_PENDING':
      case 'DELETE_IN_PROGRESS':
        return this.waiting(`status ${model.status}`);
      case 'DELETE_FAILED':
        throw new ResourceFailure(`deleting the audience model "${model.name}" failed (DELETE_FAILED): ${describeStatusDetails(model.statusDetails)}`);
      default:
        // Not (yet) being deleted, e.g. a delete asked while it was still training: ask again.
        await this.requestDeletion(arn);
        return this.waiting(`status ${model.status}, deletion requested again`);
    }
  }

  private async createModel(): Promise<Started> {
    const props = this.properties;
    const arn = await this.createOrAdopt(
      async (name) => (await this.client.createAudienceModel({
        name,
        trainingDatasetArn: props.TrainingDatasetArn,
        trainingDataStartTime: props.TrainingDataStartTime === undefined ? undefined : new Date(props.TrainingDataStartTime),
        trainingDataEndTime: props.TrainingDataEndTime === undefined ? undefined : new Date(props.TrainingDataEndTime),
        kmsKeyArn: props.KmsKeyArn,
        description: props.Description,
        tags: this.creationTags(props.Tags),
      })).audienceModelArn,
    );
    const operation: OperationState = { [STARTED_HERE]: 'true' };
    return { physicalResourceId: arn, operation };
  }

  protected createdResourceNaming(): ResourceNaming {
    return {
      name: this.properties.Name ?? this.generatedName(),
      findArn: async (name) => (await listAll(this.client, 'listAudienceModels')).find((model) => model.name === name)?.audienceModelArn,
    };
  }

  private async waitUntilActive(): Promise<Progress<AudienceModelData>> {
    const arn = this.physicalArnOf(AUDIENCE_MODEL_ARN_RESOURCE_TYPE);
    if (arn === undefined) {
      throw new ResourceFailure(`the physical id ${JSON.stringify(this.physicalResourceId)} is not an audience model ARN`);
    }
    const model = await this.client.getAudienceModel({ audienceModelArn: arn });
    switch (model.status) {
      case 'ACTIVE':
        return this.done(attributesOf(model));
      case 'CREATE_PENDING':
      case 'CREATE_IN_PROGRESS':
        // The attributes so far: handed over when wait resources continue the wait.
        return this.waiting(`status ${model.status}`, attributesOf(model));
      case 'CREATE_FAILED':
        if (this.startedHere) {
          // CloudFormation may not send a Delete for a failed replacement; do not leave it behind.
          await this.requestDeletionQuietly(arn);
        }
        throw new ResourceFailure(`training the audience model "${model.name}" failed (CREATE_FAILED): ${describeStatusDetails(model.statusDetails)}`);
      default:
        throw new ResourceFailure(`the audience model "${model.name}" is ${model.status}: it was deleted outside this stack`);
    }
  }

  protected async deleteStartedResource(physicalResourceId?: string): Promise<void> {
    const arn = physicalResourceId ?? this.physicalArnOf(AUDIENCE_MODEL_ARN_RESOURCE_TYPE);
    if (arn !== undefined) {
      await this.requestDeletionQuietly(arn);
    }
  }

  private async requestDeletion(arn: string): Promise<void> {
    try {
      await this.client.deleteAudienceModel({ audienceModelArn: arn });
      this.log.info('Requested deletion of the audience model', { arn });
    } catch (err) {
      if (isNotFound(err)) {
        this.log.info('The audience model is already gone', { arn });
        return;
      }
      if (isConflict(err)) {
        throw new ResourceFailure(`cannot delete the audience model ${arn} while another resource uses it: ${err.message}`);
      }
      throw err;
    }
  }

  /** Deletes a model this request started and is failing, and waits for it to be gone. */
  private async requestDeletionQuietly(arn: string): Promise<void> {
    await this.deleteStartedQuietly(arn, () => this.requestDeletion(arn), () => this.client.getAudienceModel({ audienceModelArn: arn }));
  }
}

/** Every attribute of an ACTIVE model; `''` where the service reports nothing. */
export function attributesOf(model: GetAudienceModelResponse): AudienceModelData {
  const metrics = model.metrics ?? [];
  return {
    [AudienceModelAttribute.AUDIENCE_MODEL_ARN]: model.audienceModelArn,
    [AudienceModelAttribute.NAME]: model.name,
    [AudienceModelAttribute.STATUS]: model.status,
    [AudienceModelAttribute.METRICS]: metrics.length > 0 ? JSON.stringify(metrics) : '',
    [AudienceModelAttribute.NORMALIZED_DISCOUNTED_CUMULATIVE_GAIN]: metricAtLargestTopK(metrics, 'NORMALIZED_DISCOUNTED_CUMULATIVE_GAIN'),
    [AudienceModelAttribute.MEAN_RECIPROCAL_RANK]: metricAtLargestTopK(metrics, 'MEAN_RECIPROCAL_RANK'),
    [AudienceModelAttribute.PRECISION]: metricAtLargestTopK(metrics, 'PRECISION'),
    [AudienceModelAttribute.RECALL]: metricAtLargestTopK(metrics, 'RECALL'),
  };
}

/** A metric's value at the largest top K the service reports it for; `''` when not reported. */
function metricAtLargestTopK(metrics: readonly AudienceModelMetric[], type: AudienceModelMetricType): string {
  const matching = metrics.filter((metric) => metric.type === type);
  if (matching.length === 0) {
    return '';
  }
  const largest = matching.reduce((best, metric) => (metric.forTopKItemPredictions > best.forTopKItemPredictions ? metric : best));
  return String(largest.value);
}
