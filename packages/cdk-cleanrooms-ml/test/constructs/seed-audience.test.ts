import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnParameter, SecretValue, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  COLLABORATION_ID,
  generationJob,
  handlerStatements,
  JOB_TYPE,
  MEMBERSHIP_ARN,
  newStack,
  onlyResource,
  partitionArn,
  REGION,
  seedBucket,
  seedRolePolicy,
  seedRoleStatements,
  TEMPLATE_ARN,
  validationErrorOf,
} from './job-fixtures';
import { SeedAudience, SqlSeedAudienceOptions, WorkerComputeType } from '../../src';

const BUCKET_ARN = (bucketId: string) => ({ 'Fn::GetAtt': [bucketId, 'Arn'] });
const OBJECTS = (bucketId: string, key: string) => ({ 'Fn::Join': ['', [BUCKET_ARN(bucketId), `/${key}`]] });
const cleanRooms = (resource: string) => partitionArn(`:cleanrooms:${REGION}:*:${resource}`);

type SqlOptions = Partial<SqlSeedAudienceOptions> | ((stack: Stack) => Partial<SqlSeedAudienceOptions>);

/** A stack with a job whose seed is a SQL query (`SELECT user_id FROM buyers` unless told otherwise). */
function sqlJob(options: SqlOptions = {}, jobProps: { collaborationId?: string } = { collaborationId: COLLABORATION_ID }) {
  const stack = newStack();
  const given = typeof options === 'function' ? options(stack) : options;
  const job = generationJob(stack, {
    ...jobProps,
    seedAudience: SeedAudience.fromSql({ membershipArn: MEMBERSHIP_ARN, queryString: 'SELECT user_id FROM buyers', ...given }),
  });
  return { stack, job };
}

const paramsByName = (stack: Stack) => ({ parameters: secretsmanager.Secret.fromSecretNameV2(stack, 'P', 'seed-params') });

describe('SeedAudience.fromS3', () => {
  test('passes the object\'s S3 URI, and the seed role may list the bucket and read that object only', () => {
    const stack = newStack();
    generationJob(stack);

    const template = Template.fromStack(stack);
    const bucketId = onlyResource(template, 'AWS::S3::Bucket').id;
    template.hasResourceProperties(JOB_TYPE, {
      SeedS3Uri: { 'Fn::Join': ['', ['s3://', { Ref: bucketId }, '/seeds/buyers.csv']] },
    });
    expect(seedRoleStatements(template)).toEqual([
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET_ARN(bucketId) },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: OBJECTS(bucketId, 'seeds/buyers.csv') },
    ]);
  });

  test('a key ending in "/" is a prefix: the role may read every object below it, with a reviewed cdk-nag suppression', () => {
    const stack = newStack();
    generationJob(stack, { seedAudience: SeedAudience.fromS3(seedBucket(stack), 'seeds/2024/') });

    const template = Template.fromStack(stack);
    const bucketId = onlyResource(template, 'AWS::S3::Bucket').id;
    expect(seedRoleStatements(template)).toContainEqual({ Effect: 'Allow', Action: 's3:GetObject', Resource: OBJECTS(bucketId, 'seeds/2024/*') });
    expect(seedRolePolicy(template).Metadata.cdk_nag.rules_to_suppress).toEqual([{
      id: 'AwsSolutions-IAM5',
      reason: expect.stringContaining('every object below it'),
      applies_to: [{ regex: '/^Resource::.+\\/seeds\\/2024\\/\\*$/g' }],
    }]);
  });

  test('an encrypted bucket\'s key may decrypt the seed (kms:Decrypt, kms:DescribeKey on that key only)', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Encrypted', { encryption: s3.BucketEncryption.KMS });
    generationJob(stack, { seedAudience: SeedAudience.fromS3(bucket, 'seed.csv') });

    const template = Template.fromStack(stack);
    const keyId = onlyResource(template, 'AWS::KMS::Key').id;
    expect(seedRoleStatements(template)).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
  });

  test('encryptionKey names the key of a bucket that does not know it', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'SeedKey');
    generationJob(stack, { seedAudience: SeedAudience.fromS3(s3.Bucket.fromBucketName(stack, 'Imported', 'seeds'), 'seed.csv', { encryptionKey: key }) });

    const template = Template.fromStack(stack);
    template.hasResourceProperties(JOB_TYPE, { SeedS3Uri: 's3://seeds/seed.csv' });
    expect(seedRoleStatements(template)).toEqual([
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: partitionArn(':s3:::seeds') },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: partitionArn(':s3:::seeds/seed.csv') },
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: { 'Fn::GetAtt': [onlyResource(template, 'AWS::KMS::Key').id, 'Arn'] } },
    ]);
  });

  describe('validation', () => {
    test('fails when the key is empty', () => {
      const stack = newStack();
      const error = validationErrorOf(() => generationJob(stack, { seedAudience: SeedAudience.fromS3(seedBucket(stack), '') }));
      expect(error.message).toBe('TestStack/Job: seedAudience key must be 1–1024 characters, got "" (0 characters)');
    });

    test('fails when the key is longer than 1,024 characters', () => {
      const stack = newStack();
      const error = validationErrorOf(() => generationJob(stack, { seedAudience: SeedAudience.fromS3(seedBucket(stack), 'k'.repeat(1025)) }));
      expect(error.message).toMatch(/^TestStack\/Job: seedAudience key must be 1–1024 characters, got "k{64}"… \(1025 characters\)$/);
    });

    test('fails when the key starts with "/"', () => {
      const stack = newStack();
      const error = validationErrorOf(() => generationJob(stack, { seedAudience: SeedAudience.fromS3(seedBucket(stack), '/seeds/a.csv') }));
      expect(error.message).toBe('TestStack/Job: seedAudience key must not start with "/" (it is an object key, e.g. "seeds/buyers.csv"), got "/seeds/a.csv"');
    });
  });
});

describe('SeedAudience.fromSql', () => {
  test('passes the query, the collaboration and the secret\'s ARN, never a parameter value', () => {
    const { stack } = sqlJob(paramsByName);

    Template.fromStack(stack).hasResourceProperties(JOB_TYPE, {
      SeedSqlQueryString: 'SELECT user_id FROM buyers',
      SeedSqlParametersSecretArn: partitionArn(`:secretsmanager:${REGION}:111122223333:secret:seed-params`),
      CollaborationId: COLLABORATION_ID,
      SeedS3Uri: Match.absent(),
    });
  });

  test('the parameter values never reach the template, even when the app itself writes the secret (canary)', () => {
    const canary = 'Canary-sql-param-7c1e9b24d3';
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'Params', {
      secretObjectValue: { min_date: SecretValue.unsafePlainText(canary) },
    });
    generationJob(stack, {
      collaborationId: COLLABORATION_ID,
      seedAudience: SeedAudience.fromSql({ membershipArn: MEMBERSHIP_ARN, analysisTemplateArn: TEMPLATE_ARN, parameters: secret }),
    });

    const template = Template.fromStack(stack).toJSON();
    const outsideTheSecret = Object.entries(template.Resources)
      .filter(([, resource]: [string, any]) => resource.Type !== 'AWS::SecretsManager::Secret');
    expect(JSON.stringify(outsideTheSecret)).not.toContain(canary);
    expect(JSON.stringify(onlyResource(Template.fromStack(stack), JOB_TYPE).resource)).toContain('SeedSqlParametersSecretArn');
  });

  test('a confidential query comes from a secret: only its ARN is in the template', () => {
    const stack = newStack();
    const querySecret = new secretsmanager.Secret(stack, 'Query');
    generationJob(stack, {
      collaborationId: COLLABORATION_ID,
      seedAudience: SeedAudience.fromSql({ membershipArn: MEMBERSHIP_ARN, queryStringSecret: querySecret }),
    });

    const template = Template.fromStack(stack);
    const secretId = onlyResource(template, 'AWS::SecretsManager::Secret').id;
    const job = onlyResource(template, JOB_TYPE).resource;
    expect(job.Properties.SeedSqlQueryStringSecretArn).toEqual({ Ref: secretId });
    expect(job.Properties.SeedSqlQueryString).toBeUndefined();
    expect(handlerStatements(template)).toContainEqual({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: secretId } });
  });

  test('the handler may read the parameters secret only (GetSecretValue), and decrypt it through Secrets Manager only', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'SecretKey');
    const secret = new secretsmanager.Secret(stack, 'Params', { encryptionKey: key });
    generationJob(stack, {
      collaborationId: COLLABORATION_ID,
      seedAudience: SeedAudience.fromSql({ membershipArn: MEMBERSHIP_ARN, queryString: 'SELECT 1', parameters: secret }),
    });

    const template = Template.fromStack(stack);
    const secretId = onlyResource(template, 'AWS::SecretsManager::Secret').id;
    const keyId = onlyResource(template, 'AWS::KMS::Key').id;
    const statements = handlerStatements(template);
    expect(statements.filter((statement) => JSON.stringify(statement.Action).includes('secretsmanager:'))).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: secretId } },
    ]);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
      Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', [`secretsmanager.${REGION}.`, { Ref: 'AWS::URLSuffix' }]] } } },
    });
  });

  test('a secret imported by name is granted with the suffix Secrets Manager adds to its ARN', () => {
    const { stack } = sqlJob(paramsByName);

    expect(handlerStatements(Template.fromStack(stack))).toContainEqual({
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: partitionArn(`:secretsmanager:${REGION}:111122223333:secret:seed-params-??????`),
    });
  });

  test('the seed role may run the query in the membership and read the collaboration\'s schemas and template, and nothing else', () => {
    const { stack } = sqlJob({ queryString: undefined, analysisTemplateArn: TEMPLATE_ARN });

    const template = Template.fromStack(stack);
    const collaboration = cleanRooms(`collaboration/${COLLABORATION_ID}`);
    const tableAssociations = cleanRooms('membership/*/configuredtableassociation/*');
    expect(seedRoleStatements(template)).toEqual([
      { Effect: 'Allow', Action: 'cleanrooms:GetCollaborationAnalysisTemplate', Resource: [collaboration, TEMPLATE_ARN] },
      { Effect: 'Allow', Action: 'cleanrooms:GetSchema', Resource: [collaboration, tableAssociations] },
      { Effect: 'Allow', Action: 'cleanrooms:StartProtectedQuery', Resource: [MEMBERSHIP_ARN, tableAssociations, TEMPLATE_ARN] },
      { Effect: 'Allow', Action: ['cleanrooms:GetProtectedQuery', 'cleanrooms:UpdateProtectedQuery'], Resource: MEMBERSHIP_ARN },
    ]);
    template.hasResourceProperties(JOB_TYPE, { SeedSqlAnalysisTemplateArn: TEMPLATE_ARN });
  });

  test('without an analysis template, the seed role may read the collaboration\'s templates, and carries a reviewed cdk-nag suppression', () => {
    const { stack } = sqlJob();

    const template = Template.fromStack(stack);
    expect(seedRoleStatements(template)[0]).toEqual({
      Effect: 'Allow',
      Action: 'cleanrooms:GetCollaborationAnalysisTemplate',
      Resource: [cleanRooms(`collaboration/${COLLABORATION_ID}`), cleanRooms('membership/*/analysistemplate/*')],
    });
    expect(seedRolePolicy(template).Metadata.cdk_nag.rules_to_suppress).toEqual([expect.objectContaining({
      id: 'AwsSolutions-IAM5',
      applies_to: [{ regex: expect.stringContaining('cleanrooms') }],
    })]);
  });

  describe('compute configuration', () => {
    test('passes the worker type, the number of workers and the Spark properties to the job', () => {
      const { stack } = sqlJob({
        computeConfiguration: { workerType: WorkerComputeType.CR_8X, numberOfWorkers: 64, sparkProperties: { 'spark.sql.shuffle.partitions': '400' } },
      });

      Template.fromStack(stack).hasResourceProperties(JOB_TYPE, {
        SeedSqlWorkerType: 'CR.8X',
        SeedSqlNumberOfWorkers: 64,
        SeedSqlSparkProperties: { 'spark.sql.shuffle.partitions': '400' },
      });
    });

    test('leaves the compute to the service when none is given', () => {
      const { stack } = sqlJob();

      Template.fromStack(stack).hasResourceProperties(JOB_TYPE, {
        SeedSqlWorkerType: Match.absent(),
        SeedSqlNumberOfWorkers: Match.absent(),
        SeedSqlSparkProperties: Match.absent(),
      });
    });

    test('offers exactly the worker types of the service model', () => {
      // AWS's current Clean Rooms ML model, kept in the repository's spec/.
      const model = JSON.parse(readFileSync(join(__dirname, '../../../../spec/cleanroomsml-2023-09-06/service-2.json'), 'utf8'));
      expect(Object.values(WorkerComputeType)).toEqual(model.shapes.WorkerComputeType.enum);
    });

    test('a token number of workers is left to the deployment', () => {
      const { stack } = sqlJob((s) => ({ computeConfiguration: { numberOfWorkers: new CfnParameter(s, 'Workers', { type: 'Number' }).valueAsNumber } }));

      Template.fromStack(stack).hasResourceProperties(JOB_TYPE, { SeedSqlNumberOfWorkers: { Ref: 'Workers' } });
    });

    test.each([
      ['1 worker', { numberOfWorkers: 1 }, 'seedAudience computeConfiguration.numberOfWorkers must be between 2 and 1024, got 1'],
      ['1025 workers', { numberOfWorkers: 1025 }, 'seedAudience computeConfiguration.numberOfWorkers must be between 2 and 1024, got 1025'],
      ['2.5 workers', { numberOfWorkers: 2.5 }, 'seedAudience computeConfiguration.numberOfWorkers must be a whole number, got 2.5'],
      ['worker type CR.2X', { workerType: 'CR.2X' }, 'seedAudience computeConfiguration.workerType must be one of CR.1X, CR.4X, CR.8X, got "CR.2X"'],
      [
        '51 Spark properties',
        { sparkProperties: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`spark.p${i}`, 'v'])) },
        'seedAudience computeConfiguration.sparkProperties must have at most 50 entries, got 51',
      ],
      [
        'a Spark property value of 501 characters',
        { sparkProperties: { 'spark.executor.memory': 'x'.repeat(501) } },
        'seedAudience computeConfiguration.sparkProperties["spark.executor.memory"] must be at most 500 characters, got "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"… (501 characters)',
      ],
    ])('fails at synthesis on %s', (_, computeConfiguration, message) => {
      const error = validationErrorOf(() => sqlJob({ computeConfiguration: computeConfiguration as SqlSeedAudienceOptions['computeConfiguration'] }));

      expect(error.message).toBe(`TestStack/Job: ${message}`);
    });
  });

  describe('validation', () => {
    test('fails when none of queryString, queryStringSecret and analysisTemplateArn is given', () => {
      const error = validationErrorOf(() => sqlJob({ queryString: undefined }));
      expect(error.message).toBe('TestStack/Job: seedAudience must give exactly one of queryString, queryStringSecret and analysisTemplateArn, got none');
    });

    test('fails when more than one query source is given', () => {
      const error = validationErrorOf(() => sqlJob({ analysisTemplateArn: TEMPLATE_ARN }));
      expect(error.message).toBe(
        'TestStack/Job: seedAudience must give exactly one of queryString, queryStringSecret and analysisTemplateArn, got queryString, analysisTemplateArn',
      );
    });

    test('fails when membershipArn is not a Clean Rooms membership ARN', () => {
      const error = validationErrorOf(() => sqlJob({ membershipArn: 'arn:aws:cleanrooms:eu-west-1:111122223333:collaboration/abc' }));
      expect(error.message).toBe(
        'TestStack/Job: seedAudience membershipArn must be a Clean Rooms membership ARN (arn:<partition>:cleanrooms:<region>:<account>:membership/<id>), ' +
        'got "arn:aws:cleanrooms:eu-west-1:111122223333:collaboration/abc"',
      );
    });

    test('fails when analysisTemplateArn is not an analysis template ARN', () => {
      const error = validationErrorOf(() => sqlJob({ queryString: undefined, analysisTemplateArn: MEMBERSHIP_ARN }));
      expect(error.message).toMatch(/^TestStack\/Job: seedAudience analysisTemplateArn must be a Clean Rooms analysis template ARN \(.*\), got "arn:aws:cleanrooms:/);
    });

    test('fails when queryString is longer than 500,000 characters', () => {
      const error = validationErrorOf(() => sqlJob({ queryString: 'q'.repeat(500_001) }));
      expect(error.message).toMatch(/^TestStack\/Job: seedAudience queryString must be 1–500000 characters, got "q{64}"… \(500001 characters\)$/);
    });

    test('fails when the job has no collaborationId', () => {
      const error = validationErrorOf(() => sqlJob({}, {}));
      expect(error.message).toBe(
        'TestStack/Job: collaborationId must be given with a SQL seed audience (its protected query runs in the collaboration), got undefined',
      );
    });
  });
});
