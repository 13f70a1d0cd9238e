/**
 * The model owner's side of the collaboration example: training data →
 * training dataset → audience model → configured audience model, a Clean
 * Rooms collaboration with the seed provider as its member, the owner's own
 * membership, and the association of the configured model with that
 * membership. AWS Clean Rooms writes the configured model's resource policy
 * for the collaboration (`manageResourcePolicies`), so the seed provider can
 * start audience generation jobs on it from its own account.
 */
import { CfnOutput, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as cleanrooms from 'aws-cdk-lib/aws-cleanrooms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AudienceModel,
  AudienceSizeConfig,
  CollaborationMembership,
  ConfiguredAudienceModel,
  ConfiguredAudienceModelAssociation,
  TrainingDataSource,
  TrainingDataset,
} from 'cdk-cleanrooms-ml';
import { Construct } from 'constructs';
import { AUDIENCE_SIZES, createAudienceBuckets, INTERACTION_COLUMNS, useExampleFeatureFlags } from '../lookalike-pipeline/stack';

/** Properties of the model owner's stack. */
export interface ModelOwnerStackProps extends StackProps {
  /** The seed provider's account, invited to the collaboration. */
  readonly seedProviderAccountId: string;
  /**
   * The data lake bucket with the training data (imported).
   *
   * @default 'retail-interactions-data'
   */
  readonly dataBucketName?: string;
  /**
   * The association's description (changed in place on an update).
   *
   * @default ASSOCIATION_DESCRIPTION
   */
  readonly associationDescription?: string;
}

/** The association's description unless the props give another. */
export const ASSOCIATION_DESCRIPTION = 'The retailer\'s lookalike model, for the media partner\'s seeds';

/** Names of the owner stack's outputs, which the seed provider's stack takes as parameters. */
export const ModelOwnerOutput = {
  COLLABORATION_ID: 'CollaborationId',
  CONFIGURED_AUDIENCE_MODEL_ARN: 'ConfiguredAudienceModelArn',
  ASSOCIATION_ARN: 'AssociationArn',
} as const;

export class ModelOwnerStack extends Stack {
  public readonly configuredAudienceModel: ConfiguredAudienceModel;
  public readonly collaboration: cleanrooms.CfnCollaboration;
  public readonly membership: cleanrooms.CfnMembership;
  public readonly association: ConfiguredAudienceModelAssociation;

  constructor(scope: Construct, id: string, props: ModelOwnerStackProps) {
    super(scope, id, {
      description: 'cdk-cleanrooms-ml example: the model owner of a Clean Rooms ML collaboration',
      ...props,
    });
    useExampleFeatureFlags(this);
    const dataBucket = s3.Bucket.fromBucketName(this, 'Data', props.dataBucketName ?? 'retail-interactions-data');
    const { audienceBucket } = createAudienceBuckets(this);

    const trainingDataset = new TrainingDataset(this, 'Interactions', {
      description: 'Purchases and page views of the interactions table',
      dataSource: TrainingDataSource.fromGlueTable({ databaseName: 'retail', tableName: 'interactions', bucket: dataBucket, prefix: 'interactions/' }),
      columns: INTERACTION_COLUMNS,
    });
    const audienceModel = new AudienceModel(this, 'Model', {
      trainingDataset,
      description: 'Lookalikes of the partner\'s seeds, trained on our 2026 interactions',
      trainingDataStartTime: new Date('2026-01-01T00:00:00Z'),
      trainingDataEndTime: new Date('2026-10-31T00:00:00Z'),
    });
    this.configuredAudienceModel = new ConfiguredAudienceModel(this, 'Shared', {
      audienceModel,
      description: 'Lookalike audiences for our media partner',
      outputBucket: audienceBucket,
      outputPrefix: 'partner/',
      audienceSizeConfig: AudienceSizeConfig.absolute(AUDIENCE_SIZES),
      minMatchingSeedSize: 500,
    });

    // The collaboration and the owner's membership are CloudFormation's own
    // types (AWS::CleanRooms::Collaboration, AWS::CleanRooms::Membership).
    // The seed provider queries its own data in it (the SQL seed) and
    // receives the results.
    this.collaboration = new cleanrooms.CfnCollaboration(this, 'Collaboration', {
      name: 'retail-lookalikes',
      description: 'Lookalike audiences of the media partner\'s customers, from the retailer\'s model',
      creatorDisplayName: 'Retailer',
      creatorMemberAbilities: [],
      members: [{
        accountId: props.seedProviderAccountId,
        displayName: 'Media partner',
        memberAbilities: ['CAN_QUERY', 'CAN_RECEIVE_RESULTS'],
      }],
      queryLogStatus: 'DISABLED',
    });
    this.membership = new cleanrooms.CfnMembership(this, 'Membership', {
      collaborationIdentifier: this.collaboration.attrCollaborationIdentifier,
      queryLogStatus: 'DISABLED',
    });

    // Clean Rooms adds a statement for the collaboration's other members to
    // the configured model's resource policy, and removes it with the association.
    this.association = this.configuredAudienceModel.associateWith(CollaborationMembership.fromCfnMembership(this.membership), {
      name: 'retail-lookalikes',
      description: props.associationDescription ?? ASSOCIATION_DESCRIPTION,
    });

    new CfnOutput(this, ModelOwnerOutput.COLLABORATION_ID, { value: this.collaboration.attrCollaborationIdentifier });
    new CfnOutput(this, ModelOwnerOutput.CONFIGURED_AUDIENCE_MODEL_ARN, { value: this.configuredAudienceModel.configuredAudienceModelArn });
    new CfnOutput(this, ModelOwnerOutput.ASSOCIATION_ARN, { value: this.association.associationArn });
    Tags.of(this).add('project', 'lookalike-audiences');
  }
}
