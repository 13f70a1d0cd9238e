/**
 * The contract of `Custom::CleanRoomsConfiguredAudienceModelAssociation`,
 * imported by both the ConfiguredAudienceModelAssociation construct (which
 * writes the properties and reads the attributes) and its handler (which
 * reads the properties and returns the attributes). Types and constants only.
 *
 * The association is an AWS Clean Rooms resource (signing name `cleanrooms`,
 * `Create/Get/Update/DeleteConfiguredAudienceModelAssociation` in the service
 * model cleanrooms-2022-02-17), not a Clean Rooms ML one, and CloudFormation
 * has no type for it. It has no status: Create answers with the finished
 * association, so the handler never polls.
 */
import type { AttributeData } from './framework';

/** The custom resource type. */
export const CONFIGURED_AUDIENCE_MODEL_ASSOCIATION_RESOURCE_TYPE = 'Custom::CleanRoomsConfiguredAudienceModelAssociation';

/**
 * The resource part of association ARNs, which sit under the membership:
 * `arn:<partition>:cleanrooms:<region>:<account>:membership/<membershipId>/configuredaudiencemodelassociation/<id>`.
 */
export const CONFIGURED_AUDIENCE_MODEL_ASSOCIATION_ARN_RESOURCE_TYPE = 'configuredaudiencemodelassociation';

/** Bump when an attribute is added (see `CommonResourceProperties.AttributesRevision`). */
export const CONFIGURED_AUDIENCE_MODEL_ASSOCIATION_ATTRIBUTES_REVISION = 1;

/**
 * Properties of the custom resource, as the construct writes them.
 *
 * In place (UpdateConfiguredAudienceModelAssociation, whose input has only
 * `name` and `description`): Name, Description. In place by other calls:
 * Tags (Tag/UntagResource of the Clean Rooms API). Replacement: everything
 * else (MembershipId, ConfiguredAudienceModelArn, ManageResourcePolicies).
 */
export interface ConfiguredAudienceModelAssociationProperties {
  /** The membership (a UUID) of the associating account in the collaboration. */
  readonly MembershipId: string;
  readonly ConfiguredAudienceModelArn: string;
  /** The user's name for the association. When absent, the handler generates one. */
  readonly Name?: string;
  readonly Description?: string;
  /** Whether AWS Clean Rooms writes the configured model's resource policy for the collaboration. */
  readonly ManageResourcePolicies: boolean;
  /** Applied in place (TagResource / UntagResource). */
  readonly Tags?: Record<string, string>;
}

/** Names of the attributes the handler returns (`Fn::GetAtt`). */
export const ConfiguredAudienceModelAssociationAttribute = {
  /** The association's id (a UUID; its physical id is its ARN). */
  ID: 'Id',
  /** The association's ARN. */
  ARN: 'Arn',
  /** The association's name, given or generated. */
  NAME: 'Name',
  /** The collaboration's id (a UUID). */
  COLLABORATION_ID: 'CollaborationId',
  /** The collaboration's ARN. */
  COLLABORATION_ARN: 'CollaborationArn',
  /** The membership's ARN. */
  MEMBERSHIP_ARN: 'MembershipArn',
} as const;

export type ConfiguredAudienceModelAssociationAttributeName =
  typeof ConfiguredAudienceModelAssociationAttribute[keyof typeof ConfiguredAudienceModelAssociationAttribute];

/** Every attribute, always present (`''` where empty: a missing key fails the stack). */
export type ConfiguredAudienceModelAssociationData = AttributeData<ConfiguredAudienceModelAssociationAttributeName>;
