import { createHash } from 'crypto';
import {
  Arn,
  ArnFormat,
  CfnResource,
  CustomResource,
  Duration,
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
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { IAudienceModel } from './audience-model';
import { AudienceSizeConfig, AudienceSizeType } from './audience-size-config';
import { CollaborationMembership } from './collaboration-membership';
import { ConfiguredAudienceModelAssociation, ConfiguredAudienceModelAssociationOptions } from './configured-audience-model-association';
import { cleanRoomsMlResourceIdOf, environmentFromCleanRoomsMlArn } from './private/arns';
import {
  BUCKET,
  checkKind,
  checkRequired,
  enumKind,
  InputKind,
  KMS_KEY,
  objectKind,
  POLICY_STATEMENT,
  REMOVAL_POLICY,
  resourceKind,
  ROLE,
} from './private/input-types';
import { CleanRoomsMlProvider, timeoutSeconds } from './private/provider';
import { registerReplacementKey } from './private/replacement-key';
import { cleanRoomsMlArnPattern, createCleanRoomsMlServiceRole } from './private/service-role';
import {
  ACCOUNT_ID_RULES,
  COLLABORATION_ID_RULES,
  DESCRIPTION_RULES,
  describeValue,
  NAME_RULES,
  ROLE_ARN_RULES,
  validateCount,
  validateNumber,
  validateString,
  validateTagsAtSynthesis,
  validateUnique,
  validationError,
} from './private/validation';
import { AUDIENCE_MODEL_ARN_RESOURCE_TYPE } from '../contracts/audience-model';
import {
  CONFIGURED_AUDIENCE_MODEL_ARN_RESOURCE_TYPE,
  CONFIGURED_AUDIENCE_MODEL_ATTRIBUTES_REVISION,
  CONFIGURED_AUDIENCE_MODEL_RESOURCE_TYPE,
  ConfiguredAudienceModelAttribute,
  ConfiguredAudienceModelProperties,
  POLICY_SELF_ARN_PLACEHOLDER,
} from '../contracts/configured-audience-model';
import { MAX_USER_TAGS, RESERVED_TAG_PREFIX } from '../contracts/framework';

/** The resource type of audience generation jobs in ARNs. */
const AUDIENCE_GENERATION_JOB_ARN_RESOURCE_TYPE = 'audience-generation-job';

/** The one Clean Rooms ML action another account can be allowed on a configured model. */
const START_AUDIENCE_GENERATION_JOB = 'cleanrooms-ml:StartAudienceGenerationJob';

/**
 * Which metrics of a generated audience Clean Rooms ML shares with the
 * member who generated it.
 */
export enum SharedAudienceMetrics {
  /** Every metric (the audience's relevance metrics). */
  ALL = 'ALL',
  /** None. */
  NONE = 'NONE',
}

/**
 * How Clean Rooms ML tags the audience generation jobs started with a
 * configured audience model.
 */
export enum TagOnCreatePolicy {
  /** A job gets the configured model's tags by default; the job's own tags override them. */
  FROM_PARENT_RESOURCE = 'FROM_PARENT_RESOURCE',
  /** A job gets only the tags its start request gives. */
  NONE = 'NONE',
}

/**
 * A Clean Rooms ML configured audience model, created in this app or imported.
 */
export interface IConfiguredAudienceModel extends iam.IResourceWithPolicy {
  /**
   * The ARN of the configured audience model.
   *
   * @attribute
   */
  readonly configuredAudienceModelArn: string;

  /**
   * The identifier of the configured audience model (the last part of its ARN).
   *
   * @attribute
   */
  readonly configuredAudienceModelId: string;

  /**
   * The name of the configured audience model, if known.
   */
  readonly configuredAudienceModelName?: string;

  /**
   * The audience sizes the configured audience model offers, if known.
   * Audience generation and export jobs must ask for one of them.
   */
  readonly audienceSizeConfig?: AudienceSizeConfig;

  /**
   * Grants `grantee` the given Clean Rooms ML actions on this configured
   * audience model.
   *
   * @param grantee the principal
   * @param actions the actions, e.g. `cleanrooms-ml:GetConfiguredAudienceModel`
   */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;

  /**
   * Grants `grantee` permission to describe this configured audience model
   * (`cleanrooms-ml:GetConfiguredAudienceModel`).
   */
  grantRead(grantee: iam.IGrantable): iam.Grant;

  /**
   * Lets `grantee` start audience generation jobs with this configured
   * audience model (`cleanrooms-ml:StartAudienceGenerationJob` on the model
   * and on the jobs of its account).
   *
   * A principal of the model's account gets an identity policy statement;
   * a principal of another account (e.g. `new iam.AccountPrincipal(id)`)
   * gets a statement in the model's resource policy, which only a model
   * created in this app can have.
   */
  grantStartAudienceGenerationJob(grantee: iam.IGrantable): iam.Grant;

  /**
   * Associates this configured audience model with an AWS Clean Rooms
   * collaboration through your membership in it, so the collaboration's
   * members can generate audiences with it. The model must belong to the
   * stack's account.
   *
   * @param membership your membership in the collaboration
   * @param options the association's name, description, `manageResourcePolicies`, timeout and removal policy
   */
  associateWith(membership: CollaborationMembership, options?: ConfiguredAudienceModelAssociationOptions): ConfiguredAudienceModelAssociation;
}

/**
 * Options of `ConfiguredAudienceModel.allowAccountToStartGenerationJobs`.
 */
export interface AllowStartGenerationJobsOptions {
  /**
   * The collaboration the account may start jobs in: a lower-case UUID. The
   * statement then has the condition
   * `StringEquals: { "cleanrooms-ml:CollaborationId": <id> }`, as the one AWS
   * Clean Rooms writes for an association, and the account's jobs must name
   * this collaboration (`AudienceGenerationJob`'s `collaborationId`).
   *
   * @see https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-behaviors.html
   * @default - jobs in any collaboration, or in none
   */
  readonly collaborationId?: string;
}

/**
 * What a created and an imported configured audience model have in common.
 */
export abstract class ConfiguredAudienceModelBase extends Resource implements IConfiguredAudienceModel {
  /** The ARN of the configured audience model. */
  public abstract readonly configuredAudienceModelArn: string;
  /** The identifier of the configured audience model (the last part of its ARN). */
  public abstract readonly configuredAudienceModelId: string;
  /** The name of the configured audience model, if known. */
  public abstract readonly configuredAudienceModelName?: string;
  /** The audience sizes the configured audience model offers, if known. */
  public abstract readonly audienceSizeConfig?: AudienceSizeConfig;

  /**
   * Adds a statement to the model's resource policy. An imported model's
   * policy is not managed by this app: the statement is not added.
   *
   * @param _statement the statement
   */
  public addToResourcePolicy(_statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    return { statementAdded: false };
  }

  /**
   * Grants `grantee` the given Clean Rooms ML actions on this configured
   * audience model.
   *
   * @param grantee the principal
   * @param actions the actions, e.g. `cleanrooms-ml:GetConfiguredAudienceModel`
   */
  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.configuredAudienceModelArn],
    });
  }

  /**
   * Grants `grantee` permission to describe this configured audience model
   * (`cleanrooms-ml:GetConfiguredAudienceModel`).
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'cleanrooms-ml:GetConfiguredAudienceModel');
  }

  /**
   * Lets `grantee` start audience generation jobs with this configured
   * audience model (`cleanrooms-ml:StartAudienceGenerationJob` on the model
   * and on the jobs of its account): an identity policy statement for a
   * principal of the model's account, a resource policy statement for
   * another account's.
   */
  public grantStartAudienceGenerationJob(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipalOrResource({
      grantee,
      actions: [START_AUDIENCE_GENERATION_JOB],
      resourceArns: startAudienceGenerationJobResources(this),
      resource: this,
    });
  }


  /**
   * Associates this configured audience model with an AWS Clean Rooms
   * collaboration through your membership in it, so the collaboration's
   * members can generate audiences with it: a `ConfiguredAudienceModelAssociation`
   * child of this construct (one per membership). The model must belong to
   * the stack's account.
   *
   * @param membership your membership in the collaboration
   * @param options the association's name, description, `manageResourcePolicies`, timeout and removal policy
   */
  public associateWith(
    membership: CollaborationMembership,
    options: ConfiguredAudienceModelAssociationOptions = {},
  ): ConfiguredAudienceModelAssociation {
    checkKind(this, 'associateWith options', options, objectKind('ConfiguredAudienceModelAssociationOptions'));
    // The child's id follows the membership, so associations through several
    // memberships keep their logical ids whatever the order they are made in.
    const key = membership instanceof CollaborationMembership ? JSON.stringify(this.stack.resolve(membership.membershipId)) : '';
    const id = `Association${createHash('sha256').update(key).digest('hex').slice(0, 8).toUpperCase()}`;
    if (key !== '' && this.node.tryFindChild(id) !== undefined) {
      throw validationError(
        this,
        'membership',
        'be one this configured audience model is not associated through yet (one association per collaboration)',
        describeValue(Token.isUnresolved(membership.membershipId) ? this.stack.resolve(membership.membershipId) : membership.membershipId),
      );
    }
    return new ConfiguredAudienceModelAssociation(this, id, { ...options, membership, configuredAudienceModel: this });
  }
}

/**
 * Attributes of a configured audience model defined outside this app.
 */
export interface ConfiguredAudienceModelAttributes {
  /**
   * The ARN of the configured audience model:
   * `arn:<partition>:cleanrooms-ml:<region>:<account>:configured-audience-model/<id>`.
   */
  readonly configuredAudienceModelArn: string;

  /**
   * The name of the configured audience model.
   *
   * @default - unknown
   */
  readonly configuredAudienceModelName?: string;

  /**
   * The audience sizes the configured audience model offers, so jobs using
   * it can be checked at synthesis.
   *
   * @default - unknown: the sizes jobs ask for are checked by the service only
   */
  readonly audienceSizeConfig?: AudienceSizeConfig;
}

/**
 * Properties of a `ConfiguredAudienceModel`.
 */
export interface ConfiguredAudienceModelProps {
  /**
   * The trained audience model to configure. It must be `ACTIVE` when the
   * configured model is created or changed to use it (an `AudienceModel` of
   * the same stack is: its deployment waits for the training).
   */
  readonly audienceModel: IAudienceModel;

  /**
   * The bucket Clean Rooms ML writes generated audiences to.
   */
  readonly outputBucket: s3.IBucket;

  /**
   * The key prefix under which generated audiences are written, e.g.
   * `audiences/`. Each audience gets its own location below it.
   *
   * @default - the root of the bucket
   */
  readonly outputPrefix?: string;

  /**
   * The KMS key the output bucket encrypts objects with, which the output
   * role is allowed to use (`kms:Encrypt`, `kms:GenerateDataKey*`,
   * `kms:ReEncrypt*`).
   *
   * @default - the bucket's `encryptionKey` if it has one; otherwise no KMS
   * permissions are granted
   */
  readonly outputEncryptionKey?: kms.IKey;

  /**
   * The role Clean Rooms ML assumes to write generated audiences. It must
   * trust `cleanrooms-ml.amazonaws.com` and be in the stack's account. It is
   * granted write access to the output location like a created role, unless
   * it is immutable (e.g. `Role.fromRoleArn(this, 'Role', arn, { mutable: false })`),
   * in which case it must already have that access.
   *
   * @default - a role trusted by Clean Rooms ML for configured audience
   * models of this account and Region, allowed exactly `s3:ListBucket` and
   * `s3:GetBucketLocation` on the bucket, `s3:PutObject` under the prefix
   * and, with an encryption key, `kms:Encrypt`, `kms:GenerateDataKey*` and
   * `kms:ReEncrypt*` on the key
   */
  readonly outputRole?: iam.IRole;

  /**
   * The audience sizes jobs may ask for, e.g.
   * `AudienceSizeConfig.absolute([10_000, 100_000])`.
   *
   * Sizes can change in place, but removing them replaces the configured
   * model (the service cannot clear them).
   *
   * @default - none configured
   */
  readonly audienceSizeConfig?: AudienceSizeConfig;

  /**
   * Which metrics of a generated audience are shared with the member who
   * generated it. The service requires a choice.
   *
   * @default SharedAudienceMetrics.ALL
   */
  readonly sharedAudienceMetrics?: SharedAudienceMetrics;

  /**
   * The fewest users of a seed audience that must match users of the
   * training data for a generation job to run: 25–500,000.
   *
   * @default - the service's default (500)
   */
  readonly minMatchingSeedSize?: number;

  /**
   * How Clean Rooms ML tags the audience generation jobs started with this
   * configured model. Fixed at creation: changing it replaces the model.
   *
   * @default - the service's default (`NONE`)
   */
  readonly childResourceTagOnCreatePolicy?: TagOnCreatePolicy;

  /**
   * The name of the configured audience model: 1–63 printable characters,
   * not only white space.
   *
   * A named configured model cannot be replaced: changing
   * `childResourceTagOnCreatePolicy` (or removing `audienceSizeConfig`) then
   * fails unless the name changes too.
   *
   * @default - a name generated at deployment from the stack name, the
   * construct's logical id and the deployment request
   */
  readonly configuredAudienceModelName?: string;

  /**
   * A description of the configured audience model, at most 255 characters.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * How long the deployment waits for the configured model's creation,
   * update or deletion before failing. The service answers at once; this
   * only bounds a deployment that cannot reach it.
   *
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;

  /**
   * What happens to the configured audience model when it leaves the stack.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A Clean Rooms ML configured audience model: a trained audience model made
 * available for generating audiences, with where they are written, the
 * sizes offered, the metrics shared and, optionally, a resource policy
 * letting other accounts start generation jobs.
 *
 * Most settings change in place; the name and
 * `childResourceTagOnCreatePolicy` are fixed at creation (changing them
 * replaces the model). Tags (`Tags.of(model).add(...)`) and the resource
 * policy change in place.
 *
 * @resource Custom::CleanRoomsMLConfiguredAudienceModel
 */
export class ConfiguredAudienceModel extends ConfiguredAudienceModelBase implements ITaggable {
  /**
   * Imports a configured audience model by its ARN.
   *
   * @param scope the parent construct
   * @param id the construct id
   * @param configuredAudienceModelArn `arn:<partition>:cleanrooms-ml:<region>:<account>:configured-audience-model/<id>`
   */
  public static fromConfiguredAudienceModelArn(scope: Construct, id: string, configuredAudienceModelArn: string): IConfiguredAudienceModel {
    return ConfiguredAudienceModel.fromConfiguredAudienceModelAttributes(scope, id, { configuredAudienceModelArn });
  }

  /**
   * Imports a configured audience model by its ARN, with its name and
   * audience sizes when known.
   *
   * @param scope the parent construct
   * @param id the construct id
   * @param attrs the configured model's attributes
   */
  public static fromConfiguredAudienceModelAttributes(
    scope: Construct,
    id: string,
    attrs: ConfiguredAudienceModelAttributes,
  ): IConfiguredAudienceModel {
    const arn = attrs?.configuredAudienceModelArn;

    class Import extends ConfiguredAudienceModelBase {
      public readonly configuredAudienceModelArn = arn;
      public readonly configuredAudienceModelId: string;
      public readonly configuredAudienceModelName = attrs?.configuredAudienceModelName;
      public readonly audienceSizeConfig = attrs?.audienceSizeConfig;

      constructor() {
        super(scope, id, { environmentFromArn: environmentFromCleanRoomsMlArn(arn, CONFIGURED_AUDIENCE_MODEL_ARN_RESOURCE_TYPE) });
        checkRequired(this, 'attrs', attrs, objectKind('ConfiguredAudienceModelAttributes'));
        this.configuredAudienceModelId = cleanRoomsMlResourceIdOf(
          this,
          'configuredAudienceModelArn',
          arn,
          CONFIGURED_AUDIENCE_MODEL_ARN_RESOURCE_TYPE,
          'a configured audience model',
        );
        validateString(this, 'configuredAudienceModelName', attrs.configuredAudienceModelName, NAME_RULES);
        validateAudienceSizeConfig(this, 'audienceSizeConfig', attrs.audienceSizeConfig);
      }
    }
    return new Import();
  }

  /** The ARN of the configured audience model. */
  public readonly configuredAudienceModelArn: string;
  /** The identifier of the configured audience model (the last part of its ARN). */
  public readonly configuredAudienceModelId: string;
  /**
   * The name of the configured audience model, given or generated (always
   * set on a created model; optional only because an imported one may not
   * know it).
   */
  public readonly configuredAudienceModelName?: string;
  /** The audience sizes the configured model offers, if configured. */
  public readonly audienceSizeConfig?: AudienceSizeConfig;
  /** The audience model this configured model uses. */
  public readonly audienceModel: IAudienceModel;
  /** The role Clean Rooms ML assumes to write generated audiences (given or created). */
  public readonly outputRole: iam.IRole;
  /** Where generated audiences are written: `s3://<bucket>/<prefix>`. */
  public readonly outputS3Uri: string;

  /**
   * The status of the configured model once deployed (`ACTIVE`).
   *
   * @attribute
   */
  public readonly attrStatus: string;

  /**
   * The hash of the model's resource policy as the service reports it
   * (empty when the model has none).
   *
   * @attribute
   */
  public readonly attrPolicyHash: string;

  /** Tags of the configured model, applied in place (`Tags.of(model).add(key, value)`). */
  public readonly tags: TagManager;

  private readonly resource: CustomResource;
  /** The resource policy's statements, in the order added. */
  private readonly resourcePolicyStatements: iam.PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: ConfiguredAudienceModelProps) {
    super(scope, id, { physicalName: props?.configuredAudienceModelName });

    checkRequired(this, 'props', props, objectKind('ConfiguredAudienceModelProps'));
    checkRequired(this, 'audienceModel', props.audienceModel, resourceKind(
      'audienceModelArn',
      'be an audience model (an AudienceModel, or one imported with AudienceModel.fromAudienceModelArn)',
    ));
    checkRequired(this, 'outputBucket', props.outputBucket, BUCKET);
    checkKind(this, 'outputEncryptionKey', props.outputEncryptionKey, KMS_KEY);
    checkKind(this, 'outputRole', props.outputRole, ROLE);
    checkKind(this, 'sharedAudienceMetrics', props.sharedAudienceMetrics, SHARED_AUDIENCE_METRICS);
    checkKind(this, 'childResourceTagOnCreatePolicy', props.childResourceTagOnCreatePolicy, TAG_ON_CREATE_POLICY);
    checkKind(this, 'removalPolicy', props.removalPolicy, REMOVAL_POLICY);

    validateString(this, 'configuredAudienceModelName', props.configuredAudienceModelName, NAME_RULES);
    validateString(this, 'description', props.description, DESCRIPTION_RULES);
    validateNumber(this, 'minMatchingSeedSize', props.minMatchingSeedSize, { integer: true, min: 25, max: 500_000 });
    validateAudienceSizeConfig(this, 'audienceSizeConfig', props.audienceSizeConfig);
    validateOutputPrefix(this, props.outputPrefix);
    const timeout = timeoutSeconds(this, props.timeout ?? Duration.minutes(10));

    this.tags = new TagManager(TagType.MAP, CONFIGURED_AUDIENCE_MODEL_RESOURCE_TYPE, undefined, { tagPropertyName: 'tags' });
    // Users add policy statements after construction too: checked with the tags.
    validateTagsAtSynthesis(this, this.tags, MAX_USER_TAGS, RESERVED_TAG_PREFIX, () => this.validateResourcePolicy());

    const outputPrefix = props.outputPrefix ?? '';
    this.outputS3Uri = `s3://${props.outputBucket.bucketName}/${outputPrefix}`;
    const outputEncryptionKey = props.outputEncryptionKey ?? props.outputBucket.encryptionKey;
    const createdRole = props.outputRole ? undefined : createCleanRoomsMlServiceRole(this, 'OutputRole', {
      resourceType: CONFIGURED_AUDIENCE_MODEL_ARN_RESOURCE_TYPE,
      description: 'Lets Clean Rooms ML write the audiences generated with a configured audience model',
    });
    this.outputRole = props.outputRole ?? createdRole!;
    validateRole(this, this.outputRole);
    const writeGrant = grantWriteOutput(this.outputRole, props.outputBucket, outputPrefix, outputEncryptionKey);
    if (createdRole) {
      suppressOutputRoleFindings(createdRole, outputPrefix);
    }

    const provider = CleanRoomsMlProvider.of(this);
    this.grantProviderAccess(provider, props.audienceModel);

    this.resource = provider.customResource<ConfiguredAudienceModelProperties>(this, 'Resource', {
      resourceType: CONFIGURED_AUDIENCE_MODEL_RESOURCE_TYPE,
      common: { TimeoutSeconds: timeout, AttributesRevision: CONFIGURED_AUDIENCE_MODEL_ATTRIBUTES_REVISION },
      properties: {
        Name: props.configuredAudienceModelName,
        AudienceModelArn: props.audienceModel.audienceModelArn,
        OutputS3Uri: this.outputS3Uri,
        OutputRoleArn: this.outputRole.roleArn,
        AudienceSizeType: props.audienceSizeConfig?.sizeType,
        AudienceSizeBins: props.audienceSizeConfig?.bins,
        SharedAudienceMetrics: props.sharedAudienceMetrics ?? SharedAudienceMetrics.ALL,
        MinMatchingSeedSize: props.minMatchingSeedSize,
        ChildResourceTagOnCreatePolicy: props.childResourceTagOnCreatePolicy,
        Description: props.description,
        Policy: Lazy.string({ produce: () => this.renderResourcePolicy() }),
        Tags: Lazy.any({ produce: () => this.tags.renderTags() }),
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    // The role can write before the service first uses it, and keeps its
    // permissions until the configured model is gone.
    writeGrant.applyBefore(this.resource);
    // What replaces the configured model (its handler's create-only properties), for the wait conditions of a generation
    // job using it: a replaced configured model replaces the job, which must wait again. Removing every audience size
    // replaces it too (the service cannot clear them), so whether sizes are configured is part of the key; adding sizes
    // then also gives the job new wait conditions, which its poller completes at once (the job is already done).
    // The audience model is not: a replaced model is updated in place (UpdateConfiguredAudienceModel takes a new
    // audienceModelArn), so its jobs are kept.
    registerReplacementKey(this, {
      Name: props.configuredAudienceModelName,
      ChildResourceTagOnCreatePolicy: props.childResourceTagOnCreatePolicy,
      AudienceSizesConfigured: props.audienceSizeConfig !== undefined,
    });

    this.audienceModel = props.audienceModel;
    this.audienceSizeConfig = props.audienceSizeConfig;
    this.configuredAudienceModelArn = this.resource.getAttString(ConfiguredAudienceModelAttribute.CONFIGURED_AUDIENCE_MODEL_ARN);
    this.configuredAudienceModelId = Arn.split(this.configuredAudienceModelArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
    this.configuredAudienceModelName = this.getResourceNameAttribute(this.resource.getAttString(ConfiguredAudienceModelAttribute.NAME));
    this.attrStatus = this.resource.getAttString(ConfiguredAudienceModelAttribute.STATUS);
    this.attrPolicyHash = this.resource.getAttString(ConfiguredAudienceModelAttribute.POLICY_HASH);
  }

  /**
   * Adds a statement to the model's resource policy, which the deployment
   * sets on the model (and changes in place). The statement must name its
   * principals explicitly (accounts, roles, users); `*` (anyone) is refused.
   * A statement without resources applies to this configured model.
   *
   * @param statement the statement
   */
  public addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    checkRequired(this, 'statement', statement, POLICY_STATEMENT);
    checkResourcePolicyStatement(this, statement);
    this.resourcePolicyStatements.push(statement);
    return { statementAdded: true, policyDependable: this };
  }

  /**
   * Lets an AWS account start audience generation jobs with this configured
   * model: adds the resource policy statement of the Clean Rooms ML user
   * guide (`cleanrooms-ml:StartAudienceGenerationJob` for the account, on
   * this model and on the audience generation jobs of the model's account),
   * limited to one collaboration with `options.collaborationId`.
   *
   * This is what a `ConfiguredAudienceModelAssociation` with
   * `manageResourcePolicies: false` leaves to the model's owner.
   *
   * @see https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-behaviors.html
   * @param accountId the 12-digit id of the account
   * @param options the collaboration the account's jobs must run in
   */
  public allowAccountToStartGenerationJobs(accountId: string, options: AllowStartGenerationJobsOptions = {}): iam.Grant {
    validateString(this, 'accountId', accountId, ACCOUNT_ID_RULES);
    checkKind(this, 'allowAccountToStartGenerationJobs options', options, objectKind('AllowStartGenerationJobsOptions'));
    validateString(this, 'collaborationId', options.collaborationId, COLLABORATION_ID_RULES);
    const grantee = new iam.AccountPrincipal(accountId);
    if (options.collaborationId === undefined) {
      return this.grantStartAudienceGenerationJob(grantee);
    }
    // iam.Grant's resource statements take no conditions: the statement is written here.
    const resourceArns = startAudienceGenerationJobResources(this);
    return iam.Grant.addStatementToResourcePolicy({
      grantee,
      actions: [START_AUDIENCE_GENERATION_JOB],
      resourceArns,
      resource: this,
      statement: new iam.PolicyStatement({
        principals: [grantee],
        actions: [START_AUDIENCE_GENERATION_JOB],
        resources: resourceArns,
        // The condition key of the statement AWS Clean Rooms writes (user guide, "Validating collaborators").
        conditions: { StringEquals: { 'cleanrooms-ml:CollaborationId': options.collaborationId } },
      }),
    });
  }

  /**
   * Sets what happens to the configured audience model (and its resource
   * policy) when it leaves the stack or is replaced, as the `removalPolicy`
   * prop does.
   *
   * @param policy the removal policy
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    checkRequired(this, 'removalPolicy', policy, REMOVAL_POLICY);
    this.resource.applyRemovalPolicy(policy);
  }

  /** What the stack's custom resource handler needs to create, update, tag, guard the policy of and delete this model. */
  private grantProviderAccess(provider: CleanRoomsMlProvider, audienceModel: IAudienceModel): void {
    // An audience model of this stack is a custom resource depending on the
    // handler policy: naming its ARN there would be a cycle. Its type's
    // pattern in this account and Region holds it.
    const audienceModelArn = Token.isUnresolved(audienceModel.audienceModelArn)
      ? cleanRoomsMlArnPattern(this, AUDIENCE_MODEL_ARN_RESOURCE_TYPE)
      : audienceModel.audienceModelArn;
    const configuredModels = cleanRoomsMlArnPattern(this, CONFIGURED_AUDIENCE_MODEL_ARN_RESOURCE_TYPE);
    // Create and Update name the audience model they use.
    provider.grant({
      actions: ['cleanrooms-ml:CreateConfiguredAudienceModel', 'cleanrooms-ml:UpdateConfiguredAudienceModel'],
      resources: [configuredModels, audienceModelArn],
    });
    provider.grant({
      actions: [
        'cleanrooms-ml:GetConfiguredAudienceModel',
        'cleanrooms-ml:DeleteConfiguredAudienceModel',
        'cleanrooms-ml:PutConfiguredAudienceModelPolicy',
        'cleanrooms-ml:GetConfiguredAudienceModelPolicy',
        'cleanrooms-ml:DeleteConfiguredAudienceModelPolicy',
        'cleanrooms-ml:TagResource',
        'cleanrooms-ml:UntagResource',
        'cleanrooms-ml:ListTagsForResource',
      ],
      resources: [configuredModels],
    });
    // Tells a refusal because the audience model is not trained yet from any other.
    provider.grant({ actions: ['cleanrooms-ml:GetAudienceModel'], resources: [audienceModelArn] });
    // No resource-level permissions: finds the configured model a replayed create made.
    provider.grant({ actions: ['cleanrooms-ml:ListConfiguredAudienceModels'], resources: ['*'] });
    provider.grantPassRole(this.outputRole);
  }

  /**
   * The resource policy as the custom resource carries it: JSON, with the
   * model's own ARN (an attribute of the same resource, which the template
   * cannot reference) replaced by a placeholder the handler fills in.
   */
  private renderResourcePolicy(): string | undefined {
    const document = this.resourcePolicyJson();
    return document === undefined ? undefined : Stack.of(this).toJsonString(document);
  }

  private resourcePolicyJson(): Record<string, unknown> | undefined {
    if (this.resourcePolicyStatements.length === 0) {
      return undefined;
    }
    const selfArn = this.configuredAudienceModelArn;
    const statements = this.resourcePolicyStatements.map((statement) => {
      const json = replaceInStrings(statement.toStatementJson(), selfArn, POLICY_SELF_ARN_PLACEHOLDER) as Record<string, unknown>;
      return json.Resource === undefined && json.NotResource === undefined ? { ...json, Resource: POLICY_SELF_ARN_PLACEHOLDER } : json;
    });
    return { Version: '2012-10-17', Statement: statements };
  }

  /** Every statement still names explicit principals, and none references the model by anything but its ARN. */
  private validateResourcePolicy(): void {
    for (const statement of this.resourcePolicyStatements) {
      checkResourcePolicyStatement(this, statement);
    }
    const document = this.resourcePolicyJson();
    if (document === undefined) {
      return;
    }
    const logicalId = Stack.of(this).getLogicalId(this.resource.node.defaultChild as CfnResource);
    if (referencesResource(Stack.of(this).resolve(document), logicalId)) {
      throw validationError(
        this,
        'resource policy',
        'refer to this configured audience model by its ARN (configuredAudienceModelArn) only: its other attributes are not known before it exists',
        'a reference to another attribute',
      );
    }
  }
}

/**
 * What StartAudienceGenerationJob is authorized on: the model, and the jobs
 * of the model's account. A job started across accounts also gets an ARN in
 * the model's account, which the model's resource policy must allow (user
 * guide, "IAM behaviors for AWS Clean Rooms ML",
 * https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-behaviors.html).
 */
function startAudienceGenerationJobResources(model: ConfiguredAudienceModelBase): string[] {
  return [
    model.configuredAudienceModelArn,
    model.stack.formatArn({
      service: 'cleanrooms-ml',
      account: model.env.account,
      region: model.env.region,
      resource: AUDIENCE_GENERATION_JOB_ARN_RESOURCE_TYPE,
      resourceName: '*',
    }),
  ];
}

/** A resource policy statement names explicit principals: never `*`, never "everyone but" (NotPrincipal). */
function checkResourcePolicyStatement(scope: IConstruct, statement: iam.PolicyStatement): void {
  const field = 'resource policy statement';
  if (statement.notPrincipals.length > 0) {
    throw validationError(scope, field, 'name its principals with Principal, not NotPrincipal (which allows everyone else)', describeValue(statement.toStatementJson().NotPrincipal));
  }
  if (!statement.hasPrincipal) {
    throw validationError(scope, field, 'name at least one principal (an account, role or user)', 'none');
  }
  const principal = statement.toStatementJson().Principal;
  if (hasWildcard(principal)) {
    throw validationError(scope, field, 'name explicit principals (accounts, roles, users), not "*" (anyone)', describeValue(principal));
  }
  // A statement without resources applies to this model (the placeholder is
  // filled in at deployment); newer aws-cdk-lib releases ask every resource
  // policy statement for a resource, so it is checked as it will be deployed.
  const appliesToThisModel = !statement.hasResource && statement.notResources.length === 0;
  const deployed = appliesToThisModel ? statement.copy({ resources: [POLICY_SELF_ARN_PLACEHOLDER] }) : statement;
  const errors = deployed.validateForResourcePolicy();
  if (errors.length > 0) {
    throw validationError(scope, field, 'be a valid resource policy statement', errors.join(' '));
  }
}

function hasWildcard(principal: unknown): boolean {
  if (typeof principal === 'string') {
    return !Token.isUnresolved(principal) && principal.includes('*');
  }
  if (Array.isArray(principal)) {
    return principal.some(hasWildcard);
  }
  return principal !== null && typeof principal === 'object' && Object.values(principal).some(hasWildcard);
}

/** `value` with every occurrence of `search` in its strings (in plain objects and arrays) replaced. */
function replaceInStrings(value: unknown, search: string, replacement: string): unknown {
  if (typeof value === 'string') {
    return value.split(search).join(replacement);
  }
  if (Array.isArray(value)) {
    return value.map((entry) => replaceInStrings(entry, search, replacement));
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, replaceInStrings(entry, search, replacement)]));
  }
  return value;
}

/** Whether resolved template content references the resource (`Ref` or `Fn::GetAtt`). */
function referencesResource(value: unknown, logicalId: string): boolean {
  if (Array.isArray(value)) {
    return value.some((entry) => referencesResource(entry, logicalId));
  }
  if (value === null || typeof value !== 'object') {
    return false;
  }
  const record = value as Record<string, unknown>;
  const getAtt = record['Fn::GetAtt'];
  if (record.Ref === logicalId || (Array.isArray(getAtt) && getAtt[0] === logicalId)) {
    return true;
  }
  return Object.values(record).some((entry) => referencesResource(entry, logicalId));
}

/** The permissions the output role needs, exactly (user guide, "audience output write"). */
function grantWriteOutput(role: iam.IRole, bucket: s3.IBucket, prefix: string, key: kms.IKey | undefined): iam.Grant {
  let grant = iam.Grant.addToPrincipal({
    grantee: role,
    actions: ['s3:ListBucket', 's3:GetBucketLocation'],
    resourceArns: [bucket.bucketArn],
  });
  grant = grant.combine(iam.Grant.addToPrincipal({
    grantee: role,
    actions: ['s3:PutObject'],
    resourceArns: [bucket.arnForObjects(`${prefix}*`)],
  }));
  if (key) {
    grant = grant.combine(iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
      resourceArns: [key.keyArn],
    }));
  }
  return grant;
}

/**
 * cdk-nag AwsSolutions-IAM5 findings on a created output role, reviewed:
 * the service writes each audience under a key of its choosing below the
 * prefix, and the KMS actions are the ones the user guide names for writing
 * encrypted output. (cdk-nag's metadata format; cdk-nag is a development
 * tool, so it is not imported here.)
 */
function suppressOutputRoleFindings(role: iam.Role, prefix: string): void {
  const policy = role.node.tryFindChild('DefaultPolicy')?.node.defaultChild;
  if (!(policy instanceof CfnResource)) {
    return;
  }
  const objects = Token.isUnresolved(prefix) ? '.*' : prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const existing = policy.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
  policy.addMetadata('cdk_nag', {
    rules_to_suppress: [...existing, {
      id: 'AwsSolutions-IAM5',
      reason: 'Clean Rooms ML writes each generated audience under a key of its choosing below the output prefix; '
        + 'kms:GenerateDataKey* and kms:ReEncrypt* are the actions its user guide names for writing encrypted output.',
      applies_to: ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*', { regex: `/^Resource::.+\\/${objects}\\*$/g` }],
    }],
  });
}

/** Most audience size bins the service takes. */
const MAX_AUDIENCE_SIZE_BINS = 25;
/** Largest audience size. */
const MAX_AUDIENCE_SIZE = 20_000_000;
/** Largest percentage size. */
const MAX_AUDIENCE_PERCENTAGE = 100;

const SHARED_AUDIENCE_METRICS = enumKind(Object.values(SharedAudienceMetrics));
const TAG_ON_CREATE_POLICY = enumKind(Object.values(TagOnCreatePolicy));

/** What `AudienceSizeConfig.absolute(...)` and `.percentage(...)` make. */
const AUDIENCE_SIZE_CONFIG: InputKind = {
  rule: 'be an AudienceSizeConfig (AudienceSizeConfig.absolute([...]) or AudienceSizeConfig.percentage([...]))',
  test: (value) => value !== null && typeof value === 'object'
    && (Object.values(AudienceSizeType) as unknown[]).includes(value.sizeType) && value.bins !== undefined,
};

/** 1–25 unique whole-number bins, each 1–20,000,000 (1–100 for percentages). */
function validateAudienceSizeConfig(scope: IConstruct, field: string, config: AudienceSizeConfig | undefined): void {
  checkKind(scope, field, config, AUDIENCE_SIZE_CONFIG);
  if (config === undefined) {
    return;
  }
  const bins = config.bins;
  validateCount(scope, `${field}.bins`, bins, { min: 1, max: MAX_AUDIENCE_SIZE_BINS });
  if (Token.isUnresolved(bins)) {
    return;
  }
  const max = config.sizeType === AudienceSizeType.PERCENTAGE ? MAX_AUDIENCE_PERCENTAGE : MAX_AUDIENCE_SIZE;
  bins.forEach((bin, index) => validateNumber(scope, `${field}.bins[${index}]`, bin, { integer: true, min: 1, max }));
  validateUnique(scope, `${field}.bins`, bins.map((bin) => String(bin)), 'not repeat a size');
}

/** A key prefix of at most 1,024 characters (S3's longest key), not a path starting with `/` (which would make an empty key segment). */
function validateOutputPrefix(scope: IConstruct, prefix: string | undefined): void {
  validateString(scope, 'outputPrefix', prefix, { maxLength: 1024 });
  if (prefix !== undefined && !Token.isUnresolved(prefix) && prefix.startsWith('/')) {
    throw validationError(scope, 'outputPrefix', 'not start with "/" (it is a key prefix, e.g. "audiences/")', describeValue(prefix));
  }
}

/** The service only accepts a role of the caller's account. */
function validateRole(scope: IConstruct, role: iam.IRole): void {
  const roleArn = role.roleArn;
  validateString(scope, 'outputRole', roleArn, ROLE_ARN_RULES);
  if (Token.isUnresolved(roleArn)) {
    return;
  }
  const roleAccount = Arn.split(roleArn, ArnFormat.SLASH_RESOURCE_NAME).account;
  const stackAccount = Stack.of(scope).account;
  if (!Token.isUnresolved(stackAccount) && roleAccount !== stackAccount) {
    throw validationError(scope, 'outputRole', `be in the stack's account (${stackAccount})`, describeValue(roleArn));
  }
}
