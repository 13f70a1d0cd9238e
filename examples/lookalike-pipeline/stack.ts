/**
 * A whole Clean Rooms ML lookalike pipeline, as a user writes it: training
 * data in a Glue table → training dataset → audience model → configured
 * audience model shared with a partner account → audience generation job
 * from a seed in S3 → an export of one audience size.
 */
import { Duration, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AudienceExportJob,
  AudienceGenerationJob,
  AudienceModel,
  AudienceSize,
  AudienceSizeConfig,
  ColumnSchema,
  ColumnType,
  ConfiguredAudienceModel,
  SeedAudience,
  TrainingDataSource,
  TrainingDataset,
} from 'cdk-cleanrooms-ml';
import { Construct } from 'constructs';
import {
  AUDIENCE_SIZES,
  createAudienceBuckets,
  EXPORT_DESCRIPTION,
  EXPORTED_SIZE,
  LookalikePipelineOptions,
  LookalikePipelineProps,
  useExampleFeatureFlags,
} from './environment';

// What the example's stacks share with the other examples and the benchmark.
export * from './environment';

/** The columns of the example's interaction tables. */
export const INTERACTION_COLUMNS: ColumnSchema[] = [
  { columnName: 'user_id', columnType: ColumnType.USER_ID },
  { columnName: 'item_id', columnType: ColumnType.ITEM_ID },
  { columnName: 'event_time', columnType: ColumnType.TIMESTAMP },
  { columnName: 'category', columnType: ColumnType.CATEGORICAL_FEATURE },
  { columnName: 'price', columnType: ColumnType.NUMERICAL_FEATURE },
];

/** One lookalike pipeline: dataset, model, configured model, generation job and export. */
export class LookalikePipeline extends Construct {
  public readonly trainingDataset: TrainingDataset;
  public readonly audienceModel: AudienceModel;
  public readonly configuredAudienceModel: ConfiguredAudienceModel;
  public readonly generationJob: AudienceGenerationJob;
  public readonly audienceExport: AudienceExportJob;

  constructor(scope: Construct, id: string, props: LookalikePipelineProps) {
    super(scope, id);

    // A role trusted by Clean Rooms ML (aws:SourceAccount, aws:SourceArn)
    // that can read exactly this table and its objects is created.
    this.trainingDataset = new TrainingDataset(this, 'Interactions', {
      description: `Purchases and page views of the ${props.tableName} table`,
      dataSource: TrainingDataSource.fromGlueTable({
        databaseName: 'retail',
        tableName: props.tableName,
        bucket: props.dataBucket,
        prefix: props.dataPrefix,
      }),
      columns: INTERACTION_COLUMNS,
    });

    // Trains during the deployment, which waits until the model is ACTIVE:
    // up to 24 hours by default (the service's worst case), past
    // CloudFormation's one hour in wait conditions signalled by the stack's
    // training poller.
    this.audienceModel = new AudienceModel(this, 'Model', {
      trainingDataset: this.trainingDataset,
      description: 'Lookalikes of our buyers, trained on 2026 interactions',
      trainingDataStartTime: new Date('2026-01-01T00:00:00Z'),
      trainingDataEndTime: new Date('2026-10-31T00:00:00Z'),
      timeout: props.modelTimeout,
    });

    this.configuredAudienceModel = new ConfiguredAudienceModel(this, 'Shared', {
      audienceModel: this.audienceModel,
      description: 'Lookalike audiences of our buyers, shared with our media partner',
      outputBucket: props.audienceBucket,
      outputPrefix: props.outputPrefix,
      audienceSizeConfig: AudienceSizeConfig.absolute(props.audienceSizes ?? AUDIENCE_SIZES),
      minMatchingSeedSize: 500,
    });
    // The partner account may start audience generation jobs on this model.
    this.configuredAudienceModel.allowAccountToStartGenerationJobs(props.partnerAccountId);

    this.generationJob = new AudienceGenerationJob(this, 'Buyers', {
      configuredAudienceModel: this.configuredAudienceModel,
      seedAudience: SeedAudience.fromS3(props.dataBucket, props.seedKey),
      description: 'Lookalikes of this quarter\'s buyers',
    });

    this.audienceExport = this.generationJob.export('Export', {
      audienceSize: AudienceSize.absolute(EXPORTED_SIZE),
      description: EXPORT_DESCRIPTION,
    });
  }
}

/** Properties of the example stack. */
export interface LookalikePipelineStackProps extends StackProps {
  /**
   * The data lake bucket with the training data and the seeds (imported:
   * the data and its Glue table exist outside this stack).
   *
   * @default 'retail-interactions-data'
   */
  readonly dataBucketName?: string;

  /**
   * The media partner's account, allowed to start generation jobs.
   *
   * @default '111122223333'
   */
  readonly partnerAccountId?: string;

  /**
   * The audience sizes the pipeline's configured model offers.
   *
   * @default AUDIENCE_SIZES
   */
  readonly audienceSizes?: number[];

  /**
   * How long the deployment waits for the pipeline's model to train.
   *
   * @default AudienceModel's default, 24 hours
   */
  readonly modelTimeout?: Duration;
}

/**
 * The example stack: one pipeline on the `interactions` table, writing to an
 * audience bucket created here. `addPipeline` adds more pipelines sharing the
 * buckets (and the stack's one custom resource provider).
 */
export class LookalikePipelineStack extends Stack {
  /** The imported data lake bucket. */
  public readonly dataBucket: s3.IBucket;
  /** Where generated audiences are written. */
  public readonly audienceBucket: s3.Bucket;
  /** Server access logs of the audience bucket. */
  public readonly accessLogsBucket: s3.Bucket;
  /** The stack's pipeline. */
  public readonly pipeline: LookalikePipeline;

  private readonly partnerAccountId: string;

  constructor(scope: Construct, id: string, props: LookalikePipelineStackProps = {}) {
    super(scope, id, {
      description: 'cdk-cleanrooms-ml example: a Clean Rooms ML lookalike-audience pipeline',
      ...props,
    });
    useExampleFeatureFlags(this);
    this.partnerAccountId = props.partnerAccountId ?? '111122223333';

    this.dataBucket = s3.Bucket.fromBucketName(this, 'Data', props.dataBucketName ?? 'retail-interactions-data');

    const buckets = createAudienceBuckets(this);
    this.accessLogsBucket = buckets.accessLogsBucket;
    this.audienceBucket = buckets.audienceBucket;

    this.pipeline = this.addPipeline('Retail', {
      tableName: 'interactions',
      dataPrefix: 'interactions/',
      seedKey: 'seeds/buyers.csv',
      outputPrefix: 'lookalike/',
      partnerAccountId: this.partnerAccountId,
      audienceSizes: props.audienceSizes,
      modelTimeout: props.modelTimeout,
    });

    // Reach every resource of the stack, Clean Rooms ML ones included (in place).
    Tags.of(this).add('project', 'lookalike-audiences');
    Tags.of(this).add('team', 'growth');
  }

  /**
   * Adds a pipeline reading from the data bucket and writing to the audience
   * bucket under its own prefix.
   *
   * @param id the pipeline's construct id
   * @param options the table, prefixes and seed of the pipeline
   */
  public addPipeline(id: string, options: Omit<LookalikePipelineOptions, 'partnerAccountId'> & { partnerAccountId?: string }): LookalikePipeline {
    return new LookalikePipeline(this, id, {
      partnerAccountId: this.partnerAccountId,
      ...options,
      dataBucket: this.dataBucket,
      audienceBucket: this.audienceBucket,
    });
  }
}
