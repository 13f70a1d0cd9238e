import { App, CfnParameter, Errors, Lazy, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CfnTrainingDataset } from 'aws-cdk-lib/aws-cleanroomsml';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AudienceModel,
  ColumnSchema,
  ColumnType,
  GlueTableSourceOptions,
  TrainingDataset,
  TrainingDatasetProps,
  TrainingDataSource,
} from '../../src';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';

const COLUMNS: ColumnSchema[] = [
  { columnName: 'user_id', columnType: ColumnType.USER_ID },
  { columnName: 'item_id', columnType: ColumnType.ITEM_ID },
  { columnName: 'event_time', columnType: ColumnType.TIMESTAMP },
  { columnName: 'category', columnType: ColumnType.CATEGORICAL_FEATURE },
  { columnName: 'price', columnType: ColumnType.NUMERICAL_FEATURE },
];

function newStack(env: boolean = true): Stack {
  return new Stack(new App(), 'TestStack', env ? { env: { account: ACCOUNT, region: REGION } } : undefined);
}

function glueTable(options: Partial<GlueTableSourceOptions> = {}): TrainingDataSource {
  return TrainingDataSource.fromGlueTable({ databaseName: 'sales', tableName: 'interactions', ...options });
}

function dataset(stack: Stack, props: Partial<TrainingDatasetProps> = {}): TrainingDataset {
  return new TrainingDataset(stack, 'Dataset', {
    trainingDatasetName: 'interactions',
    dataSource: glueTable(),
    columns: COLUMNS,
    ...props,
  });
}

/** `arn:${AWS::Partition}:<rest>` as CloudFormation renders it. */
function partitionArn(rest: string) {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] };
}

/** Every statement of every identity policy in the template. */
function policyStatements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
}

/**
 * The Glue statements of the user guide's training data role: read the
 * catalog, database, table and `default` database; create `default`.
 */
function glueStatements(database = 'sales', table = 'interactions', account = ACCOUNT) {
  const defaultDatabase = partitionArn(`:glue:${REGION}:${account}:database/default`);
  return [{
    Effect: 'Allow',
    Action: [
      'glue:GetDatabase',
      'glue:GetDatabases',
      'glue:GetTable',
      'glue:GetTables',
      'glue:GetPartition',
      'glue:GetPartitions',
      'glue:BatchGetPartition',
      'glue:GetUserDefinedFunctions',
    ],
    Resource: [
      partitionArn(`:glue:${REGION}:${account}:catalog`),
      partitionArn(`:glue:${REGION}:${account}:database/${database}`),
      defaultDatabase,
      partitionArn(`:glue:${REGION}:${account}:table/${database}/${table}`),
    ],
  }, {
    Effect: 'Allow',
    Action: 'glue:CreateDatabase',
    Resource: defaultDatabase,
  }];
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

describe('TrainingDataset', () => {
  test('renders the name, role, Glue table and schema of the dataset', () => {
    const stack = newStack();
    dataset(stack);

    Template.fromStack(stack).hasResourceProperties('AWS::CleanRoomsML::TrainingDataset', {
      Name: 'interactions',
      Description: Match.absent(),
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatasetRole'), 'Arn'] },
      TrainingData: [{
        Type: 'INTERACTIONS',
        InputConfig: {
          DataSource: { GlueDataSource: { DatabaseName: 'sales', TableName: 'interactions', CatalogId: Match.absent() } },
          Schema: [
            { ColumnName: 'user_id', ColumnTypes: ['USER_ID'] },
            { ColumnName: 'item_id', ColumnTypes: ['ITEM_ID'] },
            { ColumnName: 'event_time', ColumnTypes: ['TIMESTAMP'] },
            { ColumnName: 'category', ColumnTypes: ['CATEGORICAL_FEATURE'] },
            { ColumnName: 'price', ColumnTypes: ['NUMERICAL_FEATURE'] },
          ],
        },
      }],
    });
  });

  test('passes the description and the Glue catalog id when given', () => {
    const stack = newStack();
    dataset(stack, { description: 'Clicks of 2024', dataSource: glueTable({ catalogId: '444455556666' }) });

    Template.fromStack(stack).hasResourceProperties('AWS::CleanRoomsML::TrainingDataset', {
      Description: 'Clicks of 2024',
      TrainingData: [Match.objectLike({
        InputConfig: Match.objectLike({
          DataSource: { GlueDataSource: { CatalogId: '444455556666', DatabaseName: 'sales', TableName: 'interactions' } },
        }),
      })],
    });
  });

  test('exposes the ARN, id and name of the created dataset', () => {
    const stack = newStack();
    const created = dataset(stack);

    expect(stack.resolve(created.trainingDatasetArn)).toEqual({ 'Fn::GetAtt': ['DatasetB87AF082', 'TrainingDatasetArn'] });
    expect(stack.resolve(created.trainingDatasetId)).toEqual({
      'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::Select': [5, { 'Fn::Split': [':', { 'Fn::GetAtt': ['DatasetB87AF082', 'TrainingDatasetArn'] }] }] }] }],
    });
    expect(created.trainingDatasetName).toBe('interactions');
  });

  test('generates a stable name within 63 characters when none is given', () => {
    const names = [1, 2].map(() => {
      const stack = newStack();
      const deep = new TrainingDataset(stack, 'ADatasetWithAVeryLongConstructIdThatWouldNotFitIntoTheServiceNameLimit', {
        dataSource: glueTable(),
        columns: COLUMNS,
      });
      const rendered = Template.fromStack(stack).findResources('AWS::CleanRoomsML::TrainingDataset');
      const name = Object.values(rendered)[0].Properties.Name;
      expect(name).toBe(stack.resolve(deep.trainingDatasetName));
      return name as string;
    });

    expect(names[0]).toBe(names[1]);
    expect(names[0].length).toBeLessThanOrEqual(63);
    expect(names[0]).toMatch(/^TestStack-[A-Za-z0-9_-]+$/);
  });

  test('generates different names for different datasets', () => {
    const stack = newStack();
    const first = new TrainingDataset(stack, 'First', { dataSource: glueTable(), columns: COLUMNS });
    const second = new TrainingDataset(stack, 'Second', { dataSource: glueTable(), columns: COLUMNS });

    expect(stack.resolve(first.trainingDatasetName)).not.toBe(stack.resolve(second.trainingDatasetName));
  });

  describe('generated name', () => {
    /** The Name an unnamed dataset gets in the template, with the props `build` returns and `change` applied to it. */
    function generatedName(
      build: (stack: Stack) => Partial<TrainingDatasetProps> = () => ({}),
      change: (created: TrainingDataset) => void = () => {},
    ): string {
      const stack = newStack();
      const created = new TrainingDataset(stack, 'Dataset', { dataSource: glueTable(), columns: COLUMNS, ...build(stack) });
      change(created);
      const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::CleanRoomsML::TrainingDataset'));
      return resource.Properties.Name;
    }

    test('is the path-derived prefix and a hash of the create-only properties, within the service\'s name rules', () => {
      const name = generatedName();

      expect(name).toMatch(/^TestStack-Dataset-[0-9A-F]{8}-[0-9a-f]{8}$/);
      expect(name.length).toBeLessThanOrEqual(63);
      expect(generatedName()).toBe(name);
    });

    test('changes when the description, the role or the data changes, so the replacement does not collide with the old dataset', () => {
      const base = generatedName();
      const variants = {
        description: generatedName(() => ({ description: 'Purchases of 2024' })),
        role: generatedName((stack) => ({
          role: iam.Role.fromRoleArn(stack, 'Given', `arn:aws:iam::${ACCOUNT}:role/training-data`, { mutable: false }),
        })),
        table: generatedName(() => ({ dataSource: glueTable({ tableName: 'interactions_v2' }) })),
        catalog: generatedName(() => ({ dataSource: glueTable({ catalogId: '444455556666' }) })),
        columns: generatedName(() => ({ columns: COLUMNS.slice(0, 4) })),
      };

      for (const [changed, name] of Object.entries(variants)) {
        expect({ changed, name }).not.toEqual({ changed, name: base });
        expect(name).toMatch(/^TestStack-Dataset-[0-9A-F]{8}-[0-9a-f]{8}$/);
      }
      expect(new Set(Object.values(variants)).size).toBe(Object.keys(variants).length);
    });

    test('stays the same when only tags change (they change in place)', () => {
      const base = generatedName();

      expect(generatedName(undefined, (created) => Tags.of(created).add('team', 'growth'))).toBe(base);
    });

    test('follows a property set on the L1 resource after construction', () => {
      const base = generatedName();

      expect(generatedName(undefined, (created) => {
        (created.node.defaultChild as CfnTrainingDataset).description = 'set through the escape hatch';
      })).not.toBe(base);
    });

    test('is not used when a name is given: the given name pins the dataset', () => {
      const stack = newStack();
      dataset(stack, { trainingDatasetName: 'interactions', description: 'changed' });

      Template.fromStack(stack).hasResourceProperties('AWS::CleanRoomsML::TrainingDataset', { Name: 'interactions' });
    });

    test('makes an audience model trained on the dataset follow its replacement (its TrainingDatasetArn is the new dataset\'s)', () => {
      const stack = newStack();
      const trainingDataset = new TrainingDataset(stack, 'Dataset', { dataSource: glueTable(), columns: COLUMNS });
      new AudienceModel(stack, 'Model', { trainingDataset });

      Template.fromStack(stack).hasResourceProperties('Custom::CleanRoomsMLAudienceModel', {
        TrainingDatasetArn: { 'Fn::GetAtt': [stack.getLogicalId(trainingDataset.node.defaultChild as CfnTrainingDataset), 'TrainingDatasetArn'] },
      });
    });
  });

  describe('created role', () => {
    test('is trusted by Clean Rooms ML only for training datasets of this account and Region', () => {
      const stack = newStack();
      dataset(stack);

      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [{
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { Service: 'cleanrooms-ml.amazonaws.com' },
            Condition: {
              StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT },
              ArnLikeIfExists: { 'aws:SourceArn': partitionArn(`:cleanrooms-ml:${REGION}:${ACCOUNT}:training-dataset/*`) },
            },
          }],
        },
      });
    });

    test('uses the deploy-time account and Region in an environment-agnostic stack', () => {
      const stack = newStack(false);
      dataset(stack);

      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({
            Condition: {
              StringEqualsIfExists: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLikeIfExists: {
                'aws:SourceArn': {
                  'Fn::Join': ['', [
                    'arn:', { Ref: 'AWS::Partition' },
                    ':cleanrooms-ml:', { Ref: 'AWS::Region' },
                    ':', { Ref: 'AWS::AccountId' },
                    ':training-dataset/*',
                  ]],
                },
              },
            },
          })],
        },
      });
    });

    test('can read exactly the Glue catalog, database and table, and nothing in S3 without a bucket', () => {
      const stack = newStack();
      dataset(stack);

      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::IAM::Policy', 1);
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: glueStatements() },
        Roles: [{ Ref: Match.stringLikeRegexp('^DatasetRole') }],
      });
    });

    test('reads the Glue catalog of the given catalog id', () => {
      const stack = newStack();
      dataset(stack, { dataSource: glueTable({ catalogId: '444455556666' }) });

      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: glueStatements('sales', 'interactions', '444455556666') },
      });
    });

    test('can list the bucket and read the objects under the prefix', () => {
      const stack = newStack();
      const bucket = s3.Bucket.fromBucketName(stack, 'Bucket', 'training-data');
      dataset(stack, { dataSource: glueTable({ bucket, prefix: 'interactions/' }) });

      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [
            ...glueStatements(),
            { Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: partitionArn(':s3:::training-data') },
            { Effect: 'Allow', Action: 's3:GetObject', Resource: partitionArn(':s3:::training-data/interactions/*') },
          ],
        },
      });
    });

    test('can read every object of the bucket when no prefix is given', () => {
      const stack = newStack();
      const bucket = new s3.Bucket(stack, 'Bucket');
      dataset(stack, { dataSource: glueTable({ bucket }) });

      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([{
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Bucket'), 'Arn'] }, '/*']] },
          }]),
        },
      });
    });

    test('can decrypt with the encryption key, and only when one is given', () => {
      const withKey = newStack();
      const key = new kms.Key(withKey, 'Key');
      dataset(withKey, { dataSource: glueTable({ encryptionKey: key }) });
      const withoutKey = newStack();
      dataset(withoutKey);

      Template.fromStack(withKey).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [
            ...glueStatements(),
            { Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
          ],
        },
      });
      const actions = policyStatements(Template.fromStack(withoutKey)).flatMap((statement) => [statement.Action].flat());
      expect(actions.filter((action: string) => action.startsWith('kms:') || action.startsWith('s3:'))).toEqual([]);
    });

    test('has no statement on all resources and no wildcard action', () => {
      const stack = newStack();
      const bucket = s3.Bucket.fromBucketName(stack, 'Bucket', 'training-data');
      const key = kms.Key.fromKeyArn(stack, 'Key', `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
      dataset(stack, { dataSource: glueTable({ bucket, prefix: 'p/', encryptionKey: key }) });

      const statements = policyStatements(Template.fromStack(stack));
      expect(statements).toHaveLength(5);
      for (const statement of statements) {
        expect([statement.Resource].flat()).not.toContain('*');
        expect([statement.Action].flat().some((action: string) => action.endsWith('*'))).toBe(false);
      }
    });

    test('is created before the dataset, with its policy', () => {
      const stack = newStack();
      dataset(stack);

      const template = Template.fromStack(stack);
      const [policyId] = Object.keys(template.findResources('AWS::IAM::Policy'));
      template.hasResource('AWS::CleanRoomsML::TrainingDataset', { DependsOn: Match.arrayWith([policyId]) });
    });
  });

  describe('given role', () => {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/training-data-reader`;

    test('is used and no role is created', () => {
      const stack = newStack();
      const role = iam.Role.fromRoleArn(stack, 'Role', roleArn, { mutable: false });
      const created = dataset(stack, { role });

      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::IAM::Role', 0);
      template.resourceCountIs('AWS::IAM::Policy', 0);
      template.hasResourceProperties('AWS::CleanRoomsML::TrainingDataset', { RoleArn: roleArn });
      expect(created.role).toBe(role);
    });

    test('is granted read access when it is mutable, and the dataset waits for that grant', () => {
      const stack = newStack();
      const role = iam.Role.fromRoleArn(stack, 'Role', roleArn);
      dataset(stack, { role });

      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::IAM::Role', 0);
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: glueStatements() },
        Roles: ['training-data-reader'],
      });
      const [policyId] = Object.keys(template.findResources('AWS::IAM::Policy'));
      template.hasResource('AWS::CleanRoomsML::TrainingDataset', { DependsOn: [policyId] });
    });
  });

  test('Tags.of() tags the dataset', () => {
    const stack = newStack();
    const created = dataset(stack);
    Tags.of(created).add('team', 'marketing');
    Tags.of(stack).add('stage', 'prod');

    Template.fromStack(stack).hasResourceProperties('AWS::CleanRoomsML::TrainingDataset', {
      Tags: Match.arrayEquals([{ Key: 'stage', Value: 'prod' }, { Key: 'team', Value: 'marketing' }]),
    });
  });

  test('is deleted with the stack by default', () => {
    const stack = newStack();
    dataset(stack);

    Template.fromStack(stack).hasResource('AWS::CleanRoomsML::TrainingDataset', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });

  test('is retained when the removal policy says so', () => {
    const stack = newStack();
    dataset(stack, { removalPolicy: RemovalPolicy.RETAIN });

    Template.fromStack(stack).hasResource('AWS::CleanRoomsML::TrainingDataset', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('grantRead lets a principal describe this dataset only', () => {
    const stack = newStack();
    const created = dataset(stack);
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    created.grantRead(reader);

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Reader') }],
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'cleanrooms-ml:GetTrainingDataset',
          Resource: { 'Fn::GetAtt': ['DatasetB87AF082', 'TrainingDatasetArn'] },
        }],
      },
    });
  });

  test('grant allows the given actions on this dataset', () => {
    const stack = newStack();
    const created = dataset(stack);
    const user = new iam.User(stack, 'User');
    created.grant(user, 'cleanrooms-ml:GetTrainingDataset', 'cleanrooms-ml:DeleteTrainingDataset');

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Users: [{ Ref: Match.stringLikeRegexp('^User') }],
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: ['cleanrooms-ml:GetTrainingDataset', 'cleanrooms-ml:DeleteTrainingDataset'],
          Resource: { 'Fn::GetAtt': ['DatasetB87AF082', 'TrainingDatasetArn'] },
        }],
      },
    });
  });

  test('skips validation of values known only at deploy time', () => {
    const stack = newStack();
    const text = (id: string) => new CfnParameter(stack, id).valueAsString;
    new TrainingDataset(stack, 'Dataset', {
      trainingDatasetName: text('Name'),
      description: Lazy.string({ produce: () => 'x'.repeat(300) }),
      dataSource: TrainingDataSource.fromGlueTable({
        databaseName: text('Database'),
        tableName: text('Table'),
        catalogId: text('Catalog'),
      }),
      columns: [
        { columnName: text('UserColumn'), columnType: ColumnType.USER_ID },
        { columnName: text('ItemColumn'), columnType: ColumnType.ITEM_ID },
        { columnName: text('TimeColumn'), columnType: ColumnType.TIMESTAMP },
      ],
      role: iam.Role.fromRoleArn(stack, 'Role', text('RoleArn')),
    });

    Template.fromStack(stack).hasResourceProperties('AWS::CleanRoomsML::TrainingDataset', {
      Name: { Ref: 'Name' },
      RoleArn: { Ref: 'RoleArn' },
    });
  });

  describe('import', () => {
    const arn = `arn:aws:cleanrooms-ml:${REGION}:444455556666:training-dataset/ds-0123456789abcdef`;

    test('fromTrainingDatasetArn takes the id, account and Region from the ARN', () => {
      const stack = newStack();
      const imported = TrainingDataset.fromTrainingDatasetArn(stack, 'Imported', arn);

      expect(imported.trainingDatasetArn).toBe(arn);
      expect(imported.trainingDatasetId).toBe('ds-0123456789abcdef');
      expect(imported.trainingDatasetName).toBeUndefined();
      expect(imported.role).toBeUndefined();
      expect(imported.env).toEqual({ account: '444455556666', region: REGION });
    });

    test('fromTrainingDatasetAttributes keeps the name and role', () => {
      const stack = newStack();
      const role = iam.Role.fromRoleArn(stack, 'Role', `arn:aws:iam::${ACCOUNT}:role/reader`);
      const imported = TrainingDataset.fromTrainingDatasetAttributes(stack, 'Imported', {
        trainingDatasetArn: arn,
        trainingDatasetName: 'interactions',
        role,
      });

      expect(imported.trainingDatasetName).toBe('interactions');
      expect(imported.role).toBe(role);
    });

    test('accepts an ARN known only at deploy time', () => {
      const stack = newStack();
      const imported = TrainingDataset.fromTrainingDatasetArn(stack, 'Imported', new CfnParameter(stack, 'Arn').valueAsString);

      expect(stack.resolve(imported.trainingDatasetId)).toEqual({
        'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::Select': [5, { 'Fn::Split': [':', { Ref: 'Arn' }] }] }] }],
      });
    });

    test('an imported dataset can be granted on', () => {
      const stack = newStack();
      const imported = TrainingDataset.fromTrainingDatasetArn(stack, 'Imported', arn);
      const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
      imported.grantRead(reader);

      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'cleanrooms-ml:GetTrainingDataset', Resource: arn }] },
      });
    });

    test.each([
      ['an audience model ARN', `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT}:audience-model/abc`],
      ['an ARN of another service', `arn:aws:cleanrooms:${REGION}:${ACCOUNT}:training-dataset/abc`],
      ['an ARN without an id', `arn:aws:cleanrooms-ml:${REGION}:${ACCOUNT}:training-dataset`],
      ['something that is not an ARN', 'training-dataset/abc'],
    ])('fails to import %s', (_what, badArn) => {
      const stack = newStack();
      const error = validationErrorOf(() => TrainingDataset.fromTrainingDatasetArn(stack, 'Imported', badArn));

      expect(error.message).toBe(
        'TestStack/Imported: trainingDatasetArn must be a training dataset ARN '
        + `(arn:<partition>:cleanrooms-ml:<region>:<account>:training-dataset/<id>), got ${JSON.stringify(badArn)}`,
      );
    });
  });

  describe('validation', () => {
    const column = (columnName: string, columnType: ColumnType): ColumnSchema => ({ columnName, columnType });
    const features = (count: number) => Array.from({ length: count }, (_, i) => column(`feature_${i}`, ColumnType.NUMERICAL_FEATURE));
    const required = [column('user_id', ColumnType.USER_ID), column('item_id', ColumnType.ITEM_ID), column('event_time', ColumnType.TIMESTAMP)];

    test('reports the construct path, the field, the rule and the value', () => {
      const stack = newStack();
      const error = validationErrorOf(() => dataset(stack, { trainingDatasetName: '   ' }));

      expect(error.message).toBe('TestStack/Dataset: trainingDatasetName must not be only white space, got "   "');
    });

    // [test name, props, field named in the message, rest of the message]
    const importedRole = (arn: string) => iam.Role.fromRoleArn(new Stack(), 'Role', arn, { mutable: false });

    const cases: Array<[string, () => Partial<TrainingDatasetProps>, string, RegExp]> = [
      ['fails when the name is longer than 63 characters', () => ({ trainingDatasetName: 'n'.repeat(64) }),
        'trainingDatasetName', /must be 1–63 characters, got "n+" \(64 characters\)/],
      ['fails when the name is empty', () => ({ trainingDatasetName: '' }),
        'trainingDatasetName', /must be 1–63 characters, got "" \(0 characters\)/],
      ['fails when the name is only white space', () => ({ trainingDatasetName: ' \t ' }),
        'trainingDatasetName', /must not be only white space/],
      ['fails when the name has a control character', () => ({ trainingDatasetName: 'data\nset' }),
        'trainingDatasetName', /must contain only printable characters and tabs, got "data\\nset"/],
      ['fails when the description is longer than 255 characters', () => ({ description: 'd'.repeat(256) }),
        'description', /must be 0–255 characters, got "d{64}"… \(256 characters\)/],
      ['fails when the description has a control character', () => ({ description: 'bell\u0007' }),
        'description', /must contain only printable characters, tabs and line breaks/],
      ['fails when there are no columns', () => ({ columns: [] }),
        'columns', /must have 1–100 entries, got 0$/],
      ['fails when there are more than 100 columns', () => ({ columns: [...required, ...features(98)] }),
        'columns', /must have 1–100 entries, got 101$/],
      ['fails when a column name is longer than 128 characters', () => ({ columns: [...required, column('c'.repeat(129), ColumnType.NUMERICAL_FEATURE)] }),
        'columns[3].columnName', /must be 1–128 characters/],
      ['fails when a column name is empty', () => ({ columns: [...required, column('', ColumnType.NUMERICAL_FEATURE)] }),
        'columns[3].columnName', /must be 1–128 characters, got "" \(0 characters\)/],
      ['fails when a column name breaks the pattern', () => ({ columns: [...required, column('price-', ColumnType.NUMERICAL_FEATURE)] }),
        'columns[3].columnName', /must match \^\[a-zA-Z0-9_\].*, got "price-"/],
      ['fails when a column type is unknown', () => ({ columns: [...required, column('price', 'PRICE' as ColumnType)] }),
        'columns[3].columnType', /must be one of USER_ID, ITEM_ID, TIMESTAMP, CATEGORICAL_FEATURE, NUMERICAL_FEATURE, got "PRICE"/],
      ['fails when two columns have the same name', () => ({ columns: [...required, column('user_id', ColumnType.CATEGORICAL_FEATURE)] }),
        'columns', /must have unique column names .*, got "user_id" twice/],
      ['fails when two column names differ only in case', () => ({ columns: [...required, column('User_ID', ColumnType.CATEGORICAL_FEATURE)] }),
        'columns', /must have unique column names \(compared case-insensitively, as Glue does\), got "user_id" and "User_ID"/],
      ['fails when there is no USER_ID column', () => ({ columns: required.slice(1) }),
        'columns', /must have exactly one USER_ID column, got none/],
      ['fails when there are two ITEM_ID columns', () => ({ columns: [...required, column('other_item', ColumnType.ITEM_ID)] }),
        'columns', /must have exactly one ITEM_ID column, got 2 \("item_id", "other_item"\)/],
      ['fails when there is no TIMESTAMP column', () => ({ columns: required.slice(0, 2) }),
        'columns', /must have exactly one TIMESTAMP column, got none/],
      ['fails when there are more than 10 feature columns', () => ({ columns: [...required, ...features(11)] }),
        'columns', /must have at most 10 feature columns \(CATEGORICAL_FEATURE or NUMERICAL_FEATURE\), got 11/],
      ['fails when the Glue table name is longer than 128 characters', () => ({ dataSource: glueTable({ tableName: 't'.repeat(129) }) }),
        'dataSource.tableName', /must be 1–128 characters/],
      ['fails when the Glue table name breaks the pattern', () => ({ dataSource: glueTable({ tableName: 'clicks--2024' }) }),
        'dataSource.tableName', /must match .*, got "clicks--2024"/],
      ['fails when the Glue database name is empty', () => ({ dataSource: glueTable({ databaseName: '' }) }),
        'dataSource.databaseName', /must be 1–128 characters/],
      ['fails when the Glue database name breaks the pattern', () => ({ dataSource: glueTable({ databaseName: 'sales data' }) }),
        'dataSource.databaseName', /must match .*, got "sales data"/],
      ['fails when the Glue catalog id is not 12 digits', () => ({ dataSource: glueTable({ catalogId: '12345' }) }),
        'dataSource.catalogId', /must be 12 digits, got "12345"/],
      ['fails when a prefix is given without a bucket', () => ({ dataSource: glueTable({ prefix: 'interactions/' }) }),
        'dataSource.prefix', /must be given only with dataSource.bucket, got "interactions\/"/],
      ['fails when the role ARN is not an IAM role ARN', () => ({ role: importedRole(`arn:aws:iam::${ACCOUNT}:user/alice`) }),
        'role', /must match .*, got "arn:aws:iam::111122223333:user\/alice"/],
      ['fails when the role is in another account', () => ({ role: importedRole('arn:aws:iam::999988887777:role/reader') }),
        'role', /must be in the stack's account \(111122223333\), got "arn:aws:iam::999988887777:role\/reader"/],
    ];

    test.each(cases)('%s', (_name, props, field, rest) => {
      const stack = newStack();
      const error = validationErrorOf(() => dataset(stack, props()));

      expect(error.message.startsWith(`TestStack/Dataset: ${field} must `)).toBe(true);
      expect(error.message).toMatch(rest);
    });
  });
});
