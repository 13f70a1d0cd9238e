/**
 * `Custom::CleanRoomsMLAudienceGenerationJob`: the service's lifecycle of an
 * audience generation job. StartAudienceGenerationJob starts generating
 * (CREATE_PENDING → CREATE_IN_PROGRESS → ACTIVE, or CREATE_FAILED);
 * DeleteAudienceGenerationJob removes the job and its data (DELETE_PENDING →
 * DELETE_IN_PROGRESS → gone, or DELETE_FAILED). There is no update call:
 * any change but tags (and which scores the template reads) starts a new
 * job, and CloudFormation deletes the old one afterwards. A job that
 * outlasts its window while a chain of `Custom::CleanRoomsMLWait` resources
 * (../wait) continues the wait completes with its current attributes.
 *
 * A SQL seed's parameters (and a confidential query) are read from Secrets
 * Manager when the job starts. They go to the service and nowhere else: not
 * into a log line, an error or an attribute.
 */
import {
  AUDIENCE_GENERATION_JOB_ARN_RESOURCE_TYPE,
  AudienceGenerationJobAttribute,
  AudienceGenerationJobData,
  AudienceGenerationJobProperties,
  relevanceScoreAttributeName,
} from 'cdk-cleanrooms-ml/lib/contracts/audience-generation-job';
import { isConflict, isNotFound } from 'cdk-cleanrooms-ml-local/lib/client/errors';
import { listAll } from 'cdk-cleanrooms-ml-local/lib/client/paginate';
import {
  WORKER_COMPUTE_TYPES,
  type AudienceGenerationJobDataSource,
  type ComputeConfiguration,
  type GetAudienceGenerationJobResponse,
  type ProtectedQuerySQLParameters,
} from 'cdk-cleanrooms-ml-local/lib/client/types';
import { describeCause, ResourceFailure } from '../framework/errors';
import type { CustomResourceEvent, OperationState } from '../framework/events';
import { boolean, integer, oneOf, optional, PropertyError, PropertyParser, PropertySchema, string, stringMap } from '../framework/properties';
import { describeStatusDetails, HandlerRuntime, Progress, ResourceHandler, ResourceNaming, Started, STARTED_HERE } from '../framework/resource-handler';
import { SecretReader, secretReaderFromEnvironment } from '../secrets/secrets-manager';

/** `["ABSOLUTE:10000", …]`: a list of audience sizes. */
export const audienceSizeList: PropertyParser<string[]> = (value, name) => {
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string' && /^(ABSOLUTE|PERCENTAGE):[0-9]+$/.test(entry))) {
    throw new PropertyError(`property ${name} must be a list of audience sizes like "ABSOLUTE:10000"`);
  }
  return value as string[];
};

const PROPERTIES: PropertySchema<AudienceGenerationJobProperties> = {
  Name: optional(string),
  ConfiguredAudienceModelArn: string,
  SeedRoleArn: string,
  SeedS3Uri: optional(string),
  SeedSqlQueryString: optional(string),
  SeedSqlQueryStringSecretArn: optional(string),
  SeedSqlAnalysisTemplateArn: optional(string),
  SeedSqlParametersSecretArn: optional(string),
  SeedSqlWorkerType: optional(oneOf(WORKER_COMPUTE_TYPES)),
  SeedSqlNumberOfWorkers: optional(integer),
  SeedSqlSparkProperties: optional(stringMap),
  IncludeSeedInOutput: optional(boolean),
  CollaborationId: optional(string),
  Description: optional(string),
  Tags: optional(stringMap),
  RelevanceScoreSizes: optional(audienceSizeList),
};

type Property = keyof AudienceGenerationJobProperties & string;

/** Properties an update applies to the existing job (the scores the template reads are only read). */
const IN_PLACE: readonly Property[] = ['Tags', 'RelevanceScoreSizes'];

/** The rest is fixed when the job starts: the service has no update call. */
const CREATE_ONLY = (Object.keys(PROPERTIES) as Property[]).filter((property) => !IN_PLACE.includes(property));

/** Shorter secret fragments are not scrubbed from error messages (they would blank ordinary words). */
const MIN_SCRUBBED_LENGTH = 4;

export class AudienceGenerationJobHandler extends ResourceHandler<AudienceGenerationJobProperties, AudienceGenerationJobData> {
  protected readonly noun = 'audience generation job';

  /**
   * @param secrets reads the SQL seed's secrets (default: Secrets Manager,
   * at the endpoint the environment names)
   */
  /** Wait conditions can continue the wait for it (contracts/wait.ts). */
  protected get waitKind(): typeof AUDIENCE_GENERATION_JOB_ARN_RESOURCE_TYPE {
    return AUDIENCE_GENERATION_JOB_ARN_RESOURCE_TYPE;
  }

  constructor(runtime: HandlerRuntime, event: CustomResourceEvent, private readonly secrets?: SecretReader) {
    super(runtime, event, PROPERTIES, CREATE_ONLY);
  }

  protected onCreate(): Promise<Started> {
    return this.startJob();
  }

  protected async onUpdate(): Promise<Started> {
    const arn = this.physicalArnOf(AUDIENCE_GENERATION_JOB_ARN_RESOURCE_TYPE);
    const fixed = await this.changesRequiringReplacement(arn);
    if (arn === undefined || fixed.length > 0) {
      if (arn !== undefined) {
        this.refuseReplacementOfNamedResource('Name', 'audienceGenerationJobName', fixed);
      }
      this.log.info('Starting a new audience generation job: these properties cannot change in place', { changed: fixed });
      return this.startJob();
    }
    await this.updateTags(arn, this.oldProperties.Tags, this.properties.Tags);
    return { physicalResourceId: arn };
  }

  protected async onDelete(): Promise<void> {
    const arn = this.physicalArnOf(AUDIENCE_GENERATION_JOB_ARN_RESOURCE_TYPE);
    if (arn === undefined) {
      this.log.info('Nothing to delete: the physical id is not an audience generation job ARN');
      return;
    }
    await this.requestDeletion(arn);
  }

  protected isCreateComplete(): Promise<Progress<AudienceGenerationJobData>> {
    return this.waitUntilActive();
  }

  protected isUpdateComplete(): Promise<Progress<AudienceGenerationJobData>> {
    return this.waitUntilActive();
  }

  protected async isDeleteComplete(): Promise<Progress<void>> {
    const arn = this.physicalArnOf(AUDIENCE_GENERATION_JOB_ARN_RESOURCE_TYPE);
    if (arn === undefined) {
      return this.done(undefined);
    }
    let job: GetAudienceGenerationJobResponse;
    try {
      job = await this.client.getAudienceGenerationJob({ audienceGenerationJobArn: arn });
    } catch (err) {
      if (isNotFound(err)) {
        return this.done(undefined);
      }
      throw err;
    }
    switch (job.status) {
      case 'DELETE_PENDING':
      case 'DELETE_IN_PROGRESS':
        return this.waiting(`status ${job.status}`);
      case 'DELETE_FAILED':
        throw new ResourceFailure(
          `deleting the audience generation job "${job.name}" failed (DELETE_FAILED): ${describeStatusDetails(job.statusDetails)}`,
        );
      default:
        // Not (yet) being deleted, e.g. a delete asked while it was still generating: ask again.
        await this.requestDeletion(arn);
        return this.waiting(`status ${job.status}, deletion requested again`);
    }
  }

  private async startJob(): Promise<Started> {
    const props = this.properties;
    const seedAudience = await this.seedAudience(props);
    const secretValues = sensitiveValuesOf(seedAudience.sqlParameters, props);
    const arn = await withSecretsScrubbed(secretValues, () => this.createOrAdopt(
      async (name) => (await this.client.startAudienceGenerationJob({
        name,
        configuredAudienceModelArn: props.ConfiguredAudienceModelArn,
        seedAudience,
        includeSeedInOutput: props.IncludeSeedInOutput,
        collaborationId: props.CollaborationId,
        description: props.Description,
        tags: this.creationTags(props.Tags),
      })).audienceGenerationJobArn,
    ));
    const operation: OperationState = { [STARTED_HERE]: 'true' };
    return { physicalResourceId: arn, operation };
  }

  protected createdResourceNaming(): ResourceNaming {
    return {
      name: this.properties.Name ?? this.generatedName(),
      findArn: async (name) => (await listAll(this.client, 'listAudienceGenerationJobs')).find((job) => job.name === name)?.audienceGenerationJobArn,
    };
  }

  /** The seed as the service takes it: an S3 location, or a SQL query with its secrets read. */
  private async seedAudience(props: AudienceGenerationJobProperties): Promise<AudienceGenerationJobDataSource> {
    const sqlGiven = props.SeedSqlQueryString !== undefined || props.SeedSqlQueryStringSecretArn !== undefined
      || props.SeedSqlAnalysisTemplateArn !== undefined;
    if ((props.SeedS3Uri !== undefined) === sqlGiven) {
      throw new ResourceFailure('the seed audience must be either an S3 location (SeedS3Uri) or a SQL query (SeedSql…), not both or neither');
    }
    const sqlComputeConfiguration = sqlComputeConfigurationOf(props);
    if (props.SeedS3Uri !== undefined) {
      if (sqlComputeConfiguration !== undefined) {
        throw new ResourceFailure(
          'the compute of a seed audience (SeedSqlWorkerType, SeedSqlNumberOfWorkers, SeedSqlSparkProperties) applies to a SQL seed only',
        );
      }
      return { dataSource: { s3Uri: props.SeedS3Uri }, roleArn: props.SeedRoleArn };
    }
    const sqlParameters: ProtectedQuerySQLParameters = {
      queryString: props.SeedSqlQueryStringSecretArn !== undefined
        ? await this.readSecret(props.SeedSqlQueryStringSecretArn, 'query')
        : props.SeedSqlQueryString,
      analysisTemplateArn: props.SeedSqlAnalysisTemplateArn,
      parameters: props.SeedSqlParametersSecretArn !== undefined
        ? parseParameters(await this.readSecret(props.SeedSqlParametersSecretArn, 'SQL parameters'), props.SeedSqlParametersSecretArn)
        : undefined,
    };
    return { sqlParameters, roleArn: props.SeedRoleArn, sqlComputeConfiguration };
  }

  /** A secret's value. Only the secret's ARN is ever logged. */
  private async readSecret(secretArn: string, what: string): Promise<string> {
    const reader = this.secrets ?? secretReaderFromEnvironment();
    try {
      const value = await reader.getSecretString(secretArn);
      this.log.info(`Read the seed audience's ${what} from Secrets Manager`, { secretArn });
      return value;
    } catch (err) {
      // The reader's errors name the secret.
      throw new ResourceFailure(`could not read the seed audience's ${what}: ${describeCause(err)}`);
    }
  }

  private async waitUntilActive(): Promise<Progress<AudienceGenerationJobData>> {
    const arn = this.physicalArnOf(AUDIENCE_GENERATION_JOB_ARN_RESOURCE_TYPE);
    if (arn === undefined) {
      throw new ResourceFailure(`the physical id ${JSON.stringify(this.physicalResourceId)} is not an audience generation job ARN`);
    }
    const job = await this.client.getAudienceGenerationJob({ audienceGenerationJobArn: arn });
    switch (job.status) {
      case 'ACTIVE':
        return this.done(attributesOf(job, this.properties.RelevanceScoreSizes));
      case 'CREATE_PENDING':
      case 'CREATE_IN_PROGRESS':
        // The attributes so far: handed over when wait resources continue the wait.
        return this.waiting(`status ${job.status}`, attributesOf(job, this.properties.RelevanceScoreSizes));
      case 'CREATE_FAILED':
        if (this.startedHere) {
          // CloudFormation may not send a Delete for a failed replacement; do not leave the job behind.
          await this.requestDeletionQuietly(arn);
        }
        throw new ResourceFailure(
          `generating the audience of the audience generation job "${job.name}" failed (CREATE_FAILED): ${describeStatusDetails(job.statusDetails)}`,
        );
      default:
        throw new ResourceFailure(`the audience generation job "${job.name}" is ${job.status}: it was deleted outside this stack`);
    }
  }

  protected async deleteStartedResource(physicalResourceId?: string): Promise<void> {
    const arn = physicalResourceId ?? this.physicalArnOf(AUDIENCE_GENERATION_JOB_ARN_RESOURCE_TYPE);
    if (arn !== undefined) {
      await this.requestDeletionQuietly(arn);
    }
  }

  private async requestDeletion(arn: string): Promise<void> {
    try {
      await this.client.deleteAudienceGenerationJob({ audienceGenerationJobArn: arn });
      this.log.info('Requested deletion of the audience generation job', { arn });
    } catch (err) {
      if (isNotFound(err)) {
        this.log.info('The audience generation job is already gone', { arn });
        return;
      }
      if (isConflict(err)) {
        throw new ResourceFailure(`cannot delete the audience generation job ${arn} now: ${err.message}`);
      }
      throw err;
    }
  }

  /** Deletes a job this request started and is failing, and waits for it to be gone. */
  private async requestDeletionQuietly(arn: string): Promise<void> {
    const read = () => this.client.getAudienceGenerationJob({ audienceGenerationJobArn: arn });
    await this.deleteStartedQuietly(arn, () => this.requestDeletion(arn), read);
  }
}

/**
 * Every attribute of an ACTIVE job; `''` where the service reports nothing.
 * Never the seed: the service echoes it back, SQL parameters included.
 */
export function attributesOf(job: GetAudienceGenerationJobResponse, scoreSizes: readonly string[] = []): AudienceGenerationJobData {
  const metrics = job.metrics?.relevanceMetrics ?? [];
  const data: Record<string, string> = {
    [AudienceGenerationJobAttribute.AUDIENCE_GENERATION_JOB_ARN]: job.audienceGenerationJobArn,
    [AudienceGenerationJobAttribute.NAME]: job.name,
    [AudienceGenerationJobAttribute.STATUS]: job.status,
    [AudienceGenerationJobAttribute.RELEVANCE_METRICS]: metrics.length > 0 ? JSON.stringify(metrics) : '',
    [AudienceGenerationJobAttribute.RECALL_METRIC]: job.metrics?.recallMetric === undefined ? '' : String(job.metrics.recallMetric),
  };
  for (const size of scoreSizes) {
    const [type, value] = size.split(':');
    const metric = metrics.find((entry) => entry.audienceSize.type === type && entry.audienceSize.value === Number(value));
    data[relevanceScoreAttributeName(type, Number(value))] = metric?.score === undefined ? '' : String(metric.score);
  }
  return data as AudienceGenerationJobData;
}

/**
 * The parameters secret: a JSON object of parameter names to values
 * (strings; numbers and booleans are taken as their text). The messages
 * name the secret, never its content.
 */
function parseParameters(secretString: string, secretArn: string): Record<string, string> {
  const rule = `the secret ${secretArn} must hold a JSON object of SQL parameter names and string values, like {"min_date": "2024-01-01"}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new ResourceFailure(`${rule}; its value is not JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ResourceFailure(`${rule}; its value is JSON of another kind`);
  }
  const parameters: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new ResourceFailure(`${rule}; the value of one parameter is an object, a list or null`);
    }
    parameters[key] = String(value);
  }
  return parameters;
}

/** What must not leak from a SQL seed: the parameters (names and values) and a query read from a secret. */
function sensitiveValuesOf(sql: ProtectedQuerySQLParameters | undefined, props: AudienceGenerationJobProperties): string[] {
  if (!sql) {
    return [];
  }
  const values = Object.entries(sql.parameters ?? {}).flat();
  if (props.SeedSqlQueryStringSecretArn !== undefined && sql.queryString) {
    values.push(sql.queryString);
  }
  return [...new Set(values.filter((value) => value.length >= MIN_SCRUBBED_LENGTH))].sort((a, b) => b.length - a.length);
}

/**
 * Runs `action`; an error it throws has every secret value replaced in its
 * message and stack (a validation message may quote what it refused) before
 * it reaches a log line or CloudFormation. The error keeps its class, so a
 * ConflictException is still one.
 */
async function withSecretsScrubbed<T>(secrets: readonly string[], action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    if (secrets.length > 0 && err instanceof Error) {
      const scrub = (text: string) => secrets.reduce((scrubbed, secret) => scrubbed.split(secret).join('[redacted]'), text);
      err.message = scrub(err.message);
      err.stack = err.stack === undefined ? undefined : scrub(err.stack);
    }
    throw err;
  }
}

/** The SQL seed's compute as the API takes it; undefined leaves it to the service. */
function sqlComputeConfigurationOf(props: AudienceGenerationJobProperties): ComputeConfiguration | undefined {
  const { SeedSqlWorkerType: type, SeedSqlNumberOfWorkers: number, SeedSqlSparkProperties: spark } = props;
  if (type === undefined && number === undefined && spark === undefined) {
    return undefined;
  }
  return { worker: { type, number, properties: spark === undefined ? undefined : { spark } } };
}
