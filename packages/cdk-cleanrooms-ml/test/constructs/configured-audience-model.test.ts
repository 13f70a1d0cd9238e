import { App, Duration, Errors, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AudienceModel,
  AudienceSizeConfig,
  AudienceSizeType,
  ConfiguredAudienceModel,
  ConfiguredAudienceModelProps,
  IAudienceModel,
  SharedAudienceMetrics,
  TagOnCreatePolicy,
  TrainingDataset,
} from '../../src';

const ACCOUNT = '111122223333';
const COLLABORATOR = '444455556666';
const REGION = 'eu-west-1';
const MODEL_ARN = `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT}:audience-model/b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e`;
const CONFIGURED_ARN = `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT}:configured-audience-model/c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f`;
const RESOURCE_TYPE = 'Custom::CleanRoomsMLConfiguredAudienceModel';
const PLACEHOLDER = '{{ConfiguredAudienceModelArn}}';

const arnPattern = (resourceType: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cleanrooms-ml:${REGION}:${ACCOUNT}:${resourceType}/*`]],
});

function newStack(): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: ACCOUNT, region: REGION } });
}

function importedModel(stack: Stack): IAudienceModel {
  return (stack.node.tryFindChild('AudienceModel') as IAudienceModel | undefined)
    ?? AudienceModel.fromAudienceModelArn(stack, 'AudienceModel', MODEL_ARN);
}

function outputBucket(stack: Stack): s3.IBucket {
  return (stack.node.tryFindChild('Output') as s3.IBucket | undefined) ?? s3.Bucket.fromBucketName(stack, 'Output', 'audiences');
}

function configured(stack: Stack, props: Partial<ConfiguredAudienceModelProps> = {}, id = 'Configured'): ConfiguredAudienceModel {
  return new ConfiguredAudienceModel(stack, id, { audienceModel: importedModel(stack), outputBucket: outputBucket(stack), ...props });
}

function onlyResource(template: Template, type: string): { id: string; resource: any } {
  const resources = template.findResources(type);
  const ids = Object.keys(resources);
  expect(ids).toHaveLength(1);
  return { id: ids[0], resource: resources[ids[0]] };
}

/** The logical id of the one role whose id starts with `prefix` (the provider has roles of its own). */
function roleId(template: Template, prefix: string): string {
  const ids = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** Roles other than the provider's. */
function rolesOutsideProvider(template: Template): string[] {
  return Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => !/^CleanRoomsMl(Provider|TrainingPoller)/.test(id));
}

/** The statements of the provider's handler policy. */
function handlerStatements(template: Template): any[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { PolicyName: Match.stringLikeRegexp('CleanRoomsMlProviderHandlerPolicy') },
  });
  return Object.values(policies).flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
}

/** The statements of the created output role's policy. */
function outputRoleStatements(template: Template): any[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('ConfiguredOutputRole') } });
  return Object.values(policies).flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
}

/**
 * The Policy property as the handler receives it: the template's Fn::Join
 * joined, with the partition `aws`.
 */
function renderedPolicy(template: Template): any {
  const policy = onlyResource(template, RESOURCE_TYPE).resource.Properties.Policy;
  const [, parts] = policy['Fn::Join'];
  return JSON.parse(parts.map((part: any) => (typeof part === 'string' ? part : part.Ref === 'AWS::Partition' ? 'aws' : JSON.stringify(part))).join(''));
}

/** Runs `define` and returns the validation error it throws. */
function validationErrorOf(define: () => void): Error {
  try {
    define();
  } catch (error) {
    expect(Errors.isValidationError(error)).toBe(true);
    return error as Error;
  }
  throw new Error('expected a validation error');
}

/** Synthesizes the app and returns the validation failure it reports. */
function synthErrorOf(stack: Stack): string {
  try {
    Template.fromStack(stack);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected synthesis to fail');
}

describe('ConfiguredAudienceModel', () => {
  test('defines a Custom::CleanRoomsMLConfiguredAudienceModel with the configured model\'s properties', () => {
    const stack = newStack();
    configured(stack, {
      configuredAudienceModelName: 'lookalike',
      description: 'Lookalikes of our buyers',
      outputPrefix: 'lookalikes/',
      audienceSizeConfig: AudienceSizeConfig.absolute([10_000, 100_000]),
      sharedAudienceMetrics: SharedAudienceMetrics.NONE,
      minMatchingSeedSize: 100,
      childResourceTagOnCreatePolicy: TagOnCreatePolicy.FROM_PARENT_RESOURCE,
    });

    const template = Template.fromStack(stack);
    const outputRoleId = roleId(template, 'ConfiguredOutputRole');
    template.hasResourceProperties(RESOURCE_TYPE, {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('CleanRoomsMlProviderframeworkonEvent'), 'Arn'] },
      Name: 'lookalike',
      Description: 'Lookalikes of our buyers',
      AudienceModelArn: MODEL_ARN,
      OutputS3Uri: 's3://audiences/lookalikes/',
      OutputRoleArn: { 'Fn::GetAtt': [outputRoleId, 'Arn'] },
      AudienceSizeType: 'ABSOLUTE',
      AudienceSizeBins: [10_000, 100_000],
      SharedAudienceMetrics: 'NONE',
      MinMatchingSeedSize: 100,
      ChildResourceTagOnCreatePolicy: 'FROM_PARENT_RESOURCE',
      TimeoutSeconds: 600,
      // ServiceTimeout (3600) and the first AttributesRevision are CloudFormation's and the handler's defaults: not written.
    });
  });

  test('shares every metric by default and leaves the optional settings to the service', () => {
    const stack = newStack();
    configured(stack);

    const properties = onlyResource(Template.fromStack(stack), RESOURCE_TYPE).resource.Properties;
    expect(properties.SharedAudienceMetrics).toBe('ALL');
    expect(properties.OutputS3Uri).toBe('s3://audiences/');
    for (const absent of ['Name', 'Description', 'AudienceSizeType', 'AudienceSizeBins', 'MinMatchingSeedSize', 'ChildResourceTagOnCreatePolicy', 'Policy', 'Tags']) {
      expect(properties[absent]).toBeUndefined();
    }
  });

  test('exposes the ARN, id, name, status and policy hash as attributes of the custom resource', () => {
    const stack = newStack();
    const created = configured(stack);
    const { id } = onlyResource(Template.fromStack(stack), RESOURCE_TYPE);

    const getAtt = (attribute: string) => ({ 'Fn::GetAtt': [id, attribute] });
    expect(stack.resolve(created.configuredAudienceModelArn)).toEqual(getAtt('ConfiguredAudienceModelArn'));
    expect(stack.resolve(created.configuredAudienceModelName)).toEqual(getAtt('Name'));
    expect(stack.resolve(created.attrStatus)).toEqual(getAtt('Status'));
    expect(stack.resolve(created.attrPolicyHash)).toEqual(getAtt('PolicyHash'));
    expect(stack.resolve(created.configuredAudienceModelId)).toEqual({
      'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::Select': [5, { 'Fn::Split': [':', getAtt('ConfiguredAudienceModelArn')] }] }] }],
    });
  });

  test('exposes the audience sizes for jobs to check against', () => {
    const sizes = AudienceSizeConfig.percentage([5, 10]);
    const created = configured(newStack(), { audienceSizeConfig: sizes });

    expect(created.audienceSizeConfig?.sizeType).toBe(AudienceSizeType.PERCENTAGE);
    expect(created.audienceSizeConfig?.bins).toEqual([5, 10]);
  });

  test('uses an audience model of the same stack without a dependency cycle through the provider\'s policy', () => {
    const stack = newStack();
    const dataset = TrainingDataset.fromTrainingDatasetArn(stack, 'Dataset', `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT}:training-dataset/d1`);
    const model = new AudienceModel(stack, 'Model', { trainingDataset: dataset });
    configured(stack, { audienceModel: model });

    const template = Template.fromStack(stack);
    const modelId = onlyResource(template, 'Custom::CleanRoomsMLAudienceModel').id;
    // The model trains for up to 24 hours by default: its ARN comes from the ready resource after the wait conditions, once it is ACTIVE.
    const lastWaitId = onlyResource(template, 'Custom::CleanRoomsMLWait').id;
    template.hasResourceProperties(RESOURCE_TYPE, { AudienceModelArn: { 'Fn::GetAtt': [lastWaitId, 'AudienceModelArn'] } });
    expect(JSON.stringify(handlerStatements(template))).not.toContain(modelId);
    expect(JSON.stringify(handlerStatements(template))).not.toMatch(/ModelWait\d|ModelReady/);
    expect(handlerStatements(template)).toContainEqual({ Effect: 'Allow', Action: 'cleanrooms-ml:GetAudienceModel', Resource: arnPattern('audience-model') });
  });

  test('depends on the provider handler policy and on the output role\'s policy', () => {
    const stack = newStack();
    configured(stack);

    const template = Template.fromStack(stack);
    const policyIds = Object.keys(template.findResources('AWS::IAM::Policy'));
    const dependsOn = onlyResource(template, RESOURCE_TYPE).resource.DependsOn;
    expect(dependsOn).toEqual(expect.arrayContaining([
      policyIds.find((id) => id.startsWith('CleanRoomsMlProviderHandlerPolicy')),
      policyIds.find((id) => id.startsWith('ConfiguredOutputRoleDefaultPolicy')),
    ]));
  });

  test('passes the construct timeout to the handler', () => {
    const stack = newStack();
    configured(stack, { timeout: Duration.minutes(20) });

    Template.fromStack(stack).hasResourceProperties(RESOURCE_TYPE, { TimeoutSeconds: 1200 });
  });

  test('is deleted with the stack by default, and kept with RemovalPolicy.RETAIN', () => {
    const stack = newStack();
    configured(stack, {}, 'Destroyed');
    configured(stack, { removalPolicy: RemovalPolicy.RETAIN }, 'Retained');

    const template = Template.fromStack(stack);
    template.hasResource(RESOURCE_TYPE, { Properties: Match.anyValue(), DeletionPolicy: Match.absent(), UpdateReplacePolicy: Match.absent() });
    template.hasResource(RESOURCE_TYPE, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('renders Tags.of() tags into the Tags property, and stack-wide tags too', () => {
    const stack = newStack();
    const tagged = configured(stack);
    Tags.of(tagged).add('team', 'growth');
    Tags.of(stack).add('environment', 'test');

    Template.fromStack(stack).hasResourceProperties(RESOURCE_TYPE, { Tags: { team: 'growth', environment: 'test' } });
  });

  describe('output role', () => {
    test('is created trusted by Clean Rooms ML for configured audience models of this account only', () => {
      const stack = newStack();
      configured(stack);

      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [{
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { Service: 'cleanrooms-ml.amazonaws.com' },
            Condition: {
              StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT },
              ArnLikeIfExists: { 'aws:SourceArn': arnPattern('configured-audience-model') },
            },
          }],
        },
      });
    });

    test('may list the bucket and write under the prefix, and nothing else', () => {
      const stack = newStack();
      configured(stack, { outputPrefix: 'lookalikes/' });

      const statements = outputRoleStatements(Template.fromStack(stack));
      expect(statements).toEqual([
        {
          Effect: 'Allow',
          Action: ['s3:ListBucket', 's3:GetBucketLocation'],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::audiences']] },
        },
        {
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::audiences/lookalikes/*']] },
        },
      ]);
      expect(JSON.stringify(statements)).not.toContain('"Resource":"*"');
    });

    test('may use the output encryption key to encrypt, and only then', () => {
      const stack = newStack();
      const key = new kms.Key(stack, 'Key');
      configured(stack, { outputEncryptionKey: key });

      const template = Template.fromStack(stack);
      const keyId = onlyResource(template, 'AWS::KMS::Key').id;
      expect(outputRoleStatements(template)).toContainEqual({
        Effect: 'Allow',
        Action: ['kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
        Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
      });
      expect(outputRoleStatements(template)).toHaveLength(3);
    });

    test('may use the bucket\'s own encryption key when no key is given', () => {
      const stack = newStack();
      const bucket = new s3.Bucket(stack, 'Output', { encryption: s3.BucketEncryption.KMS });
      configured(stack, { outputBucket: bucket });

      const template = Template.fromStack(stack);
      const keyId = onlyResource(template, 'AWS::KMS::Key').id;
      expect(outputRoleStatements(template)).toContainEqual(expect.objectContaining({
        Action: ['kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
        Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
      }));
    });

    test('carries a reviewed cdk-nag IAM5 suppression for the prefix and the KMS action wildcards', () => {
      const stack = newStack();
      configured(stack, { outputPrefix: 'lookalikes/' });

      const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('ConfiguredOutputRole') } });
      const [policy] = Object.values(policies) as any[];
      expect(policy.Metadata.cdk_nag.rules_to_suppress).toEqual([{
        id: 'AwsSolutions-IAM5',
        reason: expect.stringContaining('below the output prefix'),
        applies_to: ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*', { regex: '/^Resource::.+\\/lookalikes\\/\\*$/g' }],
      }]);
    });

    test('a given role is used as is, granted the same access, and no role is created', () => {
      const stack = newStack();
      const role = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('cleanrooms-ml.amazonaws.com') });
      const created = configured(stack, { outputRole: role, outputPrefix: 'out/' });

      const template = Template.fromStack(stack);
      const writerId = roleId(template, 'Writer');
      expect(rolesOutsideProvider(template)).toEqual([writerId]);
      expect(created.outputRole).toBe(role);
      template.hasResourceProperties(RESOURCE_TYPE, { OutputRoleArn: { 'Fn::GetAtt': [writerId, 'Arn'] } });
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: writerId }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:PutObject' })]) },
      });
    });

    test('an immutable imported role gets no policy', () => {
      const stack = newStack();
      const role = iam.Role.fromRoleArn(stack, 'Writer', `arn:aws:iam::${ACCOUNT}:role/writer`, { mutable: false });
      configured(stack, { outputRole: role });

      const template = Template.fromStack(stack);
      expect(rolesOutsideProvider(template)).toEqual([]);
      expect(Object.keys(template.findResources('AWS::IAM::Policy')).filter((id) => !/^CleanRoomsMl(Provider|TrainingPoller)/.test(id))).toEqual([]);
      template.hasResourceProperties(RESOURCE_TYPE, { OutputRoleArn: `arn:aws:iam::${ACCOUNT}:role/writer` });
    });
  });

  describe('provider permissions', () => {
    test('gives the handler the configured model actions on configured models only, and the audience model by its ARN', () => {
      const stack = newStack();
      configured(stack);

      const statements = handlerStatements(Template.fromStack(stack));
      expect(statements).toContainEqual({
        Effect: 'Allow',
        Action: ['cleanrooms-ml:CreateConfiguredAudienceModel', 'cleanrooms-ml:UpdateConfiguredAudienceModel'],
        Resource: [arnPattern('configured-audience-model'), MODEL_ARN],
      });
      expect(statements).toContainEqual({
        Effect: 'Allow',
        Action: [
          'cleanrooms-ml:DeleteConfiguredAudienceModel',
          'cleanrooms-ml:DeleteConfiguredAudienceModelPolicy',
          'cleanrooms-ml:GetConfiguredAudienceModel',
          'cleanrooms-ml:GetConfiguredAudienceModelPolicy',
          'cleanrooms-ml:ListTagsForResource',
          'cleanrooms-ml:PutConfiguredAudienceModelPolicy',
          'cleanrooms-ml:TagResource',
          'cleanrooms-ml:UntagResource',
        ],
        Resource: arnPattern('configured-audience-model'),
      });
      expect(statements).toContainEqual({ Effect: 'Allow', Action: 'cleanrooms-ml:GetAudienceModel', Resource: MODEL_ARN });
      expect(statements).toContainEqual({ Effect: 'Allow', Action: 'cleanrooms-ml:ListConfiguredAudienceModels', Resource: '*' });
      const wildcard = statements.filter((statement) => statement.Resource === '*').map((statement) => statement.Action);
      expect(wildcard).toEqual(['cleanrooms-ml:ListConfiguredAudienceModels']);
      expect(JSON.stringify(statements)).not.toMatch(/"cleanrooms-ml:\*"|"Action":"\*"/);
    });

    test('lets the handler pass the output role to Clean Rooms ML only', () => {
      const stack = newStack();
      configured(stack);

      const template = Template.fromStack(stack);
      expect(handlerStatements(template).filter((statement) => statement.Action === 'iam:PassRole')).toEqual([{
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [roleId(template, 'ConfiguredOutputRole'), 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'cleanrooms-ml.amazonaws.com' } },
      }]);
    });
  });

  describe('resource policy', () => {
    test('allowAccountToStartGenerationJobs lets the account start jobs on this model and on the jobs of its account', () => {
      const stack = newStack();
      configured(stack).allowAccountToStartGenerationJobs(COLLABORATOR);

      expect(renderedPolicy(Template.fromStack(stack))).toEqual({
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${COLLABORATOR}:root` },
          Action: 'cleanrooms-ml:StartAudienceGenerationJob',
          Resource: [PLACEHOLDER, `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT}:audience-generation-job/*`],
        }],
      });
    });

    test('a statement without resources applies to this model, and one naming the model\'s ARN names it by the placeholder', () => {
      const stack = newStack();
      const created = configured(stack);
      created.addToResourcePolicy(new iam.PolicyStatement({
        actions: ['cleanrooms-ml:GetConfiguredAudienceModel'],
        principals: [new iam.AccountPrincipal(COLLABORATOR)],
      }));
      const result = created.addToResourcePolicy(new iam.PolicyStatement({
        actions: ['cleanrooms-ml:GetConfiguredAudienceModel'],
        principals: [new iam.ArnPrincipal(`arn:aws:iam::${COLLABORATOR}:role/analyst`)],
        resources: [created.configuredAudienceModelArn],
      }));

      expect(result.statementAdded).toBe(true);
      const statements = renderedPolicy(Template.fromStack(stack)).Statement;
      expect(statements.map((statement: any) => statement.Resource)).toEqual([PLACEHOLDER, PLACEHOLDER]);
      expect(statements[1].Principal).toEqual({ AWS: `arn:aws:iam::${COLLABORATOR}:role/analyst` });
    });

    test('grantStartAudienceGenerationJob gives a role of the account an identity policy, and leaves the resource policy alone', () => {
      const stack = newStack();
      const created = configured(stack);
      const role = new iam.Role(stack, 'Marketer', { assumedBy: new iam.AccountRootPrincipal() });
      created.grantStartAudienceGenerationJob(role);

      const template = Template.fromStack(stack);
      const { id } = onlyResource(template, RESOURCE_TYPE);
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('Marketer') }],
        PolicyDocument: {
          Statement: [{
            Effect: 'Allow',
            Action: 'cleanrooms-ml:StartAudienceGenerationJob',
            Resource: [{ 'Fn::GetAtt': [id, 'ConfiguredAudienceModelArn'] }, arnPattern('audience-generation-job')],
          }],
        },
      });
      template.hasResourceProperties(RESOURCE_TYPE, { Policy: Match.absent() });
    });

    test('fails when a statement allows anyone (AnyPrincipal)', () => {
      const created = configured(newStack());
      const error = validationErrorOf(() => created.addToResourcePolicy(new iam.PolicyStatement({
        actions: ['cleanrooms-ml:StartAudienceGenerationJob'],
        principals: [new iam.AnyPrincipal()],
      })));
      expect(error.message).toBe(
        'TestStack/Configured: resource policy statement must name explicit principals (accounts, roles, users), not "*" (anyone), got {"AWS":"*"}',
      );
    });

    test('fails when a statement allows anyone (StarPrincipal)', () => {
      const created = configured(newStack());
      const error = validationErrorOf(() => created.addToResourcePolicy(new iam.PolicyStatement({
        actions: ['cleanrooms-ml:StartAudienceGenerationJob'],
        principals: [new iam.StarPrincipal()],
      })));
      expect(error.message).toBe(
        'TestStack/Configured: resource policy statement must name explicit principals (accounts, roles, users), not "*" (anyone), got "*"',
      );
    });

    test('fails when a statement names no principal', () => {
      const created = configured(newStack());
      const error = validationErrorOf(() => created.addToResourcePolicy(new iam.PolicyStatement({ actions: ['cleanrooms-ml:StartAudienceGenerationJob'] })));
      expect(error.message).toBe('TestStack/Configured: resource policy statement must name at least one principal (an account, role or user), got none');
    });

    test('fails when a statement uses NotPrincipal', () => {
      const created = configured(newStack());
      const error = validationErrorOf(() => created.addToResourcePolicy(new iam.PolicyStatement({
        actions: ['cleanrooms-ml:StartAudienceGenerationJob'],
        notPrincipals: [new iam.AccountPrincipal(COLLABORATOR)],
      })));
      expect(error.message).toMatch(/^TestStack\/Configured: resource policy statement must name its principals with Principal, not NotPrincipal/);
    });

    test('fails at synthesis when a statement is changed to allow anyone after it was added', () => {
      const stack = newStack();
      const statement = new iam.PolicyStatement({
        actions: ['cleanrooms-ml:StartAudienceGenerationJob'],
        principals: [new iam.AccountPrincipal(COLLABORATOR)],
      });
      configured(stack).addToResourcePolicy(statement);
      statement.addAnyPrincipal();

      expect(synthErrorOf(stack)).toContain('TestStack/Configured: resource policy statement must name explicit principals');
    });

    test('fails at synthesis when a statement refers to another attribute of the model', () => {
      const stack = newStack();
      const created = configured(stack);
      created.addToResourcePolicy(new iam.PolicyStatement({
        actions: ['cleanrooms-ml:StartAudienceGenerationJob'],
        principals: [new iam.AccountPrincipal(COLLABORATOR)],
        conditions: { StringEquals: { 'aws:ResourceTag/name': created.configuredAudienceModelName! } },
      }));

      expect(synthErrorOf(stack)).toContain(
        'TestStack/Configured: resource policy must refer to this configured audience model by its ARN (configuredAudienceModelArn) only',
      );
    });

    test('fails when the account id is not 12 digits', () => {
      const created = configured(newStack());
      const error = validationErrorOf(() => created.allowAccountToStartGenerationJobs('4444-5555-6666'));
      expect(error.message).toBe('TestStack/Configured: accountId must be 12 digits, got "4444-5555-6666"');
    });
  });

  describe('validation', () => {
    test('fails when configuredAudienceModelName is longer than 63 characters', () => {
      const error = validationErrorOf(() => configured(newStack(), { configuredAudienceModelName: 'c'.repeat(64) }));
      expect(error.message).toBe(`TestStack/Configured: configuredAudienceModelName must be 1–63 characters, got "${'c'.repeat(64)}" (64 characters)`);
    });

    test('fails when configuredAudienceModelName is only white space', () => {
      const error = validationErrorOf(() => configured(newStack(), { configuredAudienceModelName: '  ' }));
      expect(error.message).toBe('TestStack/Configured: configuredAudienceModelName must not be only white space, got "  "');
    });

    test('fails when description is longer than 255 characters', () => {
      const error = validationErrorOf(() => configured(newStack(), { description: 'd'.repeat(256) }));
      expect(error.message).toMatch(/^TestStack\/Configured: description must be 0–255 characters, got "d{64}"… \(256 characters\)$/);
    });

    test('fails when minMatchingSeedSize is below 25', () => {
      const error = validationErrorOf(() => configured(newStack(), { minMatchingSeedSize: 24 }));
      expect(error.message).toBe('TestStack/Configured: minMatchingSeedSize must be between 25 and 500000, got 24');
    });

    test('fails when minMatchingSeedSize is above 500,000', () => {
      const error = validationErrorOf(() => configured(newStack(), { minMatchingSeedSize: 500_001 }));
      expect(error.message).toBe('TestStack/Configured: minMatchingSeedSize must be between 25 and 500000, got 500001');
    });

    test('fails when minMatchingSeedSize is not a whole number', () => {
      const error = validationErrorOf(() => configured(newStack(), { minMatchingSeedSize: 100.5 }));
      expect(error.message).toBe('TestStack/Configured: minMatchingSeedSize must be a whole number, got 100.5');
    });

    test('fails when outputPrefix starts with "/"', () => {
      const error = validationErrorOf(() => configured(newStack(), { outputPrefix: '/audiences/' }));
      expect(error.message).toBe('TestStack/Configured: outputPrefix must not start with "/" (it is a key prefix, e.g. "audiences/"), got "/audiences/"');
    });

    test('fails when outputPrefix is longer than an S3 key', () => {
      const error = validationErrorOf(() => configured(newStack(), { outputPrefix: 'p'.repeat(1025) }));
      expect(error.message).toMatch(/^TestStack\/Configured: outputPrefix must be at most 1024 characters, got "p{64}"… \(1025 characters\)$/);
    });

    test('fails when outputRole is in another account', () => {
      const stack = newStack();
      const role = iam.Role.fromRoleArn(stack, 'Writer', 'arn:aws:iam::999999999999:role/writer', { mutable: false });
      const error = validationErrorOf(() => configured(stack, { outputRole: role }));
      expect(error.message).toBe('TestStack/Configured: outputRole must be in the stack\'s account (111122223333), got "arn:aws:iam::999999999999:role/writer"');
    });

    test('fails when timeout is longer than CloudFormation\'s hour', () => {
      const error = validationErrorOf(() => configured(newStack(), { timeout: Duration.minutes(61) }));
      expect(error.message).toMatch(/^TestStack\/Configured: timeout must be between 5 minutes and 1 hour .*, got 1 hour 1 minute$/);
    });

    test('fails when a tag key is reserved for the library', () => {
      const stack = newStack();
      Tags.of(configured(stack)).add('cdk-cleanrooms-ml:creation-token', 'forged');
      expect(synthErrorOf(stack)).toContain(
        'TestStack/Configured: tags key must not start with aws: or cdk-cleanrooms-ml: (reserved), got "cdk-cleanrooms-ml:creation-token"',
      );
    });
  });

  describe('import', () => {
    test('fromConfiguredAudienceModelArn knows the ARN, id, account and region', () => {
      const stack = newStack();
      const imported = ConfiguredAudienceModel.fromConfiguredAudienceModelArn(stack, 'Imported', CONFIGURED_ARN);

      expect(imported.configuredAudienceModelArn).toBe(CONFIGURED_ARN);
      expect(imported.configuredAudienceModelId).toBe('c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f');
      expect(imported.configuredAudienceModelName).toBeUndefined();
      expect(imported.audienceSizeConfig).toBeUndefined();
      expect(imported.env).toEqual({ account: ACCOUNT, region: REGION });
    });

    test('fromConfiguredAudienceModelAttributes keeps the name and sizes, and grants act on the imported ARN', () => {
      const stack = newStack();
      const imported = ConfiguredAudienceModel.fromConfiguredAudienceModelAttributes(stack, 'Imported', {
        configuredAudienceModelArn: CONFIGURED_ARN,
        configuredAudienceModelName: 'lookalike',
        audienceSizeConfig: AudienceSizeConfig.absolute([1000]),
      });
      const role = new iam.Role(stack, 'Marketer', { assumedBy: new iam.AccountRootPrincipal() });
      imported.grantRead(role);
      imported.grantStartAudienceGenerationJob(role);

      expect(imported.configuredAudienceModelName).toBe('lookalike');
      expect(imported.audienceSizeConfig?.bins).toEqual([1000]);
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [
            { Effect: 'Allow', Action: 'cleanrooms-ml:GetConfiguredAudienceModel', Resource: CONFIGURED_ARN },
            {
              Effect: 'Allow',
              Action: 'cleanrooms-ml:StartAudienceGenerationJob',
              Resource: [CONFIGURED_ARN, arnPattern('audience-generation-job')],
            },
          ],
        },
      });
    });

    test('an imported model\'s resource policy is not managed: statements are not added', () => {
      const imported = ConfiguredAudienceModel.fromConfiguredAudienceModelArn(newStack(), 'Imported', CONFIGURED_ARN);

      const result = imported.addToResourcePolicy(new iam.PolicyStatement({
        actions: ['cleanrooms-ml:StartAudienceGenerationJob'],
        principals: [new iam.AccountPrincipal(COLLABORATOR)],
      }));

      expect(result.statementAdded).toBe(false);
    });

    test('fails when the ARN is not a configured audience model ARN', () => {
      const error = validationErrorOf(() => ConfiguredAudienceModel.fromConfiguredAudienceModelArn(newStack(), 'Imported', MODEL_ARN));
      expect(error.message).toMatch(new RegExp(
        '^TestStack/Imported: configuredAudienceModelArn must be a configured audience model ARN ' +
        '\\(arn:<partition>:cleanrooms-ml:<region>:<account>:configured-audience-model/<id>\\), got "arn:aws:cleanrooms-ml:eu-west-1:111122223333:audience-model/',
      ));
    });
  });
});
