/**
 * The seed provider's side of the collaboration example, in its own
 * account: its membership in the owner's collaboration, a SQL seed (the
 * partner's own customers, selected by a query whose parameters are kept
 * in a Secrets Manager secret), an audience generation job on the owner's
 * configured audience model, and an export of one audience size.
 *
 * The owner's collaboration id and configured model ARN exist only once the
 * owner's stack is deployed in the other account: CloudFormation exports do
 * not cross accounts, so this stack takes them as parameters (the owner
 * stack's outputs of the same names).
 */
import { CfnParameter, SecretValue, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as cleanrooms from 'aws-cdk-lib/aws-cleanrooms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  AudienceExportJob,
  AudienceGenerationJob,
  AudienceSize,
  CollaborationMembership,
  ConfiguredAudienceModel,
  SeedAudience,
} from 'cdk-cleanrooms-ml';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { ModelOwnerOutput } from './model-owner-stack';
import { EXPORTED_SIZE } from '../lookalike-pipeline/stack';

/** The query that selects the seed: the partner's customers of one segment since a date. */
export const SEED_QUERY = 'SELECT customer_id AS user_id FROM customers WHERE segment = :segment AND first_purchase >= :since';

export class SeedProviderStack extends Stack {
  public readonly membership: cleanrooms.CfnMembership;
  public readonly seedParameters: secretsmanager.Secret;
  public readonly generationJob: AudienceGenerationJob;
  public readonly audienceExport: AudienceExportJob;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, {
      description: 'cdk-cleanrooms-ml example: the seed provider of a Clean Rooms ML collaboration',
      ...props,
    });
    const collaborationId = new CfnParameter(this, ModelOwnerOutput.COLLABORATION_ID, {
      description: 'The collaboration the model owner created (its stack\'s CollaborationId output)',
      allowedPattern: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
    }).valueAsString;
    const configuredAudienceModelArn = new CfnParameter(this, ModelOwnerOutput.CONFIGURED_AUDIENCE_MODEL_ARN, {
      description: 'The model owner\'s configured audience model (its stack\'s ConfiguredAudienceModelArn output)',
      allowedPattern: 'arn:aws[-a-z]*:cleanrooms-ml:[-a-z0-9]+:[0-9]{12}:configured-audience-model/[-a-zA-Z0-9_/.]+',
    }).valueAsString;

    this.membership = new cleanrooms.CfnMembership(this, 'Membership', {
      collaborationIdentifier: collaborationId,
      queryLogStatus: 'DISABLED',
    });

    // The query's parameters stay out of the template's job properties and
    // out of every log: the handler reads them from the secret when it
    // starts the job. (A real stack would set the value outside the
    // template; the example writes it here so it deploys as it is.)
    this.seedParameters = new secretsmanager.Secret(this, 'SeedParameters', {
      description: 'Parameters of the seed query',
      secretObjectValue: {
        segment: SecretValue.unsafePlainText('gold'),
        since: SecretValue.unsafePlainText('2026-01-01'),
      },
    });
    NagSuppressions.addResourceSuppressions(this.seedParameters, [
      { id: 'AwsSolutions-SMG4', reason: 'Query parameters, not credentials: nothing to rotate.' },
    ]);

    // The owner's model, from the other account: Clean Rooms ML runs the job
    // there and gives it an ARN in each account; this stack sees its own.
    const ownersModel = ConfiguredAudienceModel.fromConfiguredAudienceModelArn(this, 'OwnersModel', configuredAudienceModelArn);
    // The job runs in the collaboration of the partner's membership (the
    // owner's policy allows jobs in that collaboration only), once the
    // membership exists.
    this.generationJob = new AudienceGenerationJob(this, 'Lookalikes', {
      configuredAudienceModel: ownersModel,
      membership: CollaborationMembership.fromCfnMembership(this.membership),
      seedAudience: SeedAudience.fromSql({
        membershipArn: this.membership.attrArn,
        queryString: SEED_QUERY,
        parameters: this.seedParameters,
      }),
      description: 'Lookalikes of our best customers',
    });

    // The collaboration and the other members' tables and templates belong
    // to other accounts, which this stack cannot name.
    NagSuppressions.addResourceSuppressions(this.generationJob.seedRole, [{
      id: 'AwsSolutions-IAM5',
      reason: 'The collaboration and the other members\' table associations and analysis templates live in accounts this stack does not know.',
      appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:cleanrooms:[-a-z0-9]+:\\*:(collaboration|membership)\\/.*$/g' }],
    }], true);

    this.audienceExport = this.generationJob.export('Export', {
      audienceSize: AudienceSize.absolute(EXPORTED_SIZE),
      description: `The ${EXPORTED_SIZE.toLocaleString('en-US')} users most like our best customers`,
    });
    Tags.of(this).add('project', 'lookalike-audiences');
  }
}
