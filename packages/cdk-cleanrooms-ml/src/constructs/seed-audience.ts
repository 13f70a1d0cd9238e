import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { BUCKET, checkKind, checkRequired, enumKind, KMS_KEY, NUMBER, objectKind, SECRET, STRING } from './private/input-types';
import { describeValue, S3_URI_RULES, validateCount, validateNumber, validateString, validationError } from './private/validation';

/**
 * Options of a seed audience read from S3.
 */
export interface S3SeedAudienceOptions {
  /**
   * The KMS key the seed object is encrypted with. The seed role may decrypt
   * with it (`kms:Decrypt`, `kms:DescribeKey`).
   *
   * @default - the bucket's `encryptionKey` if it has one; otherwise no KMS
   * permissions are granted
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * The size of the workers that run a SQL seed's query, from smallest to
 * largest (the service's `WorkerComputeType`).
 */
export enum WorkerComputeType {
  /** CR.1X workers. */
  CR_1X = 'CR.1X',
  /** CR.4X workers. */
  CR_4X = 'CR.4X',
  /** CR.8X workers. */
  CR_8X = 'CR.8X',
}

/**
 * The compute that runs a SQL seed's protected query (the API's
 * `seedAudience.sqlComputeConfiguration`), as the Clean Rooms console's
 * "Worker type" and "Number of workers" when you create a lookalike segment
 * from a SQL query or an analysis template. Every member is optional: what
 * is left out is the service's default.
 *
 * Clean Rooms ML's API takes 2–1024 workers of type CR.1X, CR.4X or CR.8X
 * and up to 50 Spark properties (keys of 1–200 characters, values of at most
 * 500). AWS Clean Rooms documents at most 400 workers for a SQL query, which
 * the service may enforce when the query runs.
 *
 * @see https://docs.aws.amazon.com/cleanrooms-ml/latest/APIReference/API_AudienceGenerationJobDataSource.html
 * @see https://docs.aws.amazon.com/cleanrooms-ml/latest/APIReference/API_WorkerComputeConfiguration.html
 * @see https://docs.aws.amazon.com/clean-rooms/latest/userguide/create-ml-segment-create.html
 * @see https://docs.aws.amazon.com/clean-rooms/latest/apireference/API_WorkerComputeConfiguration.html
 */
export interface SqlComputeConfiguration {
  /**
   * The workers' type.
   *
   * @default - the service's default worker type
   */
  readonly workerType?: WorkerComputeType;

  /**
   * How many workers run the query: 2–1024.
   *
   * @default - the service's default number of workers
   */
  readonly numberOfWorkers?: number;

  /**
   * Apache Spark properties of the query's engine, e.g.
   * `{ 'spark.sql.shuffle.partitions': '400' }`: at most 50, keys of 1–200
   * characters, values of at most 500.
   *
   * @default - none
   */
  readonly sparkProperties?: { [key: string]: string };
}

/**
 * A seed audience produced by a Clean Rooms protected SQL query.
 *
 * Clean Rooms ML marks the query's parameters as sensitive, and the
 * CloudFormation custom resource framework logs every property it receives,
 * so parameter values never go into the template: they are kept in a Secrets
 * Manager secret, which the deployment reads when it starts the job (the
 * stack's custom resource handler is allowed `secretsmanager:GetSecretValue`
 * on that secret only, and `kms:Decrypt` on its key through Secrets Manager).
 *
 * Give exactly one of `queryString`, `queryStringSecret` and
 * `analysisTemplateArn`.
 */
export interface SqlSeedAudienceOptions {
  /**
   * The ARN of your membership in the collaboration, which runs the query:
   * `arn:<partition>:cleanrooms:<region>:<account>:membership/<id>`. The seed
   * role may start, read and update protected queries of this membership.
   */
  readonly membershipArn: string;

  /**
   * The SQL query that selects the seed users. It is written in the template
   * (and so appears in the custom resource framework's logs): use
   * `queryStringSecret` when the query itself is confidential (for instance
   * when it holds literal user ids).
   *
   * @default - the query comes from `queryStringSecret` or `analysisTemplateArn`
   */
  readonly queryString?: string;

  /**
   * A Secrets Manager secret whose value (SecretString) is the SQL query, for
   * a query that must stay out of the template and the logs.
   *
   * @default - the query comes from `queryString` or `analysisTemplateArn`
   */
  readonly queryStringSecret?: secretsmanager.ISecret;

  /**
   * The ARN of the analysis template whose query selects the seed users:
   * `arn:<partition>:cleanrooms:<region>:<account>:membership/<id>/analysistemplate/<id>`.
   *
   * @default - the query comes from `queryString` or `queryStringSecret`
   */
  readonly analysisTemplateArn?: string;

  /**
   * A Secrets Manager secret whose value is a JSON object of the query's
   * parameters: `{"min_purchase_date": "2024-01-01", "segment": "gold"}`
   * (names of 1–100 letters, digits and `_`; values of at most 1,000
   * characters). Changing the secret's value does not start a new job:
   * change the job (or the secret) to generate again.
   *
   * @default - no parameters
   */
  readonly parameters?: secretsmanager.ISecret;

  /**
   * The compute that runs the query: worker type, number of workers and
   * Spark properties. Changing it starts a new job, as any change of the
   * seed does.
   *
   * @default - the service's default compute
   */
  readonly computeConfiguration?: SqlComputeConfiguration;
}

/**
 * What the seed audience is bound with.
 */
export interface SeedAudienceBindOptions {
  /**
   * The collaboration the audience generation job runs in (required for a
   * SQL seed, whose query runs in the collaboration).
   *
   * @default - none
   */
  readonly collaborationId?: string;
}

/**
 * A SQL seed as the audience generation job passes it on.
 */
export interface SqlSeedAudienceConfig {
  /** The membership that runs the query. */
  readonly membershipArn: string;
  /**
   * The query, written in the template.
   *
   * @default - none
   */
  readonly queryString?: string;
  /**
   * A secret holding the query.
   *
   * @default - none
   */
  readonly queryStringSecret?: secretsmanager.ISecret;
  /**
   * The analysis template whose query runs.
   *
   * @default - none
   */
  readonly analysisTemplateArn?: string;
  /**
   * A secret holding the query's parameters as a JSON object.
   *
   * @default - none
   */
  readonly parametersSecret?: secretsmanager.ISecret;
  /**
   * The compute that runs the query.
   *
   * @default - the service's default compute
   */
  readonly computeConfiguration?: SqlComputeConfiguration;
}

/**
 * What a seed audience contributes to an audience generation job: exactly
 * one of an S3 location and a SQL query.
 */
export interface SeedAudienceConfig {
  /**
   * `s3://<bucket>/<key>` of the seed data.
   *
   * @default - not an S3 seed
   */
  readonly s3Uri?: string;
  /**
   * The SQL query that produces the seed.
   *
   * @default - not a SQL seed
   */
  readonly sql?: SqlSeedAudienceConfig;
}

/**
 * The seed audience of an audience generation job: the users Clean Rooms ML
 * finds lookalikes of — 25 to 500,000 unique user ids, at least the
 * configured audience model's minimum matching seed size.
 */
export abstract class SeedAudience {
  /**
   * Seed users in an S3 object (or, with a key ending in `/`, the objects
   * under a prefix). The seed role may list the bucket and read the object.
   *
   * @param bucket the bucket that holds the seed
   * @param key the object key (e.g. `seeds/buyers.csv`), or a prefix ending in `/`
   * @param options the encryption key, if any
   */
  public static fromS3(bucket: s3.IBucket, key: string, options: S3SeedAudienceOptions = {}): SeedAudience {
    return new S3SeedAudience(bucket, key, options);
  }

  /**
   * Seed users selected by a Clean Rooms protected SQL query, with its
   * parameters kept in Secrets Manager. The audience generation job must
   * name its `collaborationId`.
   *
   * @param options the query, its parameters and the membership that runs it
   */
  public static fromSql(options: SqlSeedAudienceOptions): SeedAudience {
    return new SqlSeedAudience(options);
  }

  /**
   * Validates the seed and renders it for an audience generation job defined
   * in `scope`. Called by `AudienceGenerationJob`.
   *
   * @param scope the audience generation job
   * @param options what the job knows that the seed needs
   */
  public abstract bind(scope: Construct, options?: SeedAudienceBindOptions): SeedAudienceConfig;

  /**
   * Grants `grantee` what Clean Rooms ML needs to read the seed: the S3
   * object and its key, or the protected query's permissions on the
   * membership and the collaboration.
   *
   * @param scope a construct in the stack of the audience generation job
   * @param grantee the seed role
   * @param options what the job knows that the seed needs
   */
  public abstract grantRead(scope: Construct, grantee: iam.IGrantable, options?: SeedAudienceBindOptions): iam.Grant;
}

/** The longest S3 object key. */
const MAX_S3_KEY_LENGTH = 1024;

class S3SeedAudience extends SeedAudience {
  constructor(private readonly bucket: s3.IBucket, private readonly key: string, private readonly options: S3SeedAudienceOptions) {
    super();
  }

  public bind(scope: Construct): SeedAudienceConfig {
    checkRequired(scope, 'seedAudience bucket', this.bucket, BUCKET);
    checkRequired(scope, 'seedAudience key', this.key, STRING);
    checkRequired(scope, 'seedAudience options', this.options, objectKind('S3SeedAudienceOptions'));
    checkKind(scope, 'seedAudience encryptionKey', this.options.encryptionKey, KMS_KEY);
    validateString(scope, 'seedAudience key', this.key, { minLength: 1, maxLength: MAX_S3_KEY_LENGTH });
    if (!Token.isUnresolved(this.key) && this.key.startsWith('/')) {
      throw validationError(scope, 'seedAudience key', 'not start with "/" (it is an object key, e.g. "seeds/buyers.csv")', describeValue(this.key));
    }
    const s3Uri = `s3://${this.bucket.bucketName}/${this.key}`;
    validateString(scope, 'seedAudience S3 URI', s3Uri, S3_URI_RULES);
    return { s3Uri };
  }

  public grantRead(_scope: Construct, grantee: iam.IGrantable): iam.Grant {
    const objects = !Token.isUnresolved(this.key) && this.key.endsWith('/') ? `${this.key}*` : this.key;
    let grant = iam.Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] });
    grant = grant.combine(iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [this.bucket.arnForObjects(objects)] }));
    const key = this.options.encryptionKey ?? this.bucket.encryptionKey;
    if (key) {
      grant = grant.combine(iam.Grant.addToPrincipal({ grantee, actions: ['kms:Decrypt', 'kms:DescribeKey'], resourceArns: [key.keyArn] }));
    }
    return grant;
  }
}

/** A membership of Clean Rooms (ids are UUIDs; the pattern allows the service's identifier characters). */
const MEMBERSHIP_ARN = /^arn:aws[-a-z]*:cleanrooms:[-a-z0-9]+:[0-9]{12}:membership\/[\w-]+$/;

/** The service model's analysis template ARN pattern (cleanroomsml ProtectedQuerySQLParameters), at most 200 characters. */
const ANALYSIS_TEMPLATE_ARN = /^arn:aws[-a-z]*:cleanrooms:[\w]{2}-[\w]{4,9}-[\d]:[\d]{12}:membership\/[\d\w-]+\/analysistemplate\/[\d\w-]+$/;

/** The service's longest seed query. */
const MAX_QUERY_LENGTH = 500_000;

class SqlSeedAudience extends SeedAudience {
  constructor(private readonly options: SqlSeedAudienceOptions) {
    super();
  }

  public bind(scope: Construct, options: SeedAudienceBindOptions = {}): SeedAudienceConfig {
    checkRequired(scope, 'seedAudience', this.options, objectKind('SqlSeedAudienceOptions'));
    checkRequired(scope, 'seedAudience membershipArn', this.options.membershipArn, STRING);
    checkKind(scope, 'seedAudience queryStringSecret', this.options.queryStringSecret, SECRET);
    checkKind(scope, 'seedAudience parameters', this.options.parameters, SECRET);
    const { membershipArn, queryString, queryStringSecret, analysisTemplateArn, parameters } = this.options;
    validateString(scope, 'seedAudience membershipArn', membershipArn, {
      pattern: MEMBERSHIP_ARN,
      patternRule: 'be a Clean Rooms membership ARN (arn:<partition>:cleanrooms:<region>:<account>:membership/<id>)',
    });
    const sources = [
      ['queryString', queryString],
      ['queryStringSecret', queryStringSecret],
      ['analysisTemplateArn', analysisTemplateArn],
    ].filter(([, value]) => value !== undefined).map(([name]) => name as string);
    if (sources.length !== 1) {
      throw validationError(
        scope,
        'seedAudience',
        'give exactly one of queryString, queryStringSecret and analysisTemplateArn',
        sources.length === 0 ? 'none' : sources.join(', '),
      );
    }
    validateString(scope, 'seedAudience queryString', queryString, { minLength: 1, maxLength: MAX_QUERY_LENGTH });
    validateString(scope, 'seedAudience analysisTemplateArn', analysisTemplateArn, {
      maxLength: 200,
      pattern: ANALYSIS_TEMPLATE_ARN,
      patternRule: 'be a Clean Rooms analysis template ARN (arn:<partition>:cleanrooms:<region>:<account>:membership/<id>/analysistemplate/<id>)',
    });
    if (options.collaborationId === undefined) {
      throw validationError(scope, 'collaborationId', 'be given with a SQL seed audience (its protected query runs in the collaboration)', 'undefined');
    }
    const computeConfiguration = this.options.computeConfiguration;
    validateComputeConfiguration(scope, computeConfiguration);
    return {
      sql: { membershipArn, queryString, queryStringSecret, analysisTemplateArn, parametersSecret: parameters, computeConfiguration },
    };
  }

  public grantRead(scope: Construct, grantee: iam.IGrantable, options: SeedAudienceBindOptions = {}): iam.Grant {
    const { membershipArn, analysisTemplateArn } = this.options;
    // Collaborations, and the tables and templates of the other members, live
    // in other accounts of the job's Region: their account is not known here.
    const cleanRoomsArn = (resource: string) => cleanRoomsArnInRegion(scope, resource);
    const collaboration = cleanRoomsArn(`collaboration/${options.collaborationId ?? '*'}`);
    const tableAssociations = cleanRoomsArn('membership/*/configuredtableassociation/*');
    const templates = analysisTemplateArn ?? cleanRoomsArn('membership/*/analysistemplate/*');
    let grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['cleanrooms:GetCollaborationAnalysisTemplate'],
      resourceArns: [collaboration, templates],
    });
    grant = grant.combine(iam.Grant.addToPrincipal({ grantee, actions: ['cleanrooms:GetSchema'], resourceArns: [collaboration, tableAssociations] }));
    grant = grant.combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['cleanrooms:StartProtectedQuery'],
      resourceArns: [membershipArn, tableAssociations, ...(analysisTemplateArn ? [analysisTemplateArn] : [])],
    }));
    grant = grant.combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['cleanrooms:GetProtectedQuery', 'cleanrooms:UpdateProtectedQuery'],
      resourceArns: [membershipArn],
    }));
    return grant;
  }
}

/** The model's WorkerComputeConfiguration: 2–1024 workers; SparkProperties: at most 50, keys 1–200, values 0–500 characters. */
const WORKERS = { min: 2, max: 1024 };
const MAX_SPARK_PROPERTIES = 50;
const WORKER_COMPUTE_TYPE = enumKind(Object.values(WorkerComputeType));

function validateComputeConfiguration(scope: Construct, compute: SqlComputeConfiguration | undefined): void {
  const field = 'seedAudience computeConfiguration';
  checkKind(scope, field, compute, objectKind('SqlComputeConfiguration'));
  if (compute === undefined) {
    return;
  }
  checkKind(scope, `${field}.workerType`, compute.workerType, WORKER_COMPUTE_TYPE);
  checkKind(scope, `${field}.numberOfWorkers`, compute.numberOfWorkers, NUMBER);
  validateNumber(scope, `${field}.numberOfWorkers`, compute.numberOfWorkers, { integer: true, ...WORKERS });
  const spark = compute.sparkProperties;
  if (spark === undefined || Token.isUnresolved(spark)) {
    return;
  }
  checkKind(scope, `${field}.sparkProperties`, spark, objectKind('a map of Spark property names to values'));
  validateCount(scope, `${field}.sparkProperties`, Object.keys(spark), { max: MAX_SPARK_PROPERTIES });
  for (const [key, value] of Object.entries(spark)) {
    validateString(scope, `${field}.sparkProperties key`, key, { minLength: 1, maxLength: 200 });
    checkRequired(scope, `${field}.sparkProperties[${JSON.stringify(key)}]`, value, STRING);
    validateString(scope, `${field}.sparkProperties[${JSON.stringify(key)}]`, value, { maxLength: 500 });
  }
}

/** `arn:<partition>:cleanrooms:<stack region>:*:<resource>`. */
function cleanRoomsArnInRegion(scope: IConstruct, resource: string): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:cleanrooms:${stack.region}:*:${resource}`;
}
