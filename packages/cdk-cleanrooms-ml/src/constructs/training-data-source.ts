import { Stack } from 'aws-cdk-lib';
import { CfnTrainingDataset } from 'aws-cdk-lib/aws-cleanroomsml';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BUCKET, checkKind, checkRequired, KMS_KEY, objectKind, STRING } from './private/input-types';
import { ACCOUNT_ID_RULES, validateString, validationError, describeValue } from './private/validation';

/**
 * Where a Glue table of training data lives, and what reading it takes.
 */
export interface GlueTableSourceOptions {
  /**
   * The Glue database that holds the table.
   *
   * 1–128 characters: letters, digits and `_`, with single `-` between them.
   */
  readonly databaseName: string;

  /**
   * The Glue table of interactions.
   *
   * 1–128 characters: letters, digits, `_` and spaces, with single `-`
   * between them.
   */
  readonly tableName: string;

  /**
   * The Glue Data Catalog (account id) that holds the database.
   *
   * @default - the stack's account
   */
  readonly catalogId?: string;

  /**
   * The S3 bucket that holds the table's data. When given, the dataset's role
   * may list the bucket and read the objects under `prefix`.
   *
   * @default - no S3 permissions are granted (the role must already be able
   * to read the table's data)
   */
  readonly bucket?: s3.IBucket;

  /**
   * The key prefix of the table's data in `bucket` (e.g. `interactions/`).
   * Only objects under it can be read. Requires `bucket`.
   *
   * @default - every object in the bucket
   */
  readonly prefix?: string;

  /**
   * The KMS key that encrypts the table's data. When given, the dataset's role
   * may decrypt with it.
   *
   * @default - no KMS permissions are granted (the data is not encrypted with
   * a customer managed key)
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * What a training data source contributes to a training dataset.
 */
export interface TrainingDataSourceConfig {
  /**
   * The `dataSource` of the dataset's input configuration.
   */
  readonly dataSource: CfnTrainingDataset.DataSourceProperty;
}

/**
 * The data a training dataset points to.
 *
 * Clean Rooms ML reads training data from a table in the AWS Glue Data
 * Catalog, in the same Region as the dataset.
 */
export abstract class TrainingDataSource {
  /**
   * Training data in an AWS Glue table (Parquet, CSV or JSON files in S3).
   */
  public static fromGlueTable(options: GlueTableSourceOptions): TrainingDataSource {
    return new GlueTableSource(options);
  }

  /**
   * Validates the source and renders it for a training dataset defined in
   * `scope`. Called by `TrainingDataset`.
   */
  public abstract bind(scope: Construct): TrainingDataSourceConfig;

  /**
   * Grants `grantee` what Clean Rooms ML needs to read the data: the Glue
   * catalog, database and table, the objects in S3 and the KMS key, as far as
   * they are known.
   *
   * @param scope a construct in the stack whose account and Region the data is in
   * @param grantee the role Clean Rooms ML assumes to read the data
   */
  public abstract grantRead(scope: Construct, grantee: iam.IGrantable): iam.Grant;
}

// Glue name patterns of the Clean Rooms ML API (GlueDataSource).
const GLUE_TABLE_NAME = /^[a-zA-Z0-9_](([a-zA-Z0-9_ ]+-)*([a-zA-Z0-9_ ]+))?$/;
const GLUE_DATABASE_NAME = /^[a-zA-Z0-9_](([a-zA-Z0-9_]+-)*([a-zA-Z0-9_]+))?$/;

// The training data role of the Clean Rooms ML user guide
// (https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-roles.html#ml-create-role-training):
// Glue read actions on the catalog, the database, the table and the
// `default` database, glue:CreateDatabase on `default` (which the service
// creates when the catalog has none), S3 list and read, KMS decrypt.

/** Glue read actions of the user guide's training data role. */
const GLUE_READ_ACTIONS = [
  'glue:GetDatabase',
  'glue:GetDatabases',
  'glue:GetTable',
  'glue:GetTables',
  'glue:GetPartition',
  'glue:GetPartitions',
  'glue:BatchGetPartition',
  'glue:GetUserDefinedFunctions',
];

class GlueTableSource extends TrainingDataSource {
  constructor(private readonly options: GlueTableSourceOptions) {
    super();
  }

  public bind(scope: Construct): TrainingDataSourceConfig {
    checkRequired(scope, 'dataSource', this.options, objectKind('GlueTableSourceOptions'));
    const { databaseName, tableName, catalogId, prefix } = this.options;
    checkRequired(scope, 'dataSource.databaseName', databaseName, STRING);
    checkRequired(scope, 'dataSource.tableName', tableName, STRING);
    checkKind(scope, 'dataSource.bucket', this.options.bucket, BUCKET);
    checkKind(scope, 'dataSource.encryptionKey', this.options.encryptionKey, KMS_KEY);
    validateString(scope, 'dataSource.prefix', prefix, {});
    validateString(scope, 'dataSource.databaseName', databaseName, { minLength: 1, maxLength: 128, pattern: GLUE_DATABASE_NAME });
    validateString(scope, 'dataSource.tableName', tableName, { minLength: 1, maxLength: 128, pattern: GLUE_TABLE_NAME });
    validateString(scope, 'dataSource.catalogId', catalogId, ACCOUNT_ID_RULES);
    if (prefix !== undefined && this.options.bucket === undefined) {
      throw validationError(scope, 'dataSource.prefix', 'be given only with dataSource.bucket', describeValue(prefix));
    }
    return {
      dataSource: {
        glueDataSource: { catalogId, databaseName, tableName },
      },
    };
  }

  public grantRead(scope: Construct, grantee: iam.IGrantable): iam.Grant {
    const { databaseName, tableName, bucket, prefix, encryptionKey } = this.options;
    const stack = Stack.of(scope);
    const account = this.options.catalogId ?? stack.account;
    const glueArn = (resource: string, resourceName?: string) =>
      stack.formatArn({ service: 'glue', account, resource, resourceName });

    // Glue resolves a table through its catalog and database; Athena-style
    // readers also look up the `default` database.
    let grant = iam.Grant.addToPrincipal({
      grantee,
      actions: GLUE_READ_ACTIONS,
      resourceArns: [
        glueArn('catalog'),
        glueArn('database', databaseName),
        glueArn('database', 'default'),
        glueArn('table', `${databaseName}/${tableName}`),
      ],
    });
    grant = grant.combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['glue:CreateDatabase'],
      resourceArns: [glueArn('database', 'default')],
    }));

    if (bucket) {
      grant = grant.combine(iam.Grant.addToPrincipal({
        grantee,
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resourceArns: [bucket.bucketArn],
      }));
      grant = grant.combine(iam.Grant.addToPrincipal({
        grantee,
        actions: ['s3:GetObject'],
        resourceArns: [bucket.arnForObjects(`${prefix ?? ''}*`)],
      }));
    }

    if (encryptionKey) {
      grant = grant.combine(iam.Grant.addToPrincipal({
        grantee,
        actions: ['kms:Decrypt'],
        resourceArns: [encryptionKey.keyArn],
      }));
    }
    return grant;
  }
}
