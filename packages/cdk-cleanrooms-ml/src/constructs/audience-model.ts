import {
  Arn,
  ArnFormat,
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
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { cleanRoomsMlResourceIdOf, environmentFromCleanRoomsMlArn } from './private/arns';
import { checkKind, checkRequired, DATE, KMS_KEY, objectKind, REMOVAL_POLICY, resourceKind } from './private/input-types';
import { CleanRoomsMlProvider } from './private/provider';
import { replacementKeyOf } from './private/replacement-key';
import { cleanRoomsMlArnPattern } from './private/service-role';
import {
  DESCRIPTION_RULES,
  KMS_KEY_ARN_RULES,
  NAME_RULES,
  validateString,
  validateTagsAtSynthesis,
  validationError,
} from './private/validation';
import { addWaitChain, chainedTimeoutSeconds, planWait } from './private/wait-chain';
import { ITrainingDataset } from './training-dataset';
import {
  AUDIENCE_MODEL_ARN_RESOURCE_TYPE,
  AUDIENCE_MODEL_ATTRIBUTES_REVISION,
  AUDIENCE_MODEL_RESOURCE_TYPE,
  AudienceModelAttribute,
  AudienceModelProperties,
} from '../contracts/audience-model';
import { MAX_USER_TAGS, RESERVED_TAG_PREFIX } from '../contracts/framework';

/**
 * A Clean Rooms ML audience model, created in this app or imported.
 */
export interface IAudienceModel extends IResource {
  /**
   * The ARN of the audience model.
   *
   * @attribute
   */
  readonly audienceModelArn: string;

  /**
   * The identifier of the audience model (the last part of its ARN).
   *
   * @attribute
   */
  readonly audienceModelId: string;

  /**
   * The name of the audience model, if known.
   */
  readonly audienceModelName?: string;

  /**
   * Grants `grantee` the given Clean Rooms ML actions on this audience model.
   *
   * @param grantee the principal
   * @param actions the actions, e.g. `cleanrooms-ml:GetAudienceModel`
   */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;

  /**
   * Grants `grantee` permission to describe this audience model
   * (`cleanrooms-ml:GetAudienceModel`).
   */
  grantRead(grantee: iam.IGrantable): iam.Grant;
}

/**
 * What a created and an imported audience model have in common.
 */
export abstract class AudienceModelBase extends Resource implements IAudienceModel {
  /** The ARN of the audience model. */
  public abstract readonly audienceModelArn: string;
  /** The identifier of the audience model (the last part of its ARN). */
  public abstract readonly audienceModelId: string;
  /** The name of the audience model, if known. */
  public abstract readonly audienceModelName?: string;

  /**
   * Grants `grantee` the given Clean Rooms ML actions on this audience model.
   *
   * @param grantee the principal
   * @param actions the actions, e.g. `cleanrooms-ml:GetAudienceModel`
   */
  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.audienceModelArn],
    });
  }

  /**
   * Grants `grantee` permission to describe this audience model
   * (`cleanrooms-ml:GetAudienceModel`).
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'cleanrooms-ml:GetAudienceModel');
  }
}

/**
 * Attributes of an audience model defined outside this app.
 */
export interface AudienceModelAttributes {
  /**
   * The ARN of the audience model:
   * `arn:<partition>:cleanrooms-ml:<region>:<account>:audience-model/<id>`.
   */
  readonly audienceModelArn: string;

  /**
   * The name of the audience model.
   *
   * @default - unknown
   */
  readonly audienceModelName?: string;
}

/**
 * Properties of an `AudienceModel`.
 */
export interface AudienceModelProps {
  /**
   * The training dataset the model learns from.
   */
  readonly trainingDataset: ITrainingDataset;

  /**
   * The name of the audience model: 1–63 printable characters, not only
   * white space, unique among the account's audience models in the Region.
   *
   * A named model cannot be replaced: changing any property but tags
   * (everything is fixed at creation) then fails unless the name changes too.
   *
   * @default - a name generated at deployment from the stack name, the
   * construct's logical id and the deployment request
   */
  readonly audienceModelName?: string;

  /**
   * A description of the audience model, at most 255 characters.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * The start of the period of training data to use.
   *
   * @default - the service's default (the whole dataset, or the period it picks)
   */
  readonly trainingDataStartTime?: Date;

  /**
   * The end of the period of training data to use. Must be after
   * `trainingDataStartTime` when both are given.
   *
   * @default - the service's default
   */
  readonly trainingDataEndTime?: Date;

  /**
   * The KMS key Clean Rooms ML encrypts the trained model and its data with.
   * The stack's custom resource handler is allowed to use it through Clean
   * Rooms ML only (`kms:ViaService`); the key's policy must let the account's
   * IAM policies grant that (the default key policy does).
   *
   * @default - encrypted with a key owned by the service
   */
  readonly kmsKey?: kms.IKey;

  /**
   * How long the deployment waits for the model to finish training
   * (`ACTIVE`) before failing: between 5 minutes and 72 hours. The wait ends
   * two minutes early so the failure reaches CloudFormation with the model's
   * last status. (Deleting the model may take at most an hour.)
   *
   * CloudFormation waits at most 1 hour for one custom resource. Past it,
   * the model's resource completes with the model still training, and the
   * wait goes on in `AWS::CloudFormation::WaitCondition` resources (12 hours
   * each at most: 2 for 24 hours, 6 for 72), which the stack's training poller
   * (a Step Functions state machine) signals every 2 hours at most while the
   * model trains and at once when it is `ACTIVE`, then in one wait resource
   * (`Custom::CleanRoomsMLWait`) that reads the `ACTIVE` model. Everything
   * that uses the model (its ARN, name and metrics, a
   * `ConfiguredAudienceModel`, a dependency on this construct) waits for that,
   * in the same deployment; progress shows as the wait conditions' received
   * signals in the stack events. A timeout of 2 hours or less needs no wait
   * condition (from 1 h 58 min to 2 hours, the wait then ends up to 2 more
   * minutes early). An update that replaces the model waits again; one that keeps
   * it (tags) does not wait.
   *
   * @default Duration.hours(24) - the longest the service says training can take
   */
  readonly timeout?: Duration;

  /**
   * What happens to the audience model when it leaves the stack (or is
   * replaced): `RemovalPolicy.RETAIN` keeps the trained model in the
   * service. It applies to the model's own resource; the wait conditions and
   * the wait resource after it (see `timeout`) own nothing and are always deleted.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A Clean Rooms ML audience model: a lookalike model trained on a training
 * dataset. Creating it starts the training; the deployment waits until the
 * model is `ACTIVE` (see `timeout`, up to 72 hours in one deployment).
 *
 * The service has no update call: changing any property but tags creates a
 * new model and deletes the old one. Tags (`Tags.of(model).add(...)`) are
 * changed in place.
 *
 * @resource Custom::CleanRoomsMLAudienceModel
 */
export class AudienceModel extends AudienceModelBase implements ITaggable {
  /**
   * Imports an audience model by its ARN.
   *
   * @param scope the parent construct
   * @param id the construct id
   * @param audienceModelArn `arn:<partition>:cleanrooms-ml:<region>:<account>:audience-model/<id>`
   */
  public static fromAudienceModelArn(scope: Construct, id: string, audienceModelArn: string): IAudienceModel {
    return AudienceModel.fromAudienceModelAttributes(scope, id, { audienceModelArn });
  }

  /**
   * Imports an audience model by its ARN, with its name when known.
   *
   * @param scope the parent construct
   * @param id the construct id
   * @param attrs the model's attributes
   */
  public static fromAudienceModelAttributes(scope: Construct, id: string, attrs: AudienceModelAttributes): IAudienceModel {
    const arn = attrs?.audienceModelArn;

    class Import extends AudienceModelBase {
      public readonly audienceModelArn = arn;
      public readonly audienceModelId: string;
      public readonly audienceModelName = attrs?.audienceModelName;

      constructor() {
        super(scope, id, { environmentFromArn: environmentFromCleanRoomsMlArn(arn, AUDIENCE_MODEL_ARN_RESOURCE_TYPE) });
        checkRequired(this, 'attrs', attrs, objectKind('AudienceModelAttributes'));
        this.audienceModelId = cleanRoomsMlResourceIdOf(this, 'audienceModelArn', arn, AUDIENCE_MODEL_ARN_RESOURCE_TYPE, 'an audience model');
        validateString(this, 'audienceModelName', attrs.audienceModelName, NAME_RULES);
      }
    }
    return new Import();
  }

  /**
   * The ARN of the audience model. Like every attribute of the model, it is
   * read from the resource that completes once the model is `ACTIVE` (the
   * wait resource after the wait conditions when `timeout` is over an hour), so whatever uses it
   * is created after training.
   */
  public readonly audienceModelArn: string;
  /** The identifier of the audience model (the last part of its ARN). */
  public readonly audienceModelId: string;
  /**
   * The name of the audience model, given or generated (always set on a
   * created model; optional only because an imported one may not know it).
   */
  public readonly audienceModelName?: string;
  /** The training dataset the model learns from. */
  public readonly trainingDataset: ITrainingDataset;
  /** The KMS key the model is encrypted with, if one was given. */
  public readonly kmsKey?: kms.IKey;

  /**
   * The status of the model once deployed (`ACTIVE`).
   *
   * @attribute
   */
  public readonly attrStatus: string;

  /**
   * Every quality metric the service reports for the model, as JSON:
   * `[{"type":"PRECISION","forTopKItemPredictions":10,"value":0.12}, …]`
   * (empty when none).
   *
   * @deprecated Clean Rooms ML no longer reports an audience model's
   * metrics: GetAudienceModel has no `metrics` in the service's current API
   * (removed in 2024), so on AWS this attribute is always empty. Judge a
   * model by the audiences it generates: `AudienceGenerationJob`'s
   * `attrRelevanceMetrics`, `attrRecallMetric` and `relevanceScore(size)`.
   * Kept for compatibility with apps that read it.
   *
   * @attribute
   */
  public readonly attrMetrics: string;

  /**
   * The model's normalized discounted cumulative gain at the largest top K
   * reported (empty when not reported).
   *
   * @deprecated Clean Rooms ML no longer reports an audience model's
   * metrics: GetAudienceModel has no `metrics` in the service's current API
   * (removed in 2024), so on AWS this attribute is always empty. Judge a
   * model by the audiences it generates: `AudienceGenerationJob`'s
   * `attrRelevanceMetrics`, `attrRecallMetric` and `relevanceScore(size)`.
   * Kept for compatibility with apps that read it.
   *
   * @attribute
   */
  public readonly attrNormalizedDiscountedCumulativeGain: string;

  /**
   * The model's mean reciprocal rank at the largest top K reported (empty
   * when not reported).
   *
   * @deprecated Clean Rooms ML no longer reports an audience model's
   * metrics: GetAudienceModel has no `metrics` in the service's current API
   * (removed in 2024), so on AWS this attribute is always empty. Judge a
   * model by the audiences it generates: `AudienceGenerationJob`'s
   * `attrRelevanceMetrics`, `attrRecallMetric` and `relevanceScore(size)`.
   * Kept for compatibility with apps that read it.
   *
   * @attribute
   */
  public readonly attrMeanReciprocalRank: string;

  /**
   * The model's precision at the largest top K reported (empty when not reported).
   *
   * @deprecated Clean Rooms ML no longer reports an audience model's
   * metrics: GetAudienceModel has no `metrics` in the service's current API
   * (removed in 2024), so on AWS this attribute is always empty. Judge a
   * model by the audiences it generates: `AudienceGenerationJob`'s
   * `attrRelevanceMetrics`, `attrRecallMetric` and `relevanceScore(size)`.
   * Kept for compatibility with apps that read it.
   *
   * @attribute
   */
  public readonly attrPrecision: string;

  /**
   * The model's recall at the largest top K reported (empty when not reported).
   *
   * @deprecated Clean Rooms ML no longer reports an audience model's
   * metrics: GetAudienceModel has no `metrics` in the service's current API
   * (removed in 2024), so on AWS this attribute is always empty. Judge a
   * model by the audiences it generates: `AudienceGenerationJob`'s
   * `attrRelevanceMetrics`, `attrRecallMetric` and `relevanceScore(size)`.
   * Kept for compatibility with apps that read it.
   *
   * @attribute
   */
  public readonly attrRecall: string;

  /** Tags of the model, applied in place (`Tags.of(model).add(key, value)`). */
  public readonly tags: TagManager;

  /** The model's own custom resource (the wait conditions and wait resource after it own nothing). */
  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: AudienceModelProps) {
    super(scope, id, { physicalName: props?.audienceModelName });

    checkRequired(this, 'props', props, objectKind('AudienceModelProps'));
    checkRequired(this, 'trainingDataset', props.trainingDataset, resourceKind(
      'trainingDatasetArn',
      'be a training dataset (a TrainingDataset, or one imported with TrainingDataset.fromTrainingDatasetArn)',
    ));
    checkKind(this, 'trainingDataStartTime', props.trainingDataStartTime, DATE);
    checkKind(this, 'trainingDataEndTime', props.trainingDataEndTime, DATE);
    checkKind(this, 'kmsKey', props.kmsKey, KMS_KEY);
    checkKind(this, 'removalPolicy', props.removalPolicy, REMOVAL_POLICY);
    validateString(this, 'audienceModelName', props.audienceModelName, NAME_RULES);
    validateString(this, 'description', props.description, DESCRIPTION_RULES);
    validateTrainingPeriod(this, props.trainingDataStartTime, props.trainingDataEndTime);
    validateString(this, 'kmsKey', props.kmsKey?.keyArn, KMS_KEY_ARN_RULES);
    const plan = planWait(chainedTimeoutSeconds(this, props.timeout ?? Duration.hours(24)));

    this.tags = new TagManager(TagType.MAP, AUDIENCE_MODEL_RESOURCE_TYPE, undefined, { tagPropertyName: 'tags' });
    validateTagsAtSynthesis(this, this.tags, MAX_USER_TAGS, RESERVED_TAG_PREFIX);

    const provider = CleanRoomsMlProvider.of(this);
    this.grantProviderAccess(provider, props);

    // Every property but the tags is fixed at creation (the service has no update call).
    const createOnly = {
      Name: props.audienceModelName,
      TrainingDatasetArn: props.trainingDataset.trainingDatasetArn,
      TrainingDataStartTime: props.trainingDataStartTime?.toISOString(),
      TrainingDataEndTime: props.trainingDataEndTime?.toISOString(),
      KmsKeyArn: props.kmsKey?.keyArn,
      Description: props.description,
    };
    const resource = provider.customResource<AudienceModelProperties>(this, 'Resource', {
      resourceType: AUDIENCE_MODEL_RESOURCE_TYPE,
      common: {
        TimeoutSeconds: plan.resourceTimeoutSeconds,
        AttributesRevision: AUDIENCE_MODEL_ATTRIBUTES_REVISION,
        WaitLinks: plan.readyWindowSeconds !== undefined ? plan.waitConditions + 1 : undefined,
      },
      properties: {
        ...createOnly,
        Tags: Lazy.any({ produce: () => this.tags.renderTags() }),
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.resource = resource;

    // With a long timeout, the ready wait resource holds the attributes of the ACTIVE
    // model: whatever reads them is created only once training is over.
    const lastWait = addWaitChain(this, {
      waited: resource,
      arnAttribute: AudienceModelAttribute.AUDIENCE_MODEL_ARN,
      plan,
      // A replaced training dataset replaces the model, so its key is part of the model's.
      replacementKey: { ...createOnly, trainingDataset: replacementKeyOf(props.trainingDataset, this) },
    });
    const active = lastWait ?? resource;

    this.trainingDataset = props.trainingDataset;
    this.kmsKey = props.kmsKey;
    this.audienceModelArn = active.getAttString(AudienceModelAttribute.AUDIENCE_MODEL_ARN);
    this.audienceModelId = Arn.split(this.audienceModelArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
    this.audienceModelName = this.getResourceNameAttribute(active.getAttString(AudienceModelAttribute.NAME));
    this.attrStatus = active.getAttString(AudienceModelAttribute.STATUS);
    this.attrMetrics = active.getAttString(AudienceModelAttribute.METRICS);
    this.attrNormalizedDiscountedCumulativeGain = active.getAttString(AudienceModelAttribute.NORMALIZED_DISCOUNTED_CUMULATIVE_GAIN);
    this.attrMeanReciprocalRank = active.getAttString(AudienceModelAttribute.MEAN_RECIPROCAL_RANK);
    this.attrPrecision = active.getAttString(AudienceModelAttribute.PRECISION);
    this.attrRecall = active.getAttString(AudienceModelAttribute.RECALL);
  }

  /**
   * Sets what happens to the audience model when it leaves the stack (or is
   * replaced), as the `removalPolicy` prop does: on the model's own
   * resource. The wait conditions and wait resource after it own nothing and are always
   * deleted.
   *
   * @param policy the removal policy
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    checkRequired(this, 'removalPolicy', policy, REMOVAL_POLICY);
    this.resource.applyRemovalPolicy(policy);
  }

  /** What the stack's custom resource handler needs to create, tag, watch and delete this model. */
  private grantProviderAccess(provider: CleanRoomsMlProvider, props: AudienceModelProps): void {
    // CreateAudienceModel is authorized on the training dataset it reads.
    provider.grant({ actions: ['cleanrooms-ml:CreateAudienceModel'], resources: [props.trainingDataset.trainingDatasetArn] });
    provider.grant({
      actions: [
        'cleanrooms-ml:GetAudienceModel',
        'cleanrooms-ml:DeleteAudienceModel',
        'cleanrooms-ml:TagResource',
        'cleanrooms-ml:UntagResource',
        'cleanrooms-ml:ListTagsForResource',
      ],
      resources: [cleanRoomsMlArnPattern(this, AUDIENCE_MODEL_ARN_RESOURCE_TYPE)],
    });
    // No resource-level permissions: finds the model a replayed create made.
    provider.grant({ actions: ['cleanrooms-ml:ListAudienceModels'], resources: ['*'] });
    if (props.kmsKey) {
      const stack = Stack.of(this);
      provider.grant({
        actions: ['kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey'],
        resources: [props.kmsKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `cleanrooms-ml.${stack.region}.${stack.urlSuffix}` } },
      });
    }
  }
}

/** Both times valid dates, and the start before the end. */
function validateTrainingPeriod(scope: Construct, start: Date | undefined, end: Date | undefined): void {
  for (const [field, date] of [['trainingDataStartTime', start], ['trainingDataEndTime', end]] as const) {
    if (date !== undefined && Number.isNaN(date.getTime())) {
      throw validationError(scope, field, 'be a valid date', 'an invalid Date');
    }
  }
  if (start !== undefined && end !== undefined && start.getTime() >= end.getTime()) {
    throw validationError(
      scope,
      'trainingDataEndTime',
      `be after trainingDataStartTime (${start.toISOString()})`,
      end.toISOString(),
    );
  }
}
