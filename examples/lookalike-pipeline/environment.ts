/**
 * What the example's stacks share with the other examples and the
 * benchmark, none of it from cdk-cleanrooms-ml: the account and Region,
 * feature flags, audience sizes, the audience buckets and a pipeline's
 * inputs. (The benchmark's hand-written pipeline imports this file alone,
 * so that synthesizing it does not load the library.)
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * Where the example deploys: a fixed account and Region (the embedded
 * emulator's defaults), so its template is the same on every machine.
 */
export const EXAMPLE_ENV = { account: '123456789012', region: 'us-east-1' };

/**
 * Feature flags the example's stacks turn on (a new app gets them in the
 * cdk.json `cdk init` writes; a stack sets them for itself, so they hold
 * however it is synthesized): S3 delivers the audience bucket's access logs
 * through the log bucket's policy instead of the legacy `LogDeliveryWrite`
 * ACL, which cfn-lint reports (W3045) and S3 advises against.
 */
export const EXAMPLE_FEATURE_FLAGS: Readonly<Record<string, boolean>> = {
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
};

/** Sets EXAMPLE_FEATURE_FLAGS on a stack; call before adding anything to it. */
export function useExampleFeatureFlags(stack: Stack): void {
  for (const [flag, value] of Object.entries(EXAMPLE_FEATURE_FLAGS)) {
    stack.node.setContext(flag, value);
  }
}

/** The audience sizes every configured model of the example offers. */
export const AUDIENCE_SIZES = [10_000, 50_000, 100_000];

/** The size the example exports. */
export const EXPORTED_SIZE = 50_000;

/**
 * The export's description. The number is grouped by hand: the first
 * `toLocaleString` of a process loads ICU's locale data (about 15 ms), which
 * the benchmark would count as the pipeline's synth time.
 */
export const EXPORT_DESCRIPTION = `The ${groupThousands(EXPORTED_SIZE)} users most like our buyers`;

/** `50000` → `50,000`. */
function groupThousands(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The buckets generated audiences are written to, and their access logs. */
export interface AudienceBuckets {
  readonly audienceBucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;
}

/**
 * An audience bucket (encrypted, private, TLS only, owner-enforced) with
 * its server access logs in a bucket of their own, kept a year.
 */
export function createAudienceBuckets(scope: Construct): AudienceBuckets {
  const accessLogsBucket = new s3.Bucket(scope, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    lifecycleRules: [{ expiration: Duration.days(365) }],
  });
  const audienceBucket = new s3.Bucket(scope, 'Audiences', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    serverAccessLogsBucket: accessLogsBucket,
    serverAccessLogsPrefix: 'audiences/',
  });
  return { audienceBucket, accessLogsBucket };
}

/** Options of one pipeline of the example stack. */
export interface LookalikePipelineOptions {
  /** The Glue table of user–item interactions (database `retail`). */
  readonly tableName: string;
  /** Where the table's data lives in the data bucket, e.g. `interactions/`. */
  readonly dataPrefix: string;
  /** The seed audience's object in the data bucket, e.g. `seeds/buyers.csv`. */
  readonly seedKey: string;
  /** Where generated audiences go in the audience bucket, e.g. `lookalike/`. */
  readonly outputPrefix: string;
  /** The account allowed to start generation jobs with the configured model. */
  readonly partnerAccountId: string;
  /**
   * The audience sizes the configured model offers.
   * @default AUDIENCE_SIZES
   */
  readonly audienceSizes?: number[];
  /**
   * How long the deployment waits for the model to train.
   * @default AudienceModel's default, 24 hours
   */
  readonly modelTimeout?: Duration;
}

/** What a pipeline reads from and writes to. */
export interface LookalikePipelineProps extends LookalikePipelineOptions {
  /** The data lake bucket holding the training data and the seeds. */
  readonly dataBucket: s3.IBucket;
  /** The bucket Clean Rooms ML writes generated audiences to. */
  readonly audienceBucket: s3.IBucket;
}
