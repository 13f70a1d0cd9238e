/**
 * What an app in JavaScript (or Python, Java, Go through jsii) can hand the
 * constructs that TypeScript would have refused: a missing required prop, a
 * number where a Duration belongs, a string where a list belongs, an ARN
 * string where a role belongs. Each must fail at synthesis with
 * `<path>: <field> must <rule>, got <value>`, never with a TypeError.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  ACCOUNT,
  COLLABORATION_ID,
  CONFIGURED_ARN,
  createdConfiguredModel,
  generationJob,
  JOB_ARN,
  MEMBERSHIP_ARN,
  MODEL_ARN,
  newStack,
  REGION,
  seedBucket,
  validationErrorOf,
} from './job-fixtures';
import {
  AudienceExportJob,
  AudienceGenerationJob,
  AudienceModel,
  AudienceSize,
  AudienceSizeConfig,
  CollaborationMembership,
  ColumnSchema,
  ColumnType,
  ConfiguredAudienceModel,
  ConfiguredAudienceModelAssociation,
  SeedAudience,
  TrainingDataset,
  TrainingDatasetProps,
  TrainingDataSource,
} from '../../src';
import { describeValue } from '../../src/constructs/private/validation';

/** A value TypeScript would refuse, as a JavaScript app passes it. */
const js = (value: unknown): any => value;

const DATASET_ARN = `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT}:training-dataset/7f3c0a5e-1d2b-4c8f-9e6a-0b1c2d3e4f5a`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/clean-rooms-ml`;
const COLUMNS: ColumnSchema[] = [
  { columnName: 'user_id', columnType: ColumnType.USER_ID },
  { columnName: 'item_id', columnType: ColumnType.ITEM_ID },
  { columnName: 'event_time', columnType: ColumnType.TIMESTAMP },
];

function messageOf(define: () => void): string {
  return validationErrorOf(define).message;
}

function dataset(stack: Stack, props: Partial<TrainingDatasetProps> = {}): TrainingDataset {
  return new TrainingDataset(stack, 'Dataset', {
    dataSource: TrainingDataSource.fromGlueTable({ databaseName: 'retail', tableName: 'purchases' }),
    columns: COLUMNS,
    ...props,
  });
}

function model(stack: Stack, props: Record<string, unknown> = {}): AudienceModel {
  return new AudienceModel(stack, 'Model', { trainingDataset: TrainingDataset.fromTrainingDatasetArn(stack, 'Imported', DATASET_ARN), ...props });
}

describe('TrainingDataset', () => {
  test('fails, naming props, when created without props', () => {
    expect(messageOf(() => new TrainingDataset(newStack(), 'Dataset', js(undefined))))
      .toBe('TestStack/Dataset: props must be given as an object (TrainingDatasetProps), got undefined');
  });

  test('fails, naming columns, when they are missing (not "Cannot read properties of undefined (reading \'forEach\')")', () => {
    expect(messageOf(() => dataset(newStack(), { columns: js(undefined) })))
      .toBe('TestStack/Dataset: columns must be a list, got undefined');
  });

  test('fails, naming columns, when they are not a list', () => {
    expect(messageOf(() => dataset(newStack(), { columns: js('user_id,item_id,event_time') })))
      .toBe('TestStack/Dataset: columns must be a list, got "user_id,item_id,event_time"');
  });

  test('fails, naming the column, when an entry is not a column', () => {
    expect(messageOf(() => dataset(newStack(), { columns: js([...COLUMNS, null]) })))
      .toBe('TestStack/Dataset: columns[3] must be given as an object (ColumnSchema: { columnName, columnType }), got null');
  });

  test('fails, naming the column name, when it is missing', () => {
    expect(messageOf(() => dataset(newStack(), { columns: js([...COLUMNS, { columnType: ColumnType.CATEGORICAL_FEATURE }]) })))
      .toBe('TestStack/Dataset: columns[3].columnName must be a string, got undefined');
  });

  test('fails, naming dataSource, when it is a plain object and not a training data source', () => {
    expect(messageOf(() => dataset(newStack(), { dataSource: js({ databaseName: 'retail', tableName: 'purchases' }) })))
      .toBe('TestStack/Dataset: dataSource must be a training data source (e.g. TrainingDataSource.fromGlueTable({ databaseName, tableName })), '
        + 'got an object with "databaseName", "tableName"');
  });

  test('fails, naming dataSource, when fromGlueTable is given no options', () => {
    expect(messageOf(() => dataset(newStack(), { dataSource: TrainingDataSource.fromGlueTable(js(undefined)) })))
      .toBe('TestStack/Dataset: dataSource must be given as an object (GlueTableSourceOptions), got undefined');
  });

  test('fails, naming dataSource.tableName, when it is missing', () => {
    expect(messageOf(() => dataset(newStack(), { dataSource: TrainingDataSource.fromGlueTable(js({ databaseName: 'retail' })) })))
      .toBe('TestStack/Dataset: dataSource.tableName must be a string, got undefined');
  });

  test('fails, naming dataSource.bucket, when it is a bucket name and not a bucket', () => {
    const source = TrainingDataSource.fromGlueTable({ databaseName: 'retail', tableName: 'purchases', bucket: js('training-data') });
    expect(messageOf(() => dataset(newStack(), { dataSource: source })))
      .toBe('TestStack/Dataset: dataSource.bucket must be an S3 bucket (e.g. new s3.Bucket(...) or s3.Bucket.fromBucketName(...)), got "training-data"');
  });

  test('fails, naming role, when it is a role ARN and not a role', () => {
    expect(messageOf(() => dataset(newStack(), { role: js(ROLE_ARN) })))
      .toBe(`TestStack/Dataset: role must be an IAM role (e.g. new iam.Role(...) or iam.Role.fromRoleArn(...)), got "${ROLE_ARN}"`);
  });

  test('fails, naming trainingDatasetName, when it is a number', () => {
    expect(messageOf(() => dataset(newStack(), { trainingDatasetName: js(42) })))
      .toBe('TestStack/Dataset: trainingDatasetName must be a string, got 42 (a number)');
  });

  test('fails, naming removalPolicy, when it is not a RemovalPolicy', () => {
    expect(messageOf(() => dataset(newStack(), { removalPolicy: js('keep') })))
      .toBe('TestStack/Dataset: removalPolicy must be one of DESTROY, RETAIN, SNAPSHOT, RETAIN_ON_UPDATE_OR_DELETE, got "keep"');
  });
});

describe('AudienceModel', () => {
  test('fails, naming trainingDataset, when it is missing', () => {
    expect(messageOf(() => new AudienceModel(newStack(), 'Model', js({}))))
      .toBe('TestStack/Model: trainingDataset must be a training dataset (a TrainingDataset, or one imported with '
        + 'TrainingDataset.fromTrainingDatasetArn), got undefined');
  });

  test('fails, naming trainingDataset, when it is the dataset\'s ARN', () => {
    expect(messageOf(() => new AudienceModel(newStack(), 'Model', { trainingDataset: js(DATASET_ARN) })))
      .toMatch(/^TestStack\/Model: trainingDataset must be a training dataset \(.*\), got "arn:aws:cleanrooms-ml:/);
  });

  test('fails, naming timeout, when it is a number of seconds (not "timeout.toSeconds is not a function")', () => {
    expect(messageOf(() => model(newStack(), { timeout: 3600 })))
      .toBe('TestStack/Model: timeout must be a Duration (e.g. Duration.hours(1)), got 3600 (a number)');
  });

  test('fails, naming trainingDataStartTime, when it is a date string and not a Date', () => {
    expect(messageOf(() => model(newStack(), { trainingDataStartTime: '2024-01-01' })))
      .toBe('TestStack/Model: trainingDataStartTime must be a Date (e.g. new Date("2024-01-01T00:00:00Z")), got "2024-01-01"');
  });

  test('fails, naming kmsKey, when it is a key ARN and not a key', () => {
    expect(messageOf(() => model(newStack(), { kmsKey: `arn:aws:kms:${REGION}:${ACCOUNT}:key/abc` })))
      .toMatch(/^TestStack\/Model: kmsKey must be a KMS key \(e\.g\. new kms\.Key\(\.\.\.\) or kms\.Key\.fromKeyArn\(\.\.\.\)\), got "arn:aws:kms:/);
  });

  test('fails, naming description, when it is not a string', () => {
    expect(messageOf(() => model(newStack(), { description: ['two', 'lines'] })))
      .toBe('TestStack/Model: description must be a string, got a list of 2 entries');
  });
});

describe('ConfiguredAudienceModel', () => {
  test('fails, naming outputBucket, when it is missing', () => {
    const stack = newStack();
    const audienceModel = AudienceModel.fromAudienceModelArn(stack, 'AudienceModel', MODEL_ARN);
    expect(messageOf(() => new ConfiguredAudienceModel(stack, 'Configured', js({ audienceModel }))))
      .toBe('TestStack/Configured: outputBucket must be an S3 bucket (e.g. new s3.Bucket(...) or s3.Bucket.fromBucketName(...)), got undefined');
  });

  test('fails, naming audienceModel, when it is the model\'s ARN', () => {
    const stack = newStack();
    expect(messageOf(() => new ConfiguredAudienceModel(stack, 'Configured', {
      audienceModel: js(MODEL_ARN),
      outputBucket: s3.Bucket.fromBucketName(stack, 'Output', 'audiences'),
    }))).toMatch(/^TestStack\/Configured: audienceModel must be an audience model \(.*\), got "arn:aws:cleanrooms-ml:/);
  });

  test('fails, naming audienceSizeConfig, when it is a plain list of sizes', () => {
    expect(messageOf(() => createdConfiguredModel(newStack(), { audienceSizeConfig: js([10_000]) })))
      .toBe('TestStack/Configured: audienceSizeConfig must be an AudienceSizeConfig (AudienceSizeConfig.absolute([...]) '
        + 'or AudienceSizeConfig.percentage([...])), got a list of 1 entries');
  });

  test('fails, naming audienceSizeConfig.bins, when AudienceSizeConfig.absolute is given a number and not a list', () => {
    expect(messageOf(() => createdConfiguredModel(newStack(), { audienceSizeConfig: AudienceSizeConfig.absolute(js(10_000)) })))
      .toBe('TestStack/Configured: audienceSizeConfig.bins must be a list, got 10000 (a number)');
  });

  test('fails, naming the bin, when a size is a string', () => {
    expect(messageOf(() => createdConfiguredModel(newStack(), { audienceSizeConfig: AudienceSizeConfig.absolute(js([10_000, '100000'])) })))
      .toBe('TestStack/Configured: audienceSizeConfig.bins[1] must be a number, got "100000"');
  });

  test('fails, naming sharedAudienceMetrics, when it is not one of its values', () => {
    expect(messageOf(() => createdConfiguredModel(newStack(), { sharedAudienceMetrics: js('SOME') })))
      .toBe('TestStack/Configured: sharedAudienceMetrics must be one of ALL, NONE, got "SOME"');
  });

  test('fails, naming minMatchingSeedSize, when it is a numeric string', () => {
    expect(messageOf(() => createdConfiguredModel(newStack(), { minMatchingSeedSize: js('500') })))
      .toBe('TestStack/Configured: minMatchingSeedSize must be a number, got "500"');
  });

  test('fails, naming timeout, when it is a number of minutes', () => {
    expect(messageOf(() => createdConfiguredModel(newStack(), { timeout: js(10) })))
      .toBe('TestStack/Configured: timeout must be a Duration (e.g. Duration.hours(1)), got 10 (a number)');
  });

  test('fails, naming statement, when addToResourcePolicy is given a policy document object', () => {
    const configured = createdConfiguredModel(newStack());
    expect(messageOf(() => configured.addToResourcePolicy(js({ Effect: 'Allow', Action: 'cleanrooms-ml:StartAudienceGenerationJob' }))))
      .toBe('TestStack/Configured: statement must be an iam.PolicyStatement, got an object with "Effect", "Action"');
  });
});

describe('AudienceGenerationJob', () => {
  test('fails, naming seedAudience, when it is missing', () => {
    const stack = newStack();
    const configuredAudienceModel = ConfiguredAudienceModel.fromConfiguredAudienceModelArn(stack, 'Configured', CONFIGURED_ARN);
    expect(messageOf(() => new AudienceGenerationJob(stack, 'Job', js({ configuredAudienceModel }))))
      .toBe('TestStack/Job: seedAudience must be a seed audience (SeedAudience.fromS3(bucket, key) or SeedAudience.fromSql({...})), got undefined');
  });

  test('fails, naming seedAudience, when it is an S3 URI and not a seed audience', () => {
    expect(messageOf(() => generationJob(newStack(), { seedAudience: js('s3://seeds/buyers.csv') })))
      .toMatch(/^TestStack\/Job: seedAudience must be a seed audience \(.*\), got "s3:\/\/seeds\/buyers\.csv"$/);
  });

  test('fails, naming includeSeedInOutput, when it is a string', () => {
    expect(messageOf(() => generationJob(newStack(), { includeSeedInOutput: js('yes') })))
      .toBe('TestStack/Job: includeSeedInOutput must be true or false, got "yes"');
  });

  test('fails, naming timeout, when it is a number', () => {
    expect(messageOf(() => generationJob(newStack(), { timeout: js(7200) })))
      .toBe('TestStack/Job: timeout must be a Duration (e.g. Duration.hours(1)), got 7200 (a number)');
  });

  test('fails, naming seedRole, when it is a role ARN', () => {
    expect(messageOf(() => generationJob(newStack(), { seedRole: js(ROLE_ARN) })))
      .toMatch(/^TestStack\/Job: seedRole must be an IAM role \(.*\), got "arn:aws:iam::/);
  });

  test('fails, naming the size, when relevanceScore is given a plain number', () => {
    const job = generationJob(newStack());
    expect(messageOf(() => job.relevanceScore(js(10_000))))
      .toBe('TestStack/Job: relevanceScore size must be an AudienceSize (AudienceSize.absolute(n) or AudienceSize.percentage(n)), got 10000 (a number)');
  });
});

describe('ConfiguredAudienceModelAssociation', () => {
  const MEMBERSHIP_ID = '5b0e6f70-1f2a-41ef-9a4b-0a1b2c3d4e5f';
  const imported = (stack: Stack) => ConfiguredAudienceModel.fromConfiguredAudienceModelArn(stack, 'Configured', CONFIGURED_ARN);

  test('fails, naming props, when created without props', () => {
    expect(messageOf(() => new ConfiguredAudienceModelAssociation(newStack(), 'Association', js(undefined))))
      .toBe('TestStack/Association: props must be given as an object (ConfiguredAudienceModelAssociationProps), got undefined');
  });

  test('fails, naming membership, when it is a membership id string and not a CollaborationMembership', () => {
    const stack = newStack();
    expect(messageOf(() => new ConfiguredAudienceModelAssociation(stack, 'Association', {
      membership: js(MEMBERSHIP_ID),
      configuredAudienceModel: imported(stack),
    }))).toMatch(/^TestStack\/Association: membership must be a CollaborationMembership \(.*\), got "5b0e6f70-/);
  });

  test('fails, naming configuredAudienceModel, when it is the model\'s ARN', () => {
    expect(messageOf(() => new ConfiguredAudienceModelAssociation(newStack(), 'Association', {
      membership: CollaborationMembership.fromMembershipId(MEMBERSHIP_ID),
      configuredAudienceModel: js(CONFIGURED_ARN),
    }))).toMatch(/^TestStack\/Association: configuredAudienceModel must be a configured audience model \(.*\), got "arn:aws:cleanrooms-ml:/);
  });

  test('fails, naming the membership id, when it is a number', () => {
    const stack = newStack();
    expect(messageOf(() => imported(stack).associateWith(CollaborationMembership.fromMembershipId(js(42)))))
      .toMatch(/^TestStack\/Configured\/Association[0-9A-F]{8}: membership.membershipId must be a string, got 42 \(a number\)$/);
  });

  test('fails, naming membership, when fromCfnMembership is given nothing', () => {
    const stack = newStack();
    expect(messageOf(() => imported(stack).associateWith(CollaborationMembership.fromCfnMembership(js(undefined)))))
      .toMatch(/^TestStack\/Configured\/Association[0-9A-F]{8}: membership must name a membership by its id or ARN, got ""$/);
  });

  test('fails, naming membership, when associateWith is given a membership ARN string', () => {
    const stack = newStack();
    expect(messageOf(() => imported(stack).associateWith(js(MEMBERSHIP_ARN))))
      .toMatch(/^TestStack\/Configured\/Association[0-9A-F]{8}: membership must be a CollaborationMembership \(.*\), got "arn:aws:cleanrooms:/);
  });

  test('fails, naming name, when it is a number', () => {
    const stack = newStack();
    expect(messageOf(() => imported(stack).associateWith(CollaborationMembership.fromMembershipId(MEMBERSHIP_ID), { name: js(7) })))
      .toMatch(/^TestStack\/Configured\/Association[0-9A-F]{8}: name must be a string, got 7 \(a number\)$/);
  });
});

describe('SeedAudience', () => {
  test('fails, naming the key, when fromS3 is given none', () => {
    const stack = newStack();
    expect(messageOf(() => generationJob(stack, { seedAudience: SeedAudience.fromS3(seedBucket(stack), js(undefined)) })))
      .toBe('TestStack/Job: seedAudience key must be a string, got undefined');
  });

  test('fails, naming the bucket, when fromS3 is given a bucket name', () => {
    expect(messageOf(() => generationJob(newStack(), { seedAudience: SeedAudience.fromS3(js('seeds'), 'buyers.csv') })))
      .toMatch(/^TestStack\/Job: seedAudience bucket must be an S3 bucket \(.*\), got "seeds"$/);
  });

  test('fails, naming seedAudience, when fromSql is given no options', () => {
    expect(messageOf(() => generationJob(newStack(), { collaborationId: COLLABORATION_ID, seedAudience: SeedAudience.fromSql(js(undefined)) })))
      .toBe('TestStack/Job: seedAudience must be given as an object (SqlSeedAudienceOptions), got undefined');
  });

  test('fails, naming membershipArn, when fromSql is given none', () => {
    expect(messageOf(() => generationJob(newStack(), {
      collaborationId: COLLABORATION_ID,
      seedAudience: SeedAudience.fromSql(js({ queryString: 'SELECT user_id FROM buyers' })),
    }))).toBe('TestStack/Job: seedAudience membershipArn must be a string, got undefined');
  });

  test('fails, naming parameters, when they are a JSON string and not a secret', () => {
    expect(messageOf(() => generationJob(newStack(), {
      collaborationId: COLLABORATION_ID,
      seedAudience: SeedAudience.fromSql({ membershipArn: MEMBERSHIP_ARN, queryString: 'SELECT 1', parameters: js('{"segment":"gold"}') }),
    }))).toMatch(/^TestStack\/Job: seedAudience parameters must be a Secrets Manager secret \(.*\), got "\{\\"segment\\":\\"gold\\"\}"$/);
  });
});

describe('AudienceExportJob', () => {
  test('fails, naming audienceSize, when it is a plain number (not "for undefined sizes")', () => {
    const job = generationJob(newStack(), { configuredAudienceModel: createdConfiguredModel(newStack()) });
    expect(messageOf(() => job.export('Export', { audienceSize: js(100_000) })))
      .toBe('TestStack/Job/Export: audienceSize must be an AudienceSize (AudienceSize.absolute(n) or AudienceSize.percentage(n)), got 100000 (a number)');
  });

  test('fails, naming the size\'s value, when AudienceSize.absolute is given a string', () => {
    const job = generationJob(newStack());
    expect(messageOf(() => job.export('Export', { audienceSize: AudienceSize.absolute(js('100000')) })))
      .toBe('TestStack/Job/Export: audienceSize value must be a number, got "100000"');
  });

  test('fails, naming audienceGenerationJob, when it is missing', () => {
    expect(messageOf(() => new AudienceExportJob(newStack(), 'Export', js({ audienceSize: AudienceSize.absolute(10_000) }))))
      .toMatch(/^TestStack\/Export: audienceGenerationJob must be an audience generation job \(.*\), got undefined$/);
  });

  test('fails, naming timeout, when it is a number', () => {
    const job = generationJob(newStack());
    expect(messageOf(() => job.export('Export', { audienceSize: AudienceSize.absolute(10_000), timeout: js(60) })))
      .toBe('TestStack/Job/Export: timeout must be a Duration (e.g. Duration.hours(1)), got 60 (a number)');
  });

  test('fails, naming audienceExportJobName, when two exports of one job share a name', () => {
    const job = generationJob(newStack());
    job.export('First', { audienceSize: AudienceSize.absolute(10_000), audienceExportJobName: 'weekly' });

    expect(messageOf(() => job.export('Second', { audienceSize: AudienceSize.absolute(100_000), audienceExportJobName: 'weekly' })))
      .toBe('TestStack/Job/Second: audienceExportJobName must be unique among the exports of the audience generation job TestStack/Job '
        + '(the service refuses a second export of a name; TestStack/Job/First has it), got "weekly"');
  });

  test('fails when two imports of the same job ARN give two exports the same name', () => {
    const stack = newStack();
    AudienceGenerationJob.fromAudienceGenerationJobArn(stack, 'One', JOB_ARN)
      .export('Export', { audienceSize: AudienceSize.absolute(10_000), audienceExportJobName: 'weekly' });
    const other = AudienceGenerationJob.fromAudienceGenerationJobArn(stack, 'Other', JOB_ARN);

    expect(messageOf(() => other.export('Export', { audienceSize: AudienceSize.absolute(10_000), audienceExportJobName: 'weekly' })))
      .toMatch(/^TestStack\/Other\/Export: audienceExportJobName must be unique among the exports of the audience generation job .*TestStack\/One\/Export has it/);
  });

  test('lets exports of different jobs, and exports without a name, share what they like', () => {
    const stack = newStack();
    const first = generationJob(stack, {}, 'First');
    const second = generationJob(stack, {}, 'Second');
    first.export('Weekly', { audienceSize: AudienceSize.absolute(10_000), audienceExportJobName: 'weekly' });
    second.export('Weekly', { audienceSize: AudienceSize.absolute(10_000), audienceExportJobName: 'weekly' });
    first.export('Unnamed1', { audienceSize: AudienceSize.absolute(10_000) });
    first.export('Unnamed2', { audienceSize: AudienceSize.absolute(10_000) });

    expect(first.node.tryFindChild('Unnamed2')).toBeDefined();
  });
});

describe('ARN imports', () => {
  const IMPORTS = [
    ['TrainingDataset', 'trainingDatasetArn', 'training-dataset',
      (stack: Stack, arn: string) => TrainingDataset.fromTrainingDatasetArn(stack, 'Imported', arn)],
    ['AudienceModel', 'audienceModelArn', 'audience-model',
      (stack: Stack, arn: string) => AudienceModel.fromAudienceModelArn(stack, 'Imported', arn)],
    ['ConfiguredAudienceModel', 'configuredAudienceModelArn', 'configured-audience-model',
      (stack: Stack, arn: string) => ConfiguredAudienceModel.fromConfiguredAudienceModelArn(stack, 'Imported', arn)],
    ['AudienceGenerationJob', 'audienceGenerationJobArn', 'audience-generation-job',
      (stack: Stack, arn: string) => AudienceGenerationJob.fromAudienceGenerationJobArn(stack, 'Imported', arn)],
  ] as const;

  describe.each(IMPORTS)('%s', (_name, field, type, importArn) => {
    const arnWith = (parts: { partition?: string; region?: string; account?: string; resource?: string }) =>
      `arn:${parts.partition ?? 'aws'}:cleanrooms-ml:${parts.region ?? REGION}:${parts.account ?? ACCOUNT}:${parts.resource ?? `${type}/abc-123`}`;
    const failure = (arn: string) => messageOf(() => importArn(newStack(), arn));
    const shape = `(arn:<partition>:cleanrooms-ml:<region>:<account>:${type}/<id>)`;

    test('accepts a well-formed ARN in any partition and Region', () => {
      for (const [partition, region] of [['aws', 'us-east-1'], ['aws-cn', 'cn-north-1'], ['aws-us-gov', 'us-gov-west-1'], ['aws-eusc', 'eusc-de-east-1']]) {
        const imported = importArn(newStack(), arnWith({ partition, region }));
        expect(imported.env).toEqual({ account: ACCOUNT, region });
      }
    });

    test('fails, naming the field, when the account is not 12 digits', () => {
      const arn = arnWith({ account: '12345' });
      expect(failure(arn)).toMatch(new RegExp(`^TestStack/Imported: ${field} must be an? [a-z ]+ ARN \\(.*${type}/<id>\\), whose account is 12 digits, got `));
      expect(failure(arn).endsWith(`got ${describeValue(arn)}`)).toBe(true);
      expect(failure(arn)).toContain(shape);
    });

    test('fails, naming the field, when the Region is not a Region code', () => {
      expect(failure(arnWith({ region: 'useast1' }))).toMatch(new RegExp(`^TestStack/Imported: ${field} must .*, whose Region is a Region code \\(e\\.g\\. us-east-1\\), got `));
      expect(failure(arnWith({ region: '' }))).toMatch(/whose Region is a Region code/);
    });

    test('fails, naming the field, when the partition is not an AWS partition', () => {
      expect(failure(arnWith({ partition: 'amazon' }))).toMatch(new RegExp(`^TestStack/Imported: ${field} must .*, whose partition is aws or aws-<name>`));
    });

    test('fails, naming the field, when the resource type is another one', () => {
      const other = type === 'audience-model' ? 'training-dataset' : 'audience-model';
      const arn = arnWith({ resource: `${other}/abc-123` });
      expect(failure(arn)).toMatch(new RegExp(`^TestStack/Imported: ${field} must be an? [a-z ]+ ARN \\(arn:<partition>:cleanrooms-ml:<region>:<account>:${type}/<id>\\), got `));
      expect(failure(arn).endsWith(`got ${describeValue(arn)}`)).toBe(true);
    });

    test('fails, naming the field, when the ARN is not a string', () => {
      expect(failure(js(42))).toMatch(new RegExp(`^TestStack/Imported: ${field} must be an? [a-z ]+ ARN .*, got 42 \\(a number\\)$`));
    });
  });

  test('fails, naming attrs, when fromXxxAttributes is given none', () => {
    expect(messageOf(() => AudienceModel.fromAudienceModelAttributes(newStack(), 'Imported', js(undefined))))
      .toBe('TestStack/Imported: attrs must be given as an object (AudienceModelAttributes), got undefined');
  });

  test('fails, naming role, when a dataset is imported with a role ARN and not a role', () => {
    expect(messageOf(() => TrainingDataset.fromTrainingDatasetAttributes(newStack(), 'Imported', { trainingDatasetArn: DATASET_ARN, role: js(ROLE_ARN) })))
      .toMatch(/^TestStack\/Imported: role must be an IAM role/);
  });
});

test('what TypeScript accepts still passes: Durations, Dates, RemovalPolicy, roles', () => {
  const stack = newStack();
  const role = iam.Role.fromRoleArn(stack, 'Role', ROLE_ARN, { mutable: false });
  const trainingDataset = dataset(stack, { role, removalPolicy: RemovalPolicy.RETAIN });
  new AudienceModel(stack, 'Model', {
    trainingDataset,
    timeout: Duration.hours(2),
    trainingDataStartTime: new Date('2024-01-01T00:00:00Z'),
    removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
  });

  expect(stack.node.tryFindChild('Model')).toBeDefined();
});
