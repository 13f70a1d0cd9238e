/**
 * The contract of `Custom::CleanRoomsMLAudienceModel`, imported by both the
 * AudienceModel construct (which writes the properties and reads the
 * attributes) and its handler (which reads the properties and returns the
 * attributes), so the two cannot drift apart. Types and constants only.
 */
import type { AttributeData } from './framework';

/** The custom resource type. */
export const AUDIENCE_MODEL_RESOURCE_TYPE = 'Custom::CleanRoomsMLAudienceModel';

/** The resource type in audience model ARNs: `arn:<partition>:cleanrooms-ml:<region>:<account>:audience-model/<id>`. */
export const AUDIENCE_MODEL_ARN_RESOURCE_TYPE = 'audience-model';

/** Bump when an attribute is added (see `CommonResourceProperties.AttributesRevision`). */
export const AUDIENCE_MODEL_ATTRIBUTES_REVISION = 1;

/**
 * Properties of the custom resource, as the construct writes them. Every
 * property but `Tags` is fixed at creation (the service has no update call):
 * changing one replaces the model.
 */
export interface AudienceModelProperties {
  /** The user's name for the model. When absent, the handler generates one. */
  readonly Name?: string;
  readonly TrainingDatasetArn: string;
  /** ISO-8601 date-time. */
  readonly TrainingDataStartTime?: string;
  /** ISO-8601 date-time. */
  readonly TrainingDataEndTime?: string;
  readonly KmsKeyArn?: string;
  readonly Description?: string;
  /** Applied in place (TagResource / UntagResource). */
  readonly Tags?: Record<string, string>;
}

/** Names of the attributes the handler returns (`Fn::GetAtt`). */
export const AudienceModelAttribute = {
  /** The model's ARN (also its physical id). */
  AUDIENCE_MODEL_ARN: 'AudienceModelArn',
  /** The model's name, given or generated. */
  NAME: 'Name',
  /** The model's status: `ACTIVE` once the resource exists. */
  STATUS: 'Status',
  /** Every metric the service reports, as JSON (`[{"type":…,"forTopKItemPredictions":…,"value":…}]`); `''` when none. */
  METRICS: 'Metrics',
  /** NORMALIZED_DISCOUNTED_CUMULATIVE_GAIN at the largest reported top K; `''` when not reported. */
  NORMALIZED_DISCOUNTED_CUMULATIVE_GAIN: 'NormalizedDiscountedCumulativeGain',
  /** MEAN_RECIPROCAL_RANK at the largest reported top K; `''` when not reported. */
  MEAN_RECIPROCAL_RANK: 'MeanReciprocalRank',
  /** PRECISION at the largest reported top K; `''` when not reported. */
  PRECISION: 'Precision',
  /** RECALL at the largest reported top K; `''` when not reported. */
  RECALL: 'Recall',
} as const;

export type AudienceModelAttributeName = typeof AudienceModelAttribute[keyof typeof AudienceModelAttribute];

/** Every attribute, always present (`''` where empty: a missing key fails the stack). */
export type AudienceModelData = AttributeData<AudienceModelAttributeName>;
