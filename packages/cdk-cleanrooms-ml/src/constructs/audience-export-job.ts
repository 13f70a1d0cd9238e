import { CustomResource, Duration, RemovalPolicy, Resource, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import type { IAudienceGenerationJob } from './audience-generation-job';
import { AudienceSize } from './audience-size';
import { AudienceSizeType } from './audience-size-config';
import { ConfiguredAudienceModel } from './configured-audience-model';
import { AUDIENCE_SIZE, checkRequired, NUMBER, objectKind, REMOVAL_POLICY, resourceKind } from './private/input-types';
import { CleanRoomsMlProvider, timeoutSeconds } from './private/provider';
import { cleanRoomsMlArnPattern } from './private/service-role';
import { DESCRIPTION_RULES, describeValue, NAME_RULES, validateString, validationError } from './private/validation';
import {
  AUDIENCE_EXPORT_JOB_ATTRIBUTES_REVISION,
  AUDIENCE_EXPORT_JOB_RESOURCE_TYPE,
  AudienceExportJobAttribute,
  AudienceExportJobProperties,
} from '../contracts/audience-export-job';
import { AUDIENCE_GENERATION_JOB_ARN_RESOURCE_TYPE } from '../contracts/audience-generation-job';

/** Largest audience size (constraints.md). */
const MAX_AUDIENCE_SIZE = 20_000_000;
/** Largest percentage size. */
const MAX_AUDIENCE_PERCENTAGE = 100;

/**
 * What an export of a generated audience asks for (see
 * `IAudienceGenerationJob.export`).
 */
export interface AudienceExportOptions {
  /**
   * The size of the audience to export: one of the audience sizes of the
   * configured audience model the audience was generated with (checked at
   * synthesis when that model is known), e.g. `AudienceSize.absolute(100_000)`.
   */
  readonly audienceSize: AudienceSize;

  /**
   * The name of the export: 1–63 printable characters, not only white space,
   * unique among the exports of the generation job.
   *
   * Exports are never deleted (the service has no call for it), so a name
   * stays taken for as long as the generation job exists: a named export
   * cannot be replaced by another of the same job, and a replayed deployment
   * request that finds its name taken fails rather than guess whose export
   * holds it.
   *
   * @default - a name generated at deployment from the stack name, the
   * construct's logical id and the deployment request
   */
  readonly audienceExportJobName?: string;

  /**
   * A description of the export, at most 255 characters.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * How long the deployment waits for the export to finish (`ACTIVE`) before
   * failing. At most 1 hour.
   *
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;
}

/**
 * Properties of an `AudienceExportJob`.
 */
export interface AudienceExportJobProps extends AudienceExportOptions {
  /**
   * The audience generation job whose audience is exported. It must be
   * `ACTIVE` (a job of the same stack is: its deployment waits for it).
   */
  readonly audienceGenerationJob: IAudienceGenerationJob;
}

/**
 * A Clean Rooms ML audience export job: writes a generated audience, at one
 * of its sizes, to the configured audience model's output location. The
 * deployment waits until the export is `ACTIVE` and exposes where it was
 * written (`attrOutputLocation`).
 *
 * Exports cannot be changed or deleted: changing any property starts a new
 * export, and removing one from the stack leaves it in the service's history
 * (and its audience in S3) until its generation job is deleted.
 *
 * @resource Custom::CleanRoomsMLAudienceExportJob
 */
export class AudienceExportJob extends Resource {
  /** The name of the export, given or generated. */
  public readonly audienceExportJobName: string;
  /** The audience generation job whose audience is exported. */
  public readonly audienceGenerationJob: IAudienceGenerationJob;
  /** The size of the exported audience. */
  public readonly audienceSize: AudienceSize;

  /**
   * The status of the export once deployed (`ACTIVE`).
   *
   * @attribute
   */
  public readonly attrStatus: string;

  /**
   * Where the service wrote the audience (`s3://…`; empty when it reports none).
   *
   * @attribute
   */
  public readonly attrOutputLocation: string;

  /** The export's custom resource. */
  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: AudienceExportJobProps) {
    super(scope, id, { physicalName: props?.audienceExportJobName });

    checkRequired(this, 'props', props, objectKind('AudienceExportJobProps'));
    checkRequired(this, 'audienceGenerationJob', props.audienceGenerationJob, resourceKind(
      'audienceGenerationJobArn',
      'be an audience generation job (an AudienceGenerationJob, or one imported with AudienceGenerationJob.fromAudienceGenerationJobArn)',
    ));
    validateString(this, 'audienceExportJobName', props.audienceExportJobName, NAME_RULES);
    validateString(this, 'description', props.description, DESCRIPTION_RULES);
    validateAudienceSize(this, props.audienceSize, props.audienceGenerationJob);
    const timeout = timeoutSeconds(this, props.timeout ?? Duration.hours(1));
    claimExportName(this, props.audienceGenerationJob, props.audienceExportJobName);

    const provider = CleanRoomsMlProvider.of(this);
    // A generation job of this app is a custom resource depending on the
    // handler policy: naming its ARN there would be a cycle.
    const jobArn = props.audienceGenerationJob.audienceGenerationJobArn;
    const jobs = Token.isUnresolved(jobArn) ? cleanRoomsMlArnPattern(this, AUDIENCE_GENERATION_JOB_ARN_RESOURCE_TYPE) : jobArn;
    provider.grant({ actions: ['cleanrooms-ml:StartAudienceExportJob'], resources: [jobs] });
    // No resource-level permissions (exports have no ARN): finds the export by job and name.
    provider.grant({ actions: ['cleanrooms-ml:ListAudienceExportJobs'], resources: ['*'] });

    const resource = provider.customResource<AudienceExportJobProperties>(this, 'Resource', {
      resourceType: AUDIENCE_EXPORT_JOB_RESOURCE_TYPE,
      common: { TimeoutSeconds: timeout, AttributesRevision: AUDIENCE_EXPORT_JOB_ATTRIBUTES_REVISION },
      properties: {
        Name: props.audienceExportJobName,
        AudienceGenerationJobArn: jobArn,
        AudienceSizeType: props.audienceSize.sizeType,
        AudienceSizeValue: props.audienceSize.value,
        Description: props.description,
      },
    });

    this.resource = resource;
    this.audienceGenerationJob = props.audienceGenerationJob;
    this.audienceSize = props.audienceSize;
    this.audienceExportJobName = this.getResourceNameAttribute(resource.getAttString(AudienceExportJobAttribute.NAME));
    this.attrStatus = resource.getAttString(AudienceExportJobAttribute.STATUS);
    this.attrOutputLocation = resource.getAttString(AudienceExportJobAttribute.OUTPUT_LOCATION);
  }

  /**
   * Sets what CloudFormation does with the export's resource when it leaves
   * the stack. The service cannot delete an export either way: it stays in
   * the job's history (and its audience in S3) until the job is deleted.
   *
   * @param policy the removal policy
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    checkRequired(this, 'removalPolicy', policy, REMOVAL_POLICY);
    this.resource.applyRemovalPolicy(policy);
  }
}

/**
 * The export names given in an app (by its root), per generation job (by
 * ARN when it is known, else by construct), with the path of the export
 * holding each: the service refuses a second export of a name for a job.
 */
const EXPORT_NAMES = new WeakMap<IConstruct, Map<unknown, Map<string, string>>>();

/** Refuses an export name another export of the same generation job already has in this app. */
function claimExportName(scope: IConstruct, job: IAudienceGenerationJob, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name)) {
    return;
  }
  const root = scope.node.root;
  const jobs = EXPORT_NAMES.get(root) ?? new Map<unknown, Map<string, string>>();
  EXPORT_NAMES.set(root, jobs);
  const jobKey = Token.isUnresolved(job.audienceGenerationJobArn) ? job : job.audienceGenerationJobArn;
  const names = jobs.get(jobKey) ?? new Map<string, string>();
  jobs.set(jobKey, names);
  const holder = names.get(name);
  if (holder !== undefined) {
    throw validationError(
      scope,
      'audienceExportJobName',
      `be unique among the exports of the audience generation job ${job.node.path} (the service refuses a second export of a name; ${holder} has it)`,
      describeValue(name),
    );
  }
  names.set(name, scope.node.path);
}

/**
 * A whole number in range for its type and, when the generation job's
 * configured audience model is known, one of its bins of the same type.
 */
function validateAudienceSize(scope: IConstruct, size: AudienceSize, job: IAudienceGenerationJob): void {
  checkRequired(scope, 'audienceSize', size, AUDIENCE_SIZE);
  checkRequired(scope, 'audienceSize value', size.value, NUMBER);
  if (Token.isUnresolved(size.value)) {
    return;
  }
  const max = size.sizeType === AudienceSizeType.PERCENTAGE ? MAX_AUDIENCE_PERCENTAGE : MAX_AUDIENCE_SIZE;
  if (!Number.isInteger(size.value) || size.value < 1 || size.value > max) {
    throw validationError(scope, 'audienceSize', `be a whole number between 1 and ${max.toLocaleString('en-US')} for ${size.sizeType} sizes`, `${size}`);
  }
  const model = job.configuredAudienceModel;
  const config = model?.audienceSizeConfig;
  if (config === undefined) {
    if (model instanceof ConfiguredAudienceModel) {
      throw validationError(
        scope,
        'audienceSize',
        'be one of the configured audience model\'s audience sizes, but it has none (give it an audienceSizeConfig)',
        `${size}`,
      );
    }
    return;
  }
  if (Token.isUnresolved(config.bins) || config.bins.some((bin) => Token.isUnresolved(bin))) {
    return;
  }
  if (config.sizeType !== size.sizeType || !config.bins.includes(size.value)) {
    throw validationError(
      scope,
      'audienceSize',
      `be one of the configured audience model's audience sizes (${config.sizeType} ${config.bins.join(', ')})`,
      `${size}`,
    );
  }
}
