/**
 * The seed provider's side of a collaboration: an audience generation job
 * on a configured audience model that another account (the model's owner)
 * shares through the collaboration, and the owner's statement allowing it.
 */
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cleanrooms from 'aws-cdk-lib/aws-cleanrooms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  ACCOUNT as OWNER,
  COLLABORATION_ID,
  createdConfiguredModel,
  handlerStatements,
  JOB_TYPE,
  onlyResource,
  partitionArn,
  REGION,
  validationErrorOf,
} from './job-fixtures';
import {
  AudienceGenerationJob,
  AudienceGenerationJobProps,
  CollaborationMembership,
  ConfiguredAudienceModel,
  SeedAudience,
} from '../../src';

const PARTNER = '444455556666';
const OWNER_MODEL_ARN = `arn:aws:cleanrooms-ml:${REGION}:${OWNER}:configured-audience-model/c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f`;
const OTHER_COLLABORATION_ID = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const PARTNER_MEMBERSHIP_ARN = `arn:aws:cleanrooms:${REGION}:${PARTNER}:membership/6c1f7081-2a3b-42f0-8b5c-1b2c3d4e5f6a`;

function partnerStack(): Stack {
  return new Stack(new App(), 'PartnerStack', { env: { account: PARTNER, region: REGION } });
}

/** A job of the partner's stack on the owner's configured model, with an S3 seed of the partner's bucket. */
function partnerJob(stack: Stack, props: Partial<AudienceGenerationJobProps> = {}, id = 'Job'): AudienceGenerationJob {
  const model = (stack.node.tryFindChild('OwnerModel') as ConfiguredAudienceModel | undefined)
    ?? ConfiguredAudienceModel.fromConfiguredAudienceModelArn(stack, 'OwnerModel', OWNER_MODEL_ARN);
  const bucket = (stack.node.tryFindChild('Seeds') as s3.IBucket | undefined) ?? new s3.Bucket(stack, 'Seeds');
  return new AudienceGenerationJob(stack, id, {
    configuredAudienceModel: model,
    seedAudience: SeedAudience.fromS3(bucket, 'seeds/buyers.csv'),
    ...props,
  });
}

function partnerMembership(stack: Stack, collaborationIdentifier = COLLABORATION_ID): cleanrooms.CfnMembership {
  return new cleanrooms.CfnMembership(stack, 'Membership', { collaborationIdentifier, queryLogStatus: 'DISABLED' });
}

const partnerJobs = partitionArn(`:cleanrooms-ml:${REGION}:${PARTNER}:audience-generation-job/*`);

describe('AudienceGenerationJob on a configured audience model of another account', () => {
  test('fails without a collaboration: the model\'s policy allows jobs only in the collaboration it is associated with', () => {
    const error = validationErrorOf(() => partnerJob(partnerStack()));
    expect(error.message).toBe(
      `PartnerStack/Job: collaborationId must be given (or a membership that knows it) when the configured audience model belongs to another account (${OWNER}): `
      + 'its resource policy allows starting jobs only in the collaboration it is associated with (cleanrooms-ml:CollaborationId), got none',
    );
  });

  test('also fails with a membership whose collaboration is not known', () => {
    const membership = CollaborationMembership.fromMembershipArn(PARTNER_MEMBERSHIP_ARN);
    const error = validationErrorOf(() => partnerJob(partnerStack(), { membership }));
    expect(error.message).toMatch(/^PartnerStack\/Job: collaborationId must be given \(or a membership that knows it\)/);
  });

  test('starts the job with the owner\'s model ARN and the collaboration id', () => {
    const stack = partnerStack();
    partnerJob(stack, { collaborationId: COLLABORATION_ID });

    Template.fromStack(stack).hasResourceProperties(JOB_TYPE, { ConfiguredAudienceModelArn: OWNER_MODEL_ARN, CollaborationId: COLLABORATION_ID });
  });

  test('the handler may start jobs on the owner\'s model and its own account\'s jobs, and read, tag and delete its own copies only', () => {
    const stack = partnerStack();
    partnerJob(stack, { collaborationId: COLLABORATION_ID });

    const statements = handlerStatements(Template.fromStack(stack)).filter((statement) => [statement.Action].flat().some((action: string) => action.startsWith('cleanrooms-ml:')));
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'cleanrooms-ml:StartAudienceGenerationJob', Resource: [OWNER_MODEL_ARN, partnerJobs] },
      {
        Effect: 'Allow',
        Action: [
          'cleanrooms-ml:DeleteAudienceGenerationJob',
          'cleanrooms-ml:GetAudienceGenerationJob',
          'cleanrooms-ml:ListTagsForResource',
          'cleanrooms-ml:TagResource',
          'cleanrooms-ml:UntagResource',
        ],
        Resource: partnerJobs,
      },
      { Effect: 'Allow', Action: 'cleanrooms-ml:ListAudienceGenerationJobs', Resource: '*' },
    ]);
    // Nothing of the owner's account but its model: its copy of the job is not the partner's to touch.
    expect(JSON.stringify(handlerStatements(Template.fromStack(stack)))).not.toMatch(new RegExp(`${OWNER}:audience-generation-job`));
  });

  test('the handler may pass the partner\'s seed role, which Clean Rooms ML may assume for the partner\'s jobs only', () => {
    const stack = partnerStack();
    const job = partnerJob(stack, { collaborationId: COLLABORATION_ID });

    const template = Template.fromStack(stack);
    const roleId = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith('JobSeedRole'))!;
    expect(stack.resolve(job.seedRole.roleArn)).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(handlerStatements(template)).toContainEqual({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [roleId, 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'cleanrooms-ml.amazonaws.com' } },
    });
    expect(template.findResources('AWS::IAM::Role')[roleId].Properties.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({
      StringEqualsIfExists: { 'aws:SourceAccount': PARTNER },
      ArnLikeIfExists: { 'aws:SourceArn': partnerJobs },
    });
  });

  describe('with the partner\'s own membership', () => {
    test('a CfnMembership of the stack gives the collaboration id, and the job waits for it', () => {
      const stack = partnerStack();
      const membership = partnerMembership(stack);
      partnerJob(stack, { membership: CollaborationMembership.fromCfnMembership(membership) });

      const template = Template.fromStack(stack);
      const membershipId = onlyResource(template, 'AWS::CleanRooms::Membership').id;
      const job = onlyResource(template, JOB_TYPE).resource;
      expect(job.Properties.CollaborationId).toBe(COLLABORATION_ID);
      expect(job.DependsOn).toContain(membershipId);
    });

    test('a membership given by attributes gives its collaboration id, and adds no dependency', () => {
      const stack = partnerStack();
      partnerJob(stack, {
        membership: CollaborationMembership.fromMembershipAttributes({ membershipArn: PARTNER_MEMBERSHIP_ARN, collaborationId: COLLABORATION_ID }),
      });

      const job = onlyResource(Template.fromStack(stack), JOB_TYPE).resource;
      expect(job.Properties.CollaborationId).toBe(COLLABORATION_ID);
      expect(job.DependsOn.filter((id: string) => !id.startsWith('CleanRoomsMlProvider') && !id.startsWith('JobSeedRole'))).toEqual([]);
    });

    test('fails when collaborationId is not the membership\'s collaboration', () => {
      const stack = partnerStack();
      const membership = CollaborationMembership.fromCfnMembership(partnerMembership(stack));
      const error = validationErrorOf(() => partnerJob(stack, { membership, collaborationId: OTHER_COLLABORATION_ID }));
      expect(error.message).toBe(`PartnerStack/Job: collaborationId must be the collaboration of membership (${COLLABORATION_ID}), got "${OTHER_COLLABORATION_ID}"`);
    });

    test('fails when the membership is another account\'s (the owner\'s)', () => {
      const ownerMembership = `arn:aws:cleanrooms:${REGION}:${OWNER}:membership/5b0e6f70-1f2a-41ef-9a4b-0a1b2c3d4e5f`;
      const error = validationErrorOf(() => partnerJob(partnerStack(), {
        collaborationId: COLLABORATION_ID,
        membership: CollaborationMembership.fromMembershipArn(ownerMembership),
      }));
      expect(error.message).toMatch(new RegExp(`^PartnerStack/Job: membership must be a membership of the stack's account \\(${PARTNER}\\)`));
    });
  });

  test('a job on a model of the stack\'s own account still needs no collaboration', () => {
    const stack = new Stack(new App(), 'OwnerStack', { env: { account: OWNER, region: REGION } });
    partnerJob(stack);

    Template.fromStack(stack).hasResourceProperties(JOB_TYPE, { CollaborationId: Match.absent() });
  });

  test('an environment-agnostic stack cannot tell the accounts apart: the service decides', () => {
    const stack = new Stack(new App(), 'Agnostic');
    partnerJob(stack);

    Template.fromStack(stack).hasResourceProperties(JOB_TYPE, { ConfiguredAudienceModelArn: OWNER_MODEL_ARN });
  });

  test('has no unsuppressed cdk-nag AwsSolutions findings on the job or the grants it adds to the provider', () => {
    const stack = partnerStack();
    partnerJob(stack, { membership: CollaborationMembership.fromCfnMembership(partnerMembership(stack)) });
    Aspects.of(stack).add(new AwsSolutionsChecks());

    const annotations = Annotations.fromStack(stack);
    const findings = [
      ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-')),
      ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-')),
    ].filter((finding) => /^\/PartnerStack\/(Job|CleanRoomsMlProvider\/HandlerPolicy)\//.test(finding.id));
    expect(findings.map((finding) => `${finding.id}: ${String(finding.entry.data).split('\n')[0]}`)).toEqual([]);
  });
});

describe('ConfiguredAudienceModel.allowAccountToStartGenerationJobs with a collaboration', () => {
  /** The Policy property as the handler receives it (partition aws). */
  function renderedPolicy(stack: Stack): any {
    const policy = onlyResource(Template.fromStack(stack), 'Custom::CleanRoomsMLConfiguredAudienceModel').resource.Properties.Policy;
    const [, parts] = policy['Fn::Join'];
    return JSON.parse(parts.map((part: any) => (typeof part === 'string' ? part : part.Ref === 'AWS::Partition' ? 'aws' : JSON.stringify(part))).join(''));
  }

  test('adds the statement AWS Clean Rooms writes for an association: the partner, in that collaboration only', () => {
    const stack = new Stack(new App(), 'OwnerStack', { env: { account: OWNER, region: REGION } });
    const grant = createdConfiguredModel(stack).allowAccountToStartGenerationJobs(PARTNER, { collaborationId: COLLABORATION_ID });

    expect(grant.success).toBe(true);
    expect(renderedPolicy(stack).Statement).toEqual([{
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${PARTNER}:root` },
      Action: 'cleanrooms-ml:StartAudienceGenerationJob',
      Resource: ['{{ConfiguredAudienceModelArn}}', `arn:aws:cleanrooms-ml:${REGION}:${OWNER}:audience-generation-job/*`],
      Condition: { StringEquals: { 'cleanrooms-ml:CollaborationId': COLLABORATION_ID } },
    }]);
  });

  test('fails when the collaboration id is not a lower-case UUID', () => {
    const stack = new Stack(new App(), 'OwnerStack', { env: { account: OWNER, region: REGION } });
    const model = createdConfiguredModel(stack);
    const error = validationErrorOf(() => model.allowAccountToStartGenerationJobs(PARTNER, { collaborationId: 'collab-1' }));
    expect(error.message).toBe('OwnerStack/Configured: collaborationId must be a collaboration id (a lower-case UUID, 36 characters), got "collab-1"');
  });
});
