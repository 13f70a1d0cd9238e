/**
 * The contract of `Custom::CleanRoomsMLAudienceGenerationJob`, imported by
 * both the AudienceGenerationJob construct (which writes the properties and
 * reads the attributes) and its handler (which reads the properties and
 * returns the attributes), so the two cannot drift apart. Types, constants
 * and attribute names only.
 *
 * Secrets never travel as properties: the Provider framework logs every
 * property it receives. A SQL seed's parameters (and, when it is
 * confidential, its query) are named by the ARN of a Secrets Manager secret
 * that the handler reads when it starts the job.
 */
import type { AttributeData } from './framework';
import type { WorkerComputeType } from '../constructs/seed-audience';

/** The custom resource type. */
export const AUDIENCE_GENERATION_JOB_RESOURCE_TYPE = 'Custom::CleanRoomsMLAudienceGenerationJob';

/**
 * The resource type in audience generation job ARNs:
 * `arn:<partition>:cleanrooms-ml:<region>:<account>:audience-generation-job/<id>`.
 */
export const AUDIENCE_GENERATION_JOB_ARN_RESOURCE_TYPE = 'audience-generation-job';

/** Bump when an attribute is added (see `CommonResourceProperties.AttributesRevision`). */
export const AUDIENCE_GENERATION_JOB_ATTRIBUTES_REVISION = 1;

/**
 * Properties of the custom resource, as the construct writes them. Every
 * property but `Tags` and `RelevanceScoreSizes` is fixed at creation (the
 * service has no update call): changing one starts a new job.
 *
 * The seed is either `SeedS3Uri` or the `SeedSql…` properties.
 */
export interface AudienceGenerationJobProperties {
  /** The user's name for the job. When absent, the handler generates one. */
  readonly Name?: string;
  readonly ConfiguredAudienceModelArn: string;
  /** The role Clean Rooms ML assumes to read the seed. */
  readonly SeedRoleArn: string;
  /** `s3://bucket/key` of the seed audience. */
  readonly SeedS3Uri?: string;
  /** The seed query, written in the template (not confidential). */
  readonly SeedSqlQueryString?: string;
  /** A secret whose SecretString is the seed query (a confidential query). */
  readonly SeedSqlQueryStringSecretArn?: string;
  /** The analysis template that produces the seed. */
  readonly SeedSqlAnalysisTemplateArn?: string;
  /**
   * A secret whose SecretString is a JSON object of the query's parameters
   * (`{"name": "value", …}`). The values never appear in the template, the
   * logs or the attributes.
   */
  readonly SeedSqlParametersSecretArn?: string;
  /**
   * The compute that runs the SQL seed's query (the API's
   * `seedAudience.sqlComputeConfiguration.worker`): the workers' type, their
   * number (2–1024) and Spark properties. Absent: the service's default.
   */
  readonly SeedSqlWorkerType?: `${WorkerComputeType}`;
  readonly SeedSqlNumberOfWorkers?: number;
  readonly SeedSqlSparkProperties?: Record<string, string>;
  readonly IncludeSeedInOutput?: boolean;
  readonly CollaborationId?: string;
  readonly Description?: string;
  /** Applied in place (TagResource / UntagResource). */
  readonly Tags?: Record<string, string>;
  /**
   * The audience sizes whose relevance score the template reads, each
   * `<TYPE>:<value>` (e.g. `ABSOLUTE:10000`): the handler returns a
   * `RelevanceScore.<TYPE>.<value>` attribute for each (`''` when the
   * service reports none). Changes in place.
   */
  readonly RelevanceScoreSizes?: string[];
}

/** Names of the attributes the handler always returns (`Fn::GetAtt`). */
export const AudienceGenerationJobAttribute = {
  /** The job's ARN (also its physical id). */
  AUDIENCE_GENERATION_JOB_ARN: 'AudienceGenerationJobArn',
  /** The job's name, given or generated. */
  NAME: 'Name',
  /** The job's status: `ACTIVE` once the resource exists. */
  STATUS: 'Status',
  /** The relevance metrics the service reports, as JSON (`[{"audienceSize":{"type":…,"value":…},"score":…}]`); `''` when none. */
  RELEVANCE_METRICS: 'RelevanceMetrics',
  /** The recall metric the service reports; `''` when none. */
  RECALL_METRIC: 'RecallMetric',
} as const;

export type AudienceGenerationJobAttributeName = typeof AudienceGenerationJobAttribute[keyof typeof AudienceGenerationJobAttribute];

/** Every attribute: the fixed ones and one `RelevanceScore.<TYPE>.<value>` per requested size (`''` where empty). */
export type AudienceGenerationJobData = AttributeData<AudienceGenerationJobAttributeName> & AttributeData;

/** The entry of `RelevanceScoreSizes` for a size: `ABSOLUTE:10000`. */
export function relevanceScoreSizeKey(type: string, value: number): string {
  return `${type}:${value}`;
}

/** The attribute holding the relevance score of a size: `RelevanceScore.ABSOLUTE.10000`. */
export function relevanceScoreAttributeName(type: string, value: number): string {
  return `RelevanceScore.${type}.${value}`;
}
