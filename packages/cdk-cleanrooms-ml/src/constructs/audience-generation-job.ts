import {
  Arn,
  ArnFormat,
  CfnResource,
  CustomResource,
  Duration,
  IResource,
  ITaggable,
  Lazy,
  RemovalPolicy,
  Resource,
  Stack,
  TagManager,
  TagType,
  Token,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { AudienceExportJob, AudienceExportOptions } from './audience-export-job';
import { AudienceSize } from './audience-size';
import { CollaborationMembership } from './collaboration-membership';
import { ConfiguredAudienceModel, IConfiguredAudienceModel } from './configured-audience-model';
import { accountOfCleanRoomsMlResource, cleanRoomsMlResourceIdOf, environmentFromCleanRoomsMlArn } from './private/arns';
import {
  AUDIENCE_SIZE,
  bindableKind,
  BOOLEAN,
  checkKind,
  checkRequired,
  NUMBER,
  objectKind,
  REMOVAL_POLICY,
  resourceKind,
  ROLE,
} from './private/input-types';
import { BoundMembership, MEMBERSHIP } from './private/membership-binding';
import { CleanRoomsMlProvider } from './private/provider';
import { replacementKeyOf, roleReplacementKey } from './private/replacement-key';
import { cleanRoomsMlArnPattern, createCleanRoomsMlServiceRole } from './private/service-role';
import {
  COLLABORATION_ID_RULES,
  DESCRIPTION_RULES,
  describeValue,
  NAME_RULES,
  ROLE_ARN_RULES,
  validateString,
  validateTagsAtSynthesis,
  validationError,
} from './private/validation';
import { addWaitChain, chainedTimeoutSeconds, planWait } from './private/wait-chain';
import { SeedAudience, SeedAudienceConfig } from './seed-audience';
import {
  AUDIENCE_GENERATION_JOB_ARN_RESOURCE_TYPE,
  AUDIENCE_GENERATION_JOB_ATTRIBUTES_REVISION,
  AUDIENCE_GENERATION_JOB_RESOURCE_TYPE,
  AudienceGenerationJobAttribute,
  AudienceGenerationJobProperties,
  relevanceScoreAttributeName,
  relevanceScoreSizeKey,
} from '../contracts/audience-generation-job';
import { CONFIGURED_AUDIENCE_MODEL_ARN_RESOURCE_TYPE } from '../contracts/configured-audience-model';
import { MAX_USER_TAGS, RESERVED_TAG_PREFIX } from '../contracts/framework';

/**
 * A Clean Rooms ML audience generation job, created in this app or imported.
 */
export interface IAudienceGenerationJob extends IResource {
  /**
   * The ARN of the audience generation job.
   *
   * @attribute
   */
  readonly audienceGenerationJobArn: string;

  /**
   * The identifier of the audience generation job (the last part of its ARN).
   *
   * @attribute
   */
  readonly audienceGenerationJobId: string;

  /**
   * The name of the audience generation job, if known.
   */
  readonly audienceGenerationJobName?: string;

  /**
   * The configured audience model the job generated its audience with, if
   * known. Exports of the job are checked against its audience sizes.
   */
  readonly configuredAudienceModel?: IConfiguredAudienceModel;

  /**
   * Grants `grantee` the given Clean Rooms ML actions on this job.
   *
   * @param grantee the principal
   * @param actions the actions, e.g. `cleanrooms-ml:GetAudienceGenerationJob`
   */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;

  /**
   * Grants `grantee` permission to describe this job
   * (`cleanrooms-ml:GetAudienceGenerationJob`).
   */
  grantRead(grantee: iam.IGrantable): iam.Grant;

  /**
   * Exports the generated audience at one of its sizes to the configured
   * audience model's output location.
   *
   * @param id the construct id of the export (a child of this job)
   * @param options the size, and optionally the name and description
   */
  export(id: string, options: AudienceExportOptions): AudienceExportJob;
}

/**
 * What a created and an imported audience generation job have in common.
 */
export abstract class AudienceGenerationJobBase extends Resource implements IAudienceGenerationJob {
  /** The ARN of the audience generation job. */
  public abstract readonly audienceGenerationJobArn: string;
  /** The identifier of the audience generation job (the last part of its ARN). */
  public abstract readonly audienceGenerationJobId: string;
  /** The name of the audience generation job, if known. */
  public abstract readonly audienceGenerationJobName?: string;
  /** The configured audience model the job used, if known. */
  public abstract readonly configuredAudienceModel?: IConfiguredAudienceModel;

  /**
   * Grants `grantee` the given Clean Rooms ML actions on this job.
   *
   * @param grantee the principal
   * @param actions the actions, e.g. `cleanrooms-ml:GetAudienceGenerationJob`
   */
  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.audienceGenerationJobArn] });
  }

  /**
   * Grants `grantee` permission to describe this job
   * (`cleanrooms-ml:GetAudienceGenerationJob`).
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'cleanrooms-ml:GetAudienceGenerationJob');
  }

  /**
   * Exports the generated audience at one of its sizes to the configured
   * audience model's output location.
   *
   * @param id the construct id of the export (a child of this job)
   * @param options the size, and optionally the name and description
   */
  public export(id: string, options: AudienceExportOptions): AudienceExportJob {
    return new AudienceExportJob(this, id, { ...options, audienceGenerationJob: this });
  }
}

/**
 * Attributes of an audience generation job defined outside this app.
 */
export interface AudienceGenerationJobAttributes {
  /**
   * The ARN of the job:
   * `arn:<partition>:cleanrooms-ml:<region>:<account>:audience-generation-job/<id>`.
   */
  readonly audienceGenerationJobArn: string;

  /**
   * The name of the job.
   *
   * @default - unknown
   */
  readonly audienceGenerationJobName?: string;

  /**
   * The configured audience model the job used, so exports can be checked
   * against its audience sizes at synthesis.
   *
   * @default - unknown: export sizes are checked by the service only
   */
  readonly configuredAudienceModel?: IConfiguredAudienceModel;
}

/**
 * Properties of an `AudienceGenerationJob`.
 */
export interface AudienceGenerationJobProps {
  /**
   * The configured audience model to generate the audience with. A model of
   * another account must allow this account to start jobs (its resource
   * policy; see `ConfiguredAudienceModel.allowAccountToStartGenerationJobs`).
   */
  readonly configuredAudienceModel: IConfiguredAudienceModel;

  /**
   * The seed users to find lookalikes of: `SeedAudience.fromS3(bucket, key)`
   * or `SeedAudience.fromSql({...})`.
   */
  readonly seedAudience: SeedAudience;

  /**
   * The role Clean Rooms ML assumes to read the seed. It must trust
   * `cleanrooms-ml.amazonaws.com` and be in the stack's account. It is
   * granted the seed's read permissions like a created role, unless it is
   * immutable, in which case it must already have them.
   *
   * @default - a role trusted by Clean Rooms ML for audience generation jobs
   * of this account and Region, allowed exactly what the seed needs: for an
   * S3 seed `s3:ListBucket` on the bucket and `s3:GetObject` on the key (and
   * `kms:Decrypt`, `kms:DescribeKey` on its key); for a SQL seed
   * `cleanrooms:GetCollaborationAnalysisTemplate`, `cleanrooms:GetSchema` and
   * `cleanrooms:StartProtectedQuery` in the collaboration, and
   * `cleanrooms:GetProtectedQuery` / `cleanrooms:UpdateProtectedQuery` on the
   * membership
   */
  readonly seedRole?: iam.IRole;

  /**
   * Whether the seed users are included in the generated audience (first).
   *
   * @default false (the service's default: seed users are removed)
   */
  readonly includeSeedInOutput?: boolean;

  /**
   * The collaboration the job runs in: a lower-case UUID. Required for a SQL
   * seed, and for a configured audience model of another account: the
   * resource policy AWS Clean Rooms writes for an association allows
   * starting jobs only with the collaboration's id (condition
   * `cleanrooms-ml:CollaborationId`). With it, Clean Rooms ML also checks
   * that the collaboration exists and that both the job's account and the
   * model's owner are active members.
   *
   * @see https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-behaviors.html
   * @default - the collaboration of `membership` when known; otherwise none
   */
  readonly collaborationId?: string;

  /**
   * Your own membership in the collaboration the job runs in, e.g.
   * `CollaborationMembership.fromCfnMembership(membership)`: the job is
   * started once a membership of this app exists (and deleted before it),
   * and takes the membership's collaboration id when `collaborationId` is
   * not given.
   *
   * @default - none
   */
  readonly membership?: CollaborationMembership;

  /**
   * The name of the job: 1–63 printable characters, not only white space,
   * unique among the account's audience generation jobs in the Region.
   *
   * A named job cannot be replaced: changing any property but tags
   * (everything is fixed at creation) then fails unless the name changes too.
   *
   * @default - a name generated at deployment from the stack name, the
   * construct's logical id and the deployment request
   */
  readonly audienceGenerationJobName?: string;

  /**
   * A description of the job, at most 255 characters.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * How long the deployment waits for the audience to be generated
   * (`ACTIVE`) before failing: between 5 minutes and 72 hours. The wait
   * ends two minutes early so the failure reaches CloudFormation with the
   * job's last status. (Deleting the job may take at most an hour.)
   *
   * CloudFormation waits at most 1 hour for one custom resource. A longer
   * timeout continues the wait as `AudienceModel` does: in wait conditions
   * signalled by the stack's training poller (past 2 hours), then one wait
   * resource (`Custom::CleanRoomsMLWait`) that reads the `ACTIVE` job; the
   * job's ARN, attributes and exports come from it, so they wait until the
   * job is `ACTIVE`.
   *
   * The service documents no duration for generation jobs. The default keeps
   * each job a single resource, so a stack can hold many jobs; raise it for
   * large seeds.
   *
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;

  /**
   * What happens to the job (and its generated audience) when it leaves the
   * stack (or is replaced). It applies to the job's own resource; the wait
   * resources after it (see `timeout`) own nothing and are always deleted.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A Clean Rooms ML audience generation job: generates a lookalike audience
 * of a seed with a configured audience model. The deployment waits until the
 * job is `ACTIVE` (see `timeout`) and exposes its relevance metrics as
 * attributes; `job.export(...)` writes the audience at one of its sizes.
 *
 * The service has no update call: changing any property but tags starts a
 * new job and deletes the old one. Tags (`Tags.of(job).add(...)`) are changed
 * in place.
 *
 * A SQL seed's parameters stay out of the template: they are read from
 * Secrets Manager when the job starts (see `SeedAudience.fromSql`).
 *
 * @resource Custom::CleanRoomsMLAudienceGenerationJob
 */
export class AudienceGenerationJob extends AudienceGenerationJobBase implements ITaggable {
  /**
   * Imports an audience generation job by its ARN.
   *
   * @param scope the parent construct
   * @param id the construct id
   * @param audienceGenerationJobArn `arn:<partition>:cleanrooms-ml:<region>:<account>:audience-generation-job/<id>`
   */
  public static fromAudienceGenerationJobArn(scope: Construct, id: string, audienceGenerationJobArn: string): IAudienceGenerationJob {
    return AudienceGenerationJob.fromAudienceGenerationJobAttributes(scope, id, { audienceGenerationJobArn });
  }

  /**
   * Imports an audience generation job by its ARN, with its name and
   * configured audience model when known.
   *
   * @param scope the parent construct
   * @param id the construct id
   * @param attrs the job's attributes
   */
  public static fromAudienceGenerationJobAttributes(scope: Construct, id: string, attrs: AudienceGenerationJobAttributes): IAudienceGenerationJob {
    const arn = attrs?.audienceGenerationJobArn;

    class Import extends AudienceGenerationJobBase {
      public readonly audienceGenerationJobArn = arn;
      public readonly audienceGenerationJobId: string;
      public readonly audienceGenerationJobName = attrs?.audienceGenerationJobName;
      public readonly configuredAudienceModel = attrs?.configuredAudienceModel;

      constructor() {
        super(scope, id, { environmentFromArn: environmentFromCleanRoomsMlArn(arn, AUDIENCE_GENERATION_JOB_ARN_RESOURCE_TYPE) });
        checkRequired(this, 'attrs', attrs, objectKind('AudienceGenerationJobAttributes'));
        this.audienceGenerationJobId = cleanRoomsMlResourceIdOf(
          this,
          'audienceGenerationJobArn',
          arn,
          AUDIENCE_GENERATION_JOB_ARN_RESOURCE_TYPE,
          'an audience generation job',
        );
        validateString(this, 'audienceGenerationJobName', attrs.audienceGenerationJobName, NAME_RULES);
        checkKind(this, 'configuredAudienceModel', attrs.configuredAudienceModel, CONFIGURED_AUDIENCE_MODEL);
      }
    }
    return new Import();
  }

  /** The ARN of the audience generation job. */
  public readonly audienceGenerationJobArn: string;
  /** The identifier of the audience generation job (the last part of its ARN). */
  public readonly audienceGenerationJobId: string;
  /**
   * The name of the job, given or generated (always set on a created job;
   * optional only because an imported one may not know it).
   */
  public readonly audienceGenerationJobName?: string;
  /**
   * The configured audience model the job generates its audience with
   * (always set on a created job; optional only because an imported one may
   * not know it).
   */
  public readonly configuredAudienceModel?: IConfiguredAudienceModel;
  /** The role Clean Rooms ML assumes to read the seed (given or created). */
  public readonly seedRole: iam.IRole;

  /**
   * The status of the job once deployed (`ACTIVE`).
   *
   * @attribute
   */
  public readonly attrStatus: string;

  /**
   * The relevance metrics the service reports for the generated audience, as
   * JSON: `[{"audienceSize":{"type":"ABSOLUTE","value":10000},"score":0.8}, …]`
   * (empty when none).
   *
   * @attribute
   */
  public readonly attrRelevanceMetrics: string;

  /**
   * The recall metric the service reports (empty when none).
   *
   * @attribute
   */
  public readonly attrRecallMetric: string;

  /** Tags of the job, applied in place (`Tags.of(job).add(key, value)`). */
  public readonly tags: TagManager;

  private readonly resource: CustomResource;
  /** The resource holding the attributes of the ACTIVE job: the wait resource after the wait conditions, or the job's own. */
  private readonly attributes: CustomResource;
  /** Sizes whose relevance score the app reads, in the order first asked. */
  private readonly scoreSizes: string[] = [];

  constructor(scope: Construct, id: string, props: AudienceGenerationJobProps) {
    super(scope, id, { physicalName: props?.audienceGenerationJobName });

    checkRequired(this, 'props', props, objectKind('AudienceGenerationJobProps'));
    checkRequired(this, 'configuredAudienceModel', props.configuredAudienceModel, CONFIGURED_AUDIENCE_MODEL);
    checkRequired(this, 'seedAudience', props.seedAudience, SEED_AUDIENCE);
    checkKind(this, 'seedRole', props.seedRole, ROLE);
    checkKind(this, 'includeSeedInOutput', props.includeSeedInOutput, BOOLEAN);
    checkKind(this, 'removalPolicy', props.removalPolicy, REMOVAL_POLICY);

    validateString(this, 'audienceGenerationJobName', props.audienceGenerationJobName, NAME_RULES);
    validateString(this, 'description', props.description, DESCRIPTION_RULES);
    validateString(this, 'collaborationId', props.collaborationId, COLLABORATION_ID_RULES);
    checkKind(this, 'membership', props.membership, MEMBERSHIP);
    const membership = props.membership?._bind(this, 'membership');
    const collaborationId = collaborationIdOf(this, props.collaborationId, membership);
    requireCollaborationAcrossAccounts(this, props.configuredAudienceModel, collaborationId);
    const plan = planWait(chainedTimeoutSeconds(this, props.timeout ?? Duration.hours(1)));
    const bindOptions = { collaborationId };
    const seed = props.seedAudience.bind(this, bindOptions);

    this.tags = new TagManager(TagType.MAP, AUDIENCE_GENERATION_JOB_RESOURCE_TYPE, undefined, { tagPropertyName: 'tags' });
    validateTagsAtSynthesis(this, this.tags, MAX_USER_TAGS, RESERVED_TAG_PREFIX);

    const createdRole = props.seedRole ? undefined : createCleanRoomsMlServiceRole(this, 'SeedRole', {
      resourceType: AUDIENCE_GENERATION_JOB_ARN_RESOURCE_TYPE,
      description: 'Lets Clean Rooms ML read the seed audience of an audience generation job',
    });
    this.seedRole = props.seedRole ?? createdRole!;
    validateRole(this, this.seedRole);
    const readGrant = props.seedAudience.grantRead(this, this.seedRole, bindOptions);
    if (createdRole) {
      suppressSeedRoleFindings(createdRole, seed);
    }

    const provider = CleanRoomsMlProvider.of(this);
    this.grantProviderAccess(provider, props.configuredAudienceModel, seed);

    // Every property but the tags (and the relevance score sizes, read from the job) is fixed at creation.
    const createOnly = {
      Name: props.audienceGenerationJobName,
      ConfiguredAudienceModelArn: props.configuredAudienceModel.configuredAudienceModelArn,
      SeedRoleArn: this.seedRole.roleArn,
      SeedS3Uri: seed.s3Uri,
      SeedSqlQueryString: seed.sql?.queryString,
      SeedSqlQueryStringSecretArn: seed.sql?.queryStringSecret?.secretArn,
      SeedSqlAnalysisTemplateArn: seed.sql?.analysisTemplateArn,
      SeedSqlParametersSecretArn: seed.sql?.parametersSecret?.secretArn,
      SeedSqlWorkerType: seed.sql?.computeConfiguration?.workerType,
      SeedSqlNumberOfWorkers: seed.sql?.computeConfiguration?.numberOfWorkers,
      SeedSqlSparkProperties: seed.sql?.computeConfiguration?.sparkProperties,
      IncludeSeedInOutput: props.includeSeedInOutput,
      CollaborationId: collaborationId,
      Description: props.description,
    };
    this.resource = provider.customResource<AudienceGenerationJobProperties>(this, 'Resource', {
      resourceType: AUDIENCE_GENERATION_JOB_RESOURCE_TYPE,
      common: {
        TimeoutSeconds: plan.resourceTimeoutSeconds,
        AttributesRevision: AUDIENCE_GENERATION_JOB_ATTRIBUTES_REVISION,
        WaitLinks: plan.readyWindowSeconds !== undefined ? plan.waitConditions + 1 : undefined,
      },
      properties: {
        ...createOnly,
        Tags: Lazy.any({ produce: () => this.tags.renderTags() }),
        RelevanceScoreSizes: this.renderScoreSizes(),
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    // With a long timeout, the ready wait resource holds the attributes of the ACTIVE
    // job: whatever reads them (exports included) is created once it is done.
    const lastWait = addWaitChain(this, {
      waited: this.resource,
      arnAttribute: AudienceGenerationJobAttribute.AUDIENCE_GENERATION_JOB_ARN,
      plan,
      lastLinkProperties: { RelevanceScoreSizes: this.renderScoreSizes() },
      // A replaced configured model (of this stack) or seed role (of this stack) changes the job's ARN references,
      // which resolve to the same GetAtt: their own keys tell the replacement, which replaces the job.
      replacementKey: {
        ...createOnly,
        configuredAudienceModel: replacementKeyOf(props.configuredAudienceModel, this),
        seedRole: roleReplacementKey(this.seedRole, this),
      },
    });
    this.attributes = lastWait ?? this.resource;
    if (membership?.dependable) {
      // The job names the collaboration, not the membership: without this,
      // CloudFormation could start it before the member has joined (and
      // delete the membership while the job still exists).
      this.resource.node.addDependency(membership.dependable);
    }
    // The role can read the seed before the job starts, and keeps its
    // permissions until the job is gone.
    readGrant.applyBefore(this.resource);

    this.configuredAudienceModel = props.configuredAudienceModel;
    this.audienceGenerationJobArn = this.attributes.getAttString(AudienceGenerationJobAttribute.AUDIENCE_GENERATION_JOB_ARN);
    this.audienceGenerationJobId = Arn.split(this.audienceGenerationJobArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
    this.audienceGenerationJobName = this.getResourceNameAttribute(this.attributes.getAttString(AudienceGenerationJobAttribute.NAME));
    this.attrStatus = this.attributes.getAttString(AudienceGenerationJobAttribute.STATUS);
    this.attrRelevanceMetrics = this.attributes.getAttString(AudienceGenerationJobAttribute.RELEVANCE_METRICS);
    this.attrRecallMetric = this.attributes.getAttString(AudienceGenerationJobAttribute.RECALL_METRIC);
  }

  /**
   * The relevance score the service reports for the generated audience at
   * one size (empty when it reports none for that size), as an attribute of
   * the job.
   *
   * @param size one of the configured audience model's sizes, e.g. `AudienceSize.absolute(10_000)`
   */
  public relevanceScore(size: AudienceSize): string {
    checkRequired(this, 'relevanceScore size', size, AUDIENCE_SIZE);
    checkRequired(this, 'relevanceScore size value', size.value, NUMBER);
    if (Token.isUnresolved(size.value) || !Number.isInteger(size.value) || size.value < 1) {
      throw validationError(this, 'relevanceScore size', 'be a whole number of at least 1 known at synthesis', describeValue(size.value));
    }
    const key = relevanceScoreSizeKey(size.sizeType, size.value);
    if (!this.scoreSizes.includes(key)) {
      this.scoreSizes.push(key);
    }
    return this.attributes.getAttString(relevanceScoreAttributeName(size.sizeType, size.value));
  }

  /**
   * Sets what happens to the job (and its generated audience) when it
   * leaves the stack or is replaced, as the `removalPolicy` prop does: on
   * the job's own resource. The wait conditions and wait resource after it (see `timeout`) own
   * nothing and are always deleted.
   *
   * @param policy the removal policy
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    checkRequired(this, 'removalPolicy', policy, REMOVAL_POLICY);
    this.resource.applyRemovalPolicy(policy);
  }

  /** The sizes whose score the app reads, rendered at synthesis (after every `relevanceScore` call). */
  private renderScoreSizes(): string[] {
    return Lazy.list({ produce: () => [...this.scoreSizes] }, { omitEmpty: true });
  }

  /** What the stack's custom resource handler needs to start, tag, watch and delete this job. */
  private grantProviderAccess(provider: CleanRoomsMlProvider, model: IConfiguredAudienceModel, seed: SeedAudienceConfig): void {
    // The jobs of the stack's own account, also for a model of another
    // account: the job started there gets an ARN in each account, and the
    // caller reads, tags and deletes it through its own account's ARN only
    // (a delete deletes the one job for both accounts; user guide, "IAM
    // behaviors for AWS Clean Rooms ML",
    // https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-behaviors.html).
    const jobs = cleanRoomsMlArnPattern(this, AUDIENCE_GENERATION_JOB_ARN_RESOURCE_TYPE);
    // A configured model of this app is a custom resource depending on the
    // handler policy: naming its ARN there would be a cycle. Its type's
    // pattern in its account and Region holds it.
    const modelArn = model instanceof ConfiguredAudienceModel && Token.isUnresolved(model.configuredAudienceModelArn)
      ? model.stack.formatArn({ service: 'cleanrooms-ml', resource: CONFIGURED_AUDIENCE_MODEL_ARN_RESOURCE_TYPE, resourceName: '*' })
      : model.configuredAudienceModelArn;
    // Authorized on the configured model (another account's too: its
    // resource policy must allow this account as well) and on the job it creates.
    provider.grant({ actions: ['cleanrooms-ml:StartAudienceGenerationJob'], resources: [modelArn, jobs] });
    provider.grant({
      actions: [
        'cleanrooms-ml:GetAudienceGenerationJob',
        'cleanrooms-ml:DeleteAudienceGenerationJob',
        'cleanrooms-ml:TagResource',
        'cleanrooms-ml:UntagResource',
        'cleanrooms-ml:ListTagsForResource',
      ],
      resources: [jobs],
    });
    // No resource-level permissions: finds the job a replayed start made.
    provider.grant({ actions: ['cleanrooms-ml:ListAudienceGenerationJobs'], resources: ['*'] });
    provider.grantPassRole(this.seedRole);
    for (const secret of [seed.sql?.queryStringSecret, seed.sql?.parametersSecret]) {
      if (secret) {
        grantSecretValue(provider, this, secret);
      }
    }
  }
}

const CONFIGURED_AUDIENCE_MODEL = resourceKind(
  'configuredAudienceModelArn',
  'be a configured audience model (a ConfiguredAudienceModel, or one imported with ConfiguredAudienceModel.fromConfiguredAudienceModelArn)',
);


/** The job's collaboration: the one given, else the membership's; both given must agree. */
function collaborationIdOf(scope: IConstruct, given: string | undefined, membership: BoundMembership | undefined): string | undefined {
  const ofMembership = membership?.collaborationId;
  const bothKnown = given !== undefined && ofMembership !== undefined && !Token.isUnresolved(given) && !Token.isUnresolved(ofMembership);
  if (bothKnown && given !== ofMembership) {
    throw validationError(scope, 'collaborationId', `be the collaboration of membership (${ofMembership})`, describeValue(given));
  }
  return given ?? ofMembership;
}

/**
 * A model of another account is shared through a collaboration: the
 * statement AWS Clean Rooms writes into its resource policy allows starting
 * jobs only with the collaboration's id (user guide, "Validating
 * collaborators": "you must specify the collaborationId"). Requiring it for
 * every cross-account job, also under a policy the owner writes itself, is
 * the library's choice: it keeps the job valid when the owner moves to a
 * managed policy.
 */
function requireCollaborationAcrossAccounts(scope: IConstruct, model: IConfiguredAudienceModel, collaborationId: string | undefined): void {
  const modelAccount = accountOfCleanRoomsMlResource(model, model.configuredAudienceModelArn);
  const stackAccount = Stack.of(scope).account;
  if (collaborationId === undefined && !Token.isUnresolved(modelAccount) && !Token.isUnresolved(stackAccount) && modelAccount !== stackAccount) {
    throw validationError(
      scope,
      'collaborationId',
      `be given (or a membership that knows it) when the configured audience model belongs to another account (${modelAccount}): `
      + 'its resource policy allows starting jobs only in the collaboration it is associated with (cleanrooms-ml:CollaborationId)',
      'none',
    );
  }
}

/** What `SeedAudience.fromS3(...)` and `SeedAudience.fromSql(...)` make. */
const SEED_AUDIENCE = bindableKind('be a seed audience (SeedAudience.fromS3(bucket, key) or SeedAudience.fromSql({...}))');

/**
 * Lets the handler read one secret's value, and decrypt it with the secret's
 * key through Secrets Manager only.
 */
function grantSecretValue(provider: CleanRoomsMlProvider, scope: IConstruct, secret: secretsmanager.ISecret): void {
  // A secret imported by name or partial ARN lacks the random suffix Secrets Manager adds.
  const secretArn = secret.secretFullArn ?? `${secret.secretArn}-??????`;
  provider.grant({ actions: ['secretsmanager:GetSecretValue'], resources: [secretArn] });
  if (secret.encryptionKey) {
    const stack = Stack.of(scope);
    provider.grant({
      actions: ['kms:Decrypt'],
      resources: [secret.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.${stack.urlSuffix}` } },
    });
  }
}

/**
 * cdk-nag AwsSolutions-IAM5 findings on a created seed role, reviewed: a
 * seed under an S3 prefix is every object below it; a SQL seed's protected
 * query reads the schemas and templates of the collaboration's other
 * members, whose accounts (and ids) are not known here. (cdk-nag's metadata
 * format; cdk-nag is a development tool, so it is not imported here.)
 */
function suppressSeedRoleFindings(role: iam.Role, seed: SeedAudienceConfig): void {
  const policy = role.node.tryFindChild('DefaultPolicy')?.node.defaultChild;
  const appliesTo: Array<{ regex: string }> = [];
  if (seed.s3Uri !== undefined) {
    // s3://<bucket>/<key>: a bucket name (even a token) has no "/".
    const key = seed.s3Uri.split('/').slice(3).join('/');
    if (Token.isUnresolved(key) || key.endsWith('/')) {
      const escaped = Token.isUnresolved(key) ? '.*' : key.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      appliesTo.push({ regex: `/^Resource::.+\\/${escaped}\\*$/g` });
    }
  }
  if (seed.sql !== undefined) {
    appliesTo.push({
      regex: '/^Resource::arn:<AWS::Partition>:cleanrooms:[^:]+:\\*:(collaboration\\/[0-9a-f-]+|membership\\/\\*\\/(configuredtableassociation|analysistemplate)\\/\\*)$/g',
    });
  }
  if (!(policy instanceof CfnResource) || appliesTo.length === 0) {
    return;
  }
  const existing = policy.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
  policy.addMetadata('cdk_nag', {
    rules_to_suppress: [...existing, {
      id: 'AwsSolutions-IAM5',
      reason: 'A seed under an S3 prefix is every object below it; a SQL seed\'s protected query reads the collaboration\'s schemas '
        + 'and analysis templates, which belong to other members whose accounts and ids are not known to this stack.',
      applies_to: appliesTo,
    }],
  });
}

/** The service only accepts a role of the caller's account. */
function validateRole(scope: IConstruct, role: iam.IRole): void {
  const roleArn = role.roleArn;
  validateString(scope, 'seedRole', roleArn, ROLE_ARN_RULES);
  if (Token.isUnresolved(roleArn)) {
    return;
  }
  const roleAccount = Arn.split(roleArn, ArnFormat.SLASH_RESOURCE_NAME).account;
  const stackAccount = Stack.of(scope).account;
  if (!Token.isUnresolved(stackAccount) && roleAccount !== stackAccount) {
    throw validationError(scope, 'seedRole', `be in the stack's account (${stackAccount})`, describeValue(roleArn));
  }
}
