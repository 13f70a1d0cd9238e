import { App, Duration, Errors, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  AudienceModel,
  AudienceModelProps,
  ColumnType,
  ITrainingDataset,
  TrainingDataset,
  TrainingDataSource,
} from '../../src';
import { COMPLETION_DEADLINE_SECONDS } from '../../src/contracts/provider';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const DATASET_ARN = `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT}:training-dataset/7f3c0a5e-1d2b-4c8f-9e6a-0b1c2d3e4f5a`;
const MODEL_ARN = `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT}:audience-model/b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e`;
const RESOURCE_TYPE = 'Custom::CleanRoomsMLAudienceModel';

function newStack(): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: ACCOUNT, region: REGION } });
}

function importedDataset(stack: Stack): ITrainingDataset {
  return (stack.node.tryFindChild('Dataset') as ITrainingDataset | undefined)
    ?? TrainingDataset.fromTrainingDatasetArn(stack, 'Dataset', DATASET_ARN);
}

function model(stack: Stack, props: Partial<AudienceModelProps> = {}, id = 'Model'): AudienceModel {
  return new AudienceModel(stack, id, { trainingDataset: importedDataset(stack), ...props });
}

function onlyResource(template: Template, type: string): { id: string; resource: any } {
  const resources = template.findResources(type);
  const ids = Object.keys(resources);
  expect(ids).toHaveLength(1);
  return { id: ids[0], resource: resources[ids[0]] };
}

/** The statements of the provider's handler policy. */
function handlerStatements(template: Template): any[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { PolicyName: Match.stringLikeRegexp('CleanRoomsMlProviderHandlerPolicy') },
  });
  return Object.values(policies).flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
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

describe('AudienceModel', () => {
  test('defines a Custom::CleanRoomsMLAudienceModel with the model properties', () => {
    const stack = newStack();
    model(stack, {
      audienceModelName: 'lookalike',
      description: 'Buyers of 2024',
      trainingDataStartTime: new Date('2024-01-01T00:00:00Z'),
      trainingDataEndTime: new Date('2024-07-01T00:00:00Z'),
    });

    Template.fromStack(stack).hasResourceProperties(RESOURCE_TYPE, {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('CleanRoomsMlProviderframeworkonEvent'), 'Arn'] },
      Name: 'lookalike',
      Description: 'Buyers of 2024',
      TrainingDatasetArn: DATASET_ARN,
      TrainingDataStartTime: '2024-01-01T00:00:00.000Z',
      TrainingDataEndTime: '2024-07-01T00:00:00.000Z',
      TimeoutSeconds: 3600,
      // ServiceTimeout (3600) and the first AttributesRevision are CloudFormation's and the handler's defaults: not written.
    });
  });

  test('leaves the name to the handler when none is given, and reads it back as an attribute', () => {
    const stack = newStack();
    // Waits at most an hour: the model's own resource holds the attributes (wait-chain.test.ts covers longer waits).
    const created = model(stack, { timeout: Duration.hours(1) });

    const { id, resource } = onlyResource(Template.fromStack(stack), RESOURCE_TYPE);
    expect(resource.Properties.Name).toBeUndefined();
    expect(stack.resolve(created.audienceModelName)).toEqual({ 'Fn::GetAtt': [id, 'Name'] });
  });

  test('exposes the ARN, id, status and metrics as attributes of the custom resource', () => {
    const stack = newStack();
    const created = model(stack, { timeout: Duration.hours(1) });
    const { id } = onlyResource(Template.fromStack(stack), RESOURCE_TYPE);

    const getAtt = (attribute: string) => ({ 'Fn::GetAtt': [id, attribute] });
    expect(stack.resolve(created.audienceModelArn)).toEqual(getAtt('AudienceModelArn'));
    expect(stack.resolve(created.attrStatus)).toEqual(getAtt('Status'));
    expect(stack.resolve(created.attrMetrics)).toEqual(getAtt('Metrics'));
    expect(stack.resolve(created.attrNormalizedDiscountedCumulativeGain)).toEqual(getAtt('NormalizedDiscountedCumulativeGain'));
    expect(stack.resolve(created.attrMeanReciprocalRank)).toEqual(getAtt('MeanReciprocalRank'));
    expect(stack.resolve(created.attrPrecision)).toEqual(getAtt('Precision'));
    expect(stack.resolve(created.attrRecall)).toEqual(getAtt('Recall'));
    expect(stack.resolve(created.audienceModelId)).toEqual({
      'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::Select': [5, { 'Fn::Split': [':', getAtt('AudienceModelArn')] }] }] }],
    });
  });

  test('depends on a training dataset created in the same stack', () => {
    const stack = newStack();
    const dataset = new TrainingDataset(stack, 'Created', {
      dataSource: TrainingDataSource.fromGlueTable({ databaseName: 'sales', tableName: 'interactions' }),
      columns: [
        { columnName: 'user_id', columnType: ColumnType.USER_ID },
        { columnName: 'item_id', columnType: ColumnType.ITEM_ID },
        { columnName: 'event_time', columnType: ColumnType.TIMESTAMP },
      ],
    });
    new AudienceModel(stack, 'Model', { trainingDataset: dataset });

    const template = Template.fromStack(stack);
    const datasetId = onlyResource(template, 'AWS::CleanRoomsML::TrainingDataset').id;
    template.hasResourceProperties(RESOURCE_TYPE, { TrainingDatasetArn: { 'Fn::GetAtt': [datasetId, 'TrainingDatasetArn'] } });
  });

  test('depends on the provider handler policy, so a stack deletion keeps the permissions until the model is deleted', () => {
    const stack = newStack();
    model(stack);

    const template = Template.fromStack(stack);
    const policyId = Object.keys(template.findResources('AWS::IAM::Policy', {
      Properties: { PolicyName: Match.stringLikeRegexp('CleanRoomsMlProviderHandlerPolicy') },
    }))[0];
    expect(onlyResource(template, RESOURCE_TYPE).resource.DependsOn).toContain(policyId);
  });

  test('leaves ServiceTimeout to CloudFormation\'s default (3600 s), above the provider\'s own deadline', () => {
    const stack = newStack();
    model(stack);

    const template = Template.fromStack(stack);
    expect(onlyResource(template, RESOURCE_TYPE).resource.Properties.ServiceTimeout).toBeUndefined();
    // The provider answers "did not complete" itself before CloudFormation's hour is up.
    expect(3600).toBeGreaterThan(COMPLETION_DEADLINE_SECONDS);
  });

  test('passes the construct timeout to the handler', () => {
    const stack = newStack();
    model(stack, { timeout: Duration.minutes(20) });

    Template.fromStack(stack).hasResourceProperties(RESOURCE_TYPE, { TimeoutSeconds: 1200 });
  });

  test('is deleted with the stack by default, and kept with RemovalPolicy.RETAIN', () => {
    const stack = newStack();
    model(stack, {}, 'Destroyed');
    model(stack, { removalPolicy: RemovalPolicy.RETAIN }, 'Retained');

    const template = Template.fromStack(stack);
    template.hasResource(RESOURCE_TYPE, { Properties: Match.anyValue(), DeletionPolicy: Match.absent(), UpdateReplacePolicy: Match.absent() });
    template.hasResource(RESOURCE_TYPE, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('renders Tags.of() tags into the Tags property, and none when there are none', () => {
    const stack = newStack();
    const tagged = model(stack, {}, 'Tagged');
    model(stack, {}, 'Untagged');
    Tags.of(tagged).add('team', 'growth');
    Tags.of(tagged).add('cost-center', '42');

    const template = Template.fromStack(stack);
    template.hasResourceProperties(RESOURCE_TYPE, { Tags: { 'team': 'growth', 'cost-center': '42' } });
    template.hasResourceProperties(RESOURCE_TYPE, { Tags: Match.absent() });
  });

  test('takes stack-wide tags like any taggable resource', () => {
    const stack = newStack();
    model(stack);
    Tags.of(stack).add('environment', 'test');

    Template.fromStack(stack).hasResourceProperties(RESOURCE_TYPE, { Tags: { environment: 'test' } });
  });

  test('passes a KMS key and lets the handler use it through Clean Rooms ML only', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    model(stack, { kmsKey: key });

    const template = Template.fromStack(stack);
    const keyId = onlyResource(template, 'AWS::KMS::Key').id;
    template.hasResourceProperties(RESOURCE_TYPE, { KmsKeyArn: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    expect(handlerStatements(template)).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey'],
      Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
      Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', [`cleanrooms-ml.${REGION}.`, { Ref: 'AWS::URLSuffix' }]] } } },
    });
  });

  test('gives the handler CreateAudienceModel on the training dataset and the other model actions on audience models only', () => {
    const stack = newStack();
    model(stack);

    const statements = handlerStatements(Template.fromStack(stack));
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'cleanrooms-ml:CreateAudienceModel', Resource: DATASET_ARN });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: [
        'cleanrooms-ml:DeleteAudienceModel',
        'cleanrooms-ml:GetAudienceModel',
        'cleanrooms-ml:ListTagsForResource',
        'cleanrooms-ml:TagResource',
        'cleanrooms-ml:UntagResource',
      ],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cleanrooms-ml:${REGION}:${ACCOUNT}:audience-model/*`]] },
    });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'cleanrooms-ml:ListAudienceModels', Resource: '*' });
    expect(statements.filter((statement) => statement.Action === 'iam:PassRole')).toEqual([]);
  });

  test('grantRead lets a principal describe the model', () => {
    const stack = newStack();
    const created = model(stack, { timeout: Duration.hours(1) });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    created.grantRead(role);

    const template = Template.fromStack(stack);
    const modelId = onlyResource(template, RESOURCE_TYPE).id;
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('Reader') }],
      PolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'cleanrooms-ml:GetAudienceModel', Resource: { 'Fn::GetAtt': [modelId, 'AudienceModelArn'] } }],
      },
    });
  });

  describe('validation', () => {
    test('fails when audienceModelName is longer than 63 characters', () => {
      const error = validationErrorOf(() => model(newStack(), { audienceModelName: 'm'.repeat(64) }));
      expect(error.message).toBe(`TestStack/Model: audienceModelName must be 1–63 characters, got "${'m'.repeat(64)}" (64 characters)`);
    });

    test('fails when audienceModelName is only white space', () => {
      const error = validationErrorOf(() => model(newStack(), { audienceModelName: '   ' }));
      expect(error.message).toBe('TestStack/Model: audienceModelName must not be only white space, got "   "');
    });

    test('fails when audienceModelName has characters that are not printable', () => {
      const error = validationErrorOf(() => model(newStack(), { audienceModelName: 'line\nbreak' }));
      expect(error.message).toBe('TestStack/Model: audienceModelName must contain only printable characters and tabs, got "line\\nbreak"');
    });

    test('fails when description is longer than 255 characters', () => {
      const error = validationErrorOf(() => model(newStack(), { description: 'd'.repeat(256) }));
      expect(error.message).toMatch(/^TestStack\/Model: description must be 0–255 characters, got "d{64}"… \(256 characters\)$/);
    });

    test('fails when trainingDataEndTime is not after trainingDataStartTime', () => {
      const error = validationErrorOf(() => model(newStack(), {
        trainingDataStartTime: new Date('2024-06-01T00:00:00Z'),
        trainingDataEndTime: new Date('2024-01-01T00:00:00Z'),
      }));
      expect(error.message).toBe(
        'TestStack/Model: trainingDataEndTime must be after trainingDataStartTime (2024-06-01T00:00:00.000Z), got 2024-01-01T00:00:00.000Z',
      );
    });

    test('fails when trainingDataStartTime is an invalid date', () => {
      const error = validationErrorOf(() => model(newStack(), { trainingDataStartTime: new Date('not a date') }));
      expect(error.message).toBe('TestStack/Model: trainingDataStartTime must be a valid date, got an invalid Date');
    });

    test('fails when kmsKey is not a KMS key ARN', () => {
      const stack = newStack();
      const alias = kms.Key.fromKeyArn(stack, 'Alias', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/models`);
      const error = validationErrorOf(() => model(stack, { kmsKey: alias }));
      expect(error.message).toBe(
        `TestStack/Model: kmsKey must match ^arn:aws[-a-z]*:kms:[-a-z0-9]+:[0-9]{12}:key\\/.+$, got "arn:aws:kms:${REGION}:${ACCOUNT}:alias/models"`,
      );
    });

    test('fails when timeout is shorter than 5 minutes', () => {
      const error = validationErrorOf(() => model(newStack(), { timeout: Duration.minutes(4) }));
      expect(error.message).toMatch(/^TestStack\/Model: timeout must be between 5 minutes and 72 hours, got 4 minutes$/);
    });

    test('fails when timeout is not a whole number of seconds', () => {
      const error = validationErrorOf(() => model(newStack(), { timeout: Duration.millis(600_500) }));
      expect(error.message).toBe('TestStack/Model: timeout must be a whole number of seconds, got 10 minutes 500 millis');
    });

    test('fails when a tag key is reserved for the library', () => {
      const stack = newStack();
      Tags.of(model(stack)).add('cdk-cleanrooms-ml:creation-token', 'forged');
      expect(synthErrorOf(stack)).toContain(
        'TestStack/Model: tags key must not start with aws: or cdk-cleanrooms-ml: (reserved), got "cdk-cleanrooms-ml:creation-token"',
      );
    });

    test('fails when a tag value is longer than 256 characters', () => {
      const stack = newStack();
      Tags.of(model(stack)).add('note', 'v'.repeat(257));
      expect(synthErrorOf(stack)).toMatch(/TestStack\/Model: tags\["note"\] must be at most 256 characters/);
    });

    test('fails with more than 49 tags (the library keeps one of the 50 the service allows)', () => {
      const stack = newStack();
      const created = model(stack);
      for (let i = 0; i < 50; i++) {
        Tags.of(created).add(`tag-${i}`, 'x');
      }
      expect(synthErrorOf(stack)).toContain('TestStack/Model: tags must have at most 49 entries, got 50');
    });
  });

  describe('import', () => {
    test('fromAudienceModelArn knows the ARN, id, account and region', () => {
      const stack = newStack();
      const imported = AudienceModel.fromAudienceModelArn(stack, 'Imported', MODEL_ARN);

      expect(imported.audienceModelArn).toBe(MODEL_ARN);
      expect(imported.audienceModelId).toBe('b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e');
      expect(imported.audienceModelName).toBeUndefined();
      expect(imported.env).toEqual({ account: ACCOUNT, region: REGION });
    });

    test('fromAudienceModelAttributes keeps the name, and grants act on the imported ARN', () => {
      const stack = newStack();
      const imported = AudienceModel.fromAudienceModelAttributes(stack, 'Imported', { audienceModelArn: MODEL_ARN, audienceModelName: 'lookalike' });
      const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
      imported.grantRead(role);

      expect(imported.audienceModelName).toBe('lookalike');
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: [{ Action: 'cleanrooms-ml:GetAudienceModel', Resource: MODEL_ARN }] },
      });
    });

    test('fails when the ARN is not an audience model ARN', () => {
      const error = validationErrorOf(() => AudienceModel.fromAudienceModelArn(newStack(), 'Imported', DATASET_ARN));
      expect(error.message).toMatch(new RegExp(
        '^TestStack/Imported: audienceModelArn must be an audience model ARN ' +
        '\\(arn:<partition>:cleanrooms-ml:<region>:<account>:audience-model/<id>\\), got "arn:aws:cleanrooms-ml:eu-west-1:111122223333:training-dataset/',
      ));
    });
  });
});
