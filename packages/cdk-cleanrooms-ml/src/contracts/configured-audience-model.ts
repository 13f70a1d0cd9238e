/**
 * The contract of `Custom::CleanRoomsMLConfiguredAudienceModel`, imported by
 * both the ConfiguredAudienceModel construct (which writes the properties and
 * reads the attributes) and its handler (which reads the properties and
 * returns the attributes). Types and constants only.
 *
 * The model's resource policy is a property of the same custom resource, not
 * a resource of its own: a pipeline keeps one CloudFormation resource per
 * configured model, and the handler can clean up a model whose policy could
 * not be set before it reports the failure.
 */
import type { AttributeData } from './framework';

/** The custom resource type. */
export const CONFIGURED_AUDIENCE_MODEL_RESOURCE_TYPE = 'Custom::CleanRoomsMLConfiguredAudienceModel';

/**
 * The resource type in configured audience model ARNs:
 * `arn:<partition>:cleanrooms-ml:<region>:<account>:configured-audience-model/<id>`.
 */
export const CONFIGURED_AUDIENCE_MODEL_ARN_RESOURCE_TYPE = 'configured-audience-model';

/** Bump when an attribute is added (see `CommonResourceProperties.AttributesRevision`). */
export const CONFIGURED_AUDIENCE_MODEL_ATTRIBUTES_REVISION = 1;

/**
 * Stands for the model's own ARN in the `Policy` property. The construct
 * cannot write the ARN (an attribute of this very resource: the template
 * would reference itself); the handler puts it in before sending the policy.
 */
export const POLICY_SELF_ARN_PLACEHOLDER = '{{ConfiguredAudienceModelArn}}';

/** The service's minMatchingSeedSize when none is given (constraints.md). */
export const DEFAULT_MIN_MATCHING_SEED_SIZE = 500;

/**
 * Properties of the custom resource, as the construct writes them.
 *
 * In place (UpdateConfiguredAudienceModel): AudienceModelArn, OutputS3Uri,
 * OutputRoleArn, AudienceSizeType / AudienceSizeBins, SharedAudienceMetrics,
 * MinMatchingSeedSize, Description. In place by other calls: Tags
 * (Tag/UntagResource), Policy (Put/DeleteConfiguredAudienceModelPolicy).
 * Replacement: Name, ChildResourceTagOnCreatePolicy, and removing the
 * audience sizes (the service cannot clear them).
 */
export interface ConfiguredAudienceModelProperties {
  /** The user's name for the model. When absent, the handler generates one. */
  readonly Name?: string;
  readonly AudienceModelArn: string;
  /** `s3://bucket/prefix` where generated audiences are written. */
  readonly OutputS3Uri: string;
  /** The role Clean Rooms ML assumes to write them. */
  readonly OutputRoleArn: string;
  /** Given together with AudienceSizeBins, or not at all. */
  readonly AudienceSizeType?: 'ABSOLUTE' | 'PERCENTAGE';
  readonly AudienceSizeBins?: number[];
  readonly SharedAudienceMetrics: 'ALL' | 'NONE';
  readonly MinMatchingSeedSize?: number;
  readonly ChildResourceTagOnCreatePolicy?: 'FROM_PARENT_RESOURCE' | 'NONE';
  readonly Description?: string;
  /**
   * The resource policy, as JSON. `POLICY_SELF_ARN_PLACEHOLDER` stands for
   * the model's ARN. Absent: the model has no policy.
   */
  readonly Policy?: string;
  /** Applied in place (TagResource / UntagResource). */
  readonly Tags?: Record<string, string>;
}

/** Names of the attributes the handler returns (`Fn::GetAtt`). */
export const ConfiguredAudienceModelAttribute = {
  /** The configured model's ARN (also its physical id). */
  CONFIGURED_AUDIENCE_MODEL_ARN: 'ConfiguredAudienceModelArn',
  /** The configured model's name, given or generated. */
  NAME: 'Name',
  /** The configured model's status (`ACTIVE`). */
  STATUS: 'Status',
  /** The hash of the model's resource policy; `''` when it has none. */
  POLICY_HASH: 'PolicyHash',
} as const;

export type ConfiguredAudienceModelAttributeName = typeof ConfiguredAudienceModelAttribute[keyof typeof ConfiguredAudienceModelAttribute];

/** Every attribute, always present (`''` where empty: a missing key fails the stack). */
export type ConfiguredAudienceModelData = AttributeData<ConfiguredAudienceModelAttributeName>;
