/**
 * What every AWS Clean Rooms request the emulator serves may carry: the
 * input members of its operations as AWS's current model
 * (`spec/cleanrooms-2022-02-17/service-2.json`) declares them, built from
 * the same blocks and checked by the same walk as Clean Rooms ML's table
 * (../constraints.ts). test/emulator/clean-rooms/model-drift.test.ts holds
 * it to the model member by member.
 */
import {
  BOOLEAN,
  DESCRIPTION,
  enumOf,
  integer,
  list,
  MapConstraint,
  modelPattern,
  PRINTABLE_DEVIATION,
  string,
  structure,
  StructureConstraint,
  TAG_KEY,
  TAG_VALUE,
} from '../constraints';
import type { CleanRoomsOperationName } from './operations';

/** UUID, CollaborationIdentifier, MembershipIdentifier, ConfiguredAudienceModelAssociationIdentifier. */
const IDENTIFIER = string({ length: [36, 36], pattern: modelPattern('[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}') });

/** A printable text of the model (`(?!\s*$)[...\t]*`): DisplayName, CollaborationName, ConfiguredAudienceModelAssociationName. */
const printableName = (length: readonly [number, number]) => string({
  length,
  pattern: {
    model: String.raw`(?!\s*$)[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\t]*`,
    regexp: /^(?!\s*$)[\u0020-\uD7FF\uE000-\uFFFD\uD800-\uDFFF\t]*$/,
    deviation: PRINTABLE_DEVIATION,
    hint: 'not only white space; printable characters and tab',
  },
});

const DISPLAY_NAME = printableName([1, 100]);

/** CollaborationDescription: unlike ResourceDescription, it cannot be only white space. */
const COLLABORATION_DESCRIPTION = string({
  length: [0, 255],
  pattern: {
    model: String.raw`(?!\s+$)[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\t\r\n]*`,
    regexp: /^(?!\s+$)[\u0020-\uD7FF\uE000-\uFFFD\uD800-\uDFFF\t\r\n]*$/,
    deviation: PRINTABLE_DEVIATION,
    hint: 'not only white space; printable characters, tab, CR, LF',
  },
});

const CONFIGURED_AUDIENCE_MODEL_ARN = string({
  length: [20, 2048],
  pattern: modelPattern('arn:aws[-a-z]*:cleanrooms-ml:[-a-z0-9]+:[0-9]{12}:configured-audience-model/[-a-zA-Z0-9_/.]+'),
});

/**
 * CleanroomsArn (the tag operations' resourceArn). The model bounds it to
 * 100 characters, yet its own ConfiguredAudienceModelAssociationArn (the
 * ARN of a resource created with tags) is up to 256, and an association's
 * ARN (`…:membership/<uuid>/configuredaudiencemodelassociation/<uuid>`) is
 * about 160: the emulator takes up to 256 so that an association's tags can
 * be read and changed like any other resource's.
 */
const CLEAN_ROOMS_ARN = string({
  length: [0, 256],
  pattern: modelPattern(String.raw`arn:aws:cleanrooms:[\w]{2}-[\w]{4,9}-[\d]:[\d]{12}:[\d\w/-]+`),
  looser: {
    length: 'the model\'s ConfiguredAudienceModelAssociationArn is up to 256 characters, an association ARN about 160, '
      + 'longer than CleanroomsArn\'s 100: the emulator lets associations be tagged',
  },
});

const TAGS: MapConstraint = { kind: 'map', key: TAG_KEY, value: TAG_VALUE, size: [0, 200] };

const MEMBER_ABILITIES = list(enumOf('CAN_QUERY', 'CAN_RECEIVE_RESULTS', 'CAN_RUN_JOB'));
const ML_MEMBER_ABILITIES = structure(
  { customMLMemberAbilities: list(enumOf('CAN_RECEIVE_MODEL_OUTPUT', 'CAN_RECEIVE_INFERENCE_OUTPUT')) },
  ['customMLMemberAbilities'],
);
const IS_RESPONSIBLE = structure({ isResponsible: BOOLEAN }, ['isResponsible']);

/** PaymentConfiguration and MembershipPaymentConfiguration: the same members, shapes of different names. */
const PAYMENT_CONFIGURATION = structure(
  {
    queryCompute: IS_RESPONSIBLE,
    machineLearning: structure({ modelTraining: IS_RESPONSIBLE, modelInference: IS_RESPONSIBLE, syntheticDataGeneration: IS_RESPONSIBLE }),
    jobCompute: IS_RESPONSIBLE,
  },
  ['queryCompute'],
);

const LOG_STATUS = enumOf('ENABLED', 'DISABLED');

const BUCKET = string({
  length: [3, 63],
  pattern: modelPattern(String.raw`.*(?!^(\d+\.)+\d+$)(^(([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])\.)*([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])$).*`),
});
const KEY_PREFIX = string({ length: [0, 512], pattern: modelPattern(String.raw`[\w!.=*/-]*`) });
const ROLE_ARN = string({ length: [32, 512], pattern: modelPattern(String.raw`arn:aws:iam::[\w]+:role/[\w+=./@-]+`) });

const PAGINATION = { nextToken: string({ length: [0, 10_240] }), maxResults: integer([1, 100]) };

const SUPPORTED_S3_REGIONS = [
  'us-west-1', 'us-west-2', 'us-east-1', 'us-east-2', 'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-south-2', 'ap-southeast-1',
  'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-5', 'ap-southeast-4', 'ap-southeast-7', 'ap-south-1', 'ap-northeast-3',
  'ap-northeast-1', 'ap-northeast-2', 'ca-central-1', 'ca-west-1', 'eu-south-1', 'eu-west-3', 'eu-south-2', 'eu-central-2',
  'eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-2', 'me-south-1', 'me-central-1', 'il-central-1', 'sa-east-1', 'mx-central-1',
];

export const CLEAN_ROOMS_OPERATION_INPUTS: Readonly<Record<CleanRoomsOperationName, StructureConstraint>> = {
  CreateCollaboration: structure(
    {
      members: list(
        structure(
          {
            accountId: string({ length: [12, 12], pattern: modelPattern(String.raw`\d+`) }),
            memberAbilities: MEMBER_ABILITIES,
            mlMemberAbilities: ML_MEMBER_ABILITIES,
            displayName: DISPLAY_NAME,
            paymentConfiguration: PAYMENT_CONFIGURATION,
          },
          ['accountId', 'memberAbilities', 'displayName'],
        ),
        [0, Number.MAX_SAFE_INTEGER],
      ),
      name: printableName([1, 100]),
      description: COLLABORATION_DESCRIPTION,
      creatorMemberAbilities: MEMBER_ABILITIES,
      creatorMLMemberAbilities: ML_MEMBER_ABILITIES,
      creatorDisplayName: DISPLAY_NAME,
      dataEncryptionMetadata: structure(
        { allowCleartext: BOOLEAN, allowDuplicates: BOOLEAN, allowJoinsOnColumnsWithDifferentNames: BOOLEAN, preserveNulls: BOOLEAN },
        ['allowCleartext', 'allowDuplicates', 'allowJoinsOnColumnsWithDifferentNames', 'preserveNulls'],
      ),
      queryLogStatus: LOG_STATUS,
      jobLogStatus: LOG_STATUS,
      tags: TAGS,
      creatorPaymentConfiguration: PAYMENT_CONFIGURATION,
      analyticsEngine: enumOf('SPARK', 'CLEAN_ROOMS_SQL'),
      autoApprovedChangeRequestTypes: list(enumOf('ADD_MEMBER', 'GRANT_RECEIVE_RESULTS_ABILITY', 'REVOKE_RECEIVE_RESULTS_ABILITY')),
      allowedResultRegions: list(enumOf(...SUPPORTED_S3_REGIONS)),
      isMetricsEnabled: BOOLEAN,
    },
    ['members', 'name', 'creatorMemberAbilities', 'creatorDisplayName', 'queryLogStatus'],
  ),
  GetCollaboration: structure({ collaborationIdentifier: IDENTIFIER }, ['collaborationIdentifier']),
  DeleteCollaboration: structure({ collaborationIdentifier: IDENTIFIER }, ['collaborationIdentifier']),
  ListCollaborations: structure({ ...PAGINATION, memberStatus: enumOf('INVITED', 'ACTIVE') }),

  CreateMembership: structure(
    {
      collaborationIdentifier: IDENTIFIER,
      queryLogStatus: LOG_STATUS,
      jobLogStatus: LOG_STATUS,
      tags: TAGS,
      defaultResultConfiguration: structure(
        {
          outputConfiguration: structure({
            s3: structure(
              { resultFormat: enumOf('CSV', 'PARQUET'), bucket: BUCKET, keyPrefix: KEY_PREFIX, singleFileOutput: BOOLEAN },
              ['resultFormat', 'bucket'],
            ),
          }),
          roleArn: ROLE_ARN,
        },
        ['outputConfiguration'],
      ),
      defaultJobResultConfiguration: structure(
        {
          outputConfiguration: structure({ s3: structure({ bucket: BUCKET, keyPrefix: KEY_PREFIX }, ['bucket']) }),
          roleArn: ROLE_ARN,
        },
        ['outputConfiguration', 'roleArn'],
      ),
      paymentConfiguration: PAYMENT_CONFIGURATION,
      isMetricsEnabled: BOOLEAN,
    },
    ['collaborationIdentifier', 'queryLogStatus'],
  ),
  GetMembership: structure({ membershipIdentifier: IDENTIFIER }, ['membershipIdentifier']),
  DeleteMembership: structure({ membershipIdentifier: IDENTIFIER }, ['membershipIdentifier']),
  ListMemberships: structure({ ...PAGINATION, status: enumOf('ACTIVE', 'REMOVED', 'COLLABORATION_DELETED') }),

  CreateConfiguredAudienceModelAssociation: structure(
    {
      membershipIdentifier: IDENTIFIER,
      configuredAudienceModelArn: CONFIGURED_AUDIENCE_MODEL_ARN,
      configuredAudienceModelAssociationName: printableName([1, 100]),
      manageResourcePolicies: BOOLEAN,
      tags: TAGS,
      description: DESCRIPTION,
    },
    ['membershipIdentifier', 'configuredAudienceModelArn', 'configuredAudienceModelAssociationName', 'manageResourcePolicies'],
  ),
  GetConfiguredAudienceModelAssociation: structure(
    { configuredAudienceModelAssociationIdentifier: IDENTIFIER, membershipIdentifier: IDENTIFIER },
    ['configuredAudienceModelAssociationIdentifier', 'membershipIdentifier'],
  ),
  UpdateConfiguredAudienceModelAssociation: structure(
    {
      configuredAudienceModelAssociationIdentifier: IDENTIFIER,
      membershipIdentifier: IDENTIFIER,
      description: DESCRIPTION,
      name: printableName([1, 100]),
    },
    ['configuredAudienceModelAssociationIdentifier', 'membershipIdentifier'],
  ),
  DeleteConfiguredAudienceModelAssociation: structure(
    { configuredAudienceModelAssociationIdentifier: IDENTIFIER, membershipIdentifier: IDENTIFIER },
    ['configuredAudienceModelAssociationIdentifier', 'membershipIdentifier'],
  ),
  ListConfiguredAudienceModelAssociations: structure({ membershipIdentifier: IDENTIFIER, ...PAGINATION }, ['membershipIdentifier']),

  TagResource: structure({ resourceArn: CLEAN_ROOMS_ARN, tags: TAGS }, ['resourceArn', 'tags']),
  UntagResource: structure({ resourceArn: CLEAN_ROOMS_ARN, tagKeys: list(TAG_KEY) }, ['resourceArn', 'tagKeys']),
  ListTagsForResource: structure({ resourceArn: CLEAN_ROOMS_ARN }, ['resourceArn']),
};
