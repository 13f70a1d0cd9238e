import {
  Annotations,
  Arn,
  ArnFormat,
  CustomResource,
  Duration,
  Fn,
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
import { Construct, IConstruct } from 'constructs';
import { CollaborationMembership } from './collaboration-membership';
import type { IConfiguredAudienceModel } from './configured-audience-model';
import { accountOfCleanRoomsMlResource } from './private/arns';
import { MEMBERSHIP_ARN_RESOURCE_TYPE, parseCleanRoomsArn } from './private/clean-rooms-arns';
import { BOOLEAN, checkKind, checkRequired, objectKind, REMOVAL_POLICY, resourceKind } from './private/input-types';
import { BoundMembership, MEMBERSHIP } from './private/membership-binding';
import { CleanRoomsMlProvider, timeoutSeconds } from './private/provider';
import {
  DESCRIPTION_RULES,
  describeInput,
  describeValue,
  NAME_RULES,
  StringRules,
  validateString,
  validateTagsAtSynthesis,
  validationError,
} from './private/validation';
import { CONFIGURED_AUDIENCE_MODEL_ARN_RESOURCE_TYPE } from '../contracts/configured-audience-model';
import {
  CONFIGURED_AUDIENCE_MODEL_ASSOCIATION_ARN_RESOURCE_TYPE,
  CONFIGURED_AUDIENCE_MODEL_ASSOCIATION_ATTRIBUTES_REVISION,
  CONFIGURED_AUDIENCE_MODEL_ASSOCIATION_RESOURCE_TYPE,
  ConfiguredAudienceModelAssociationAttribute,
  ConfiguredAudienceModelAssociationProperties,
} from '../contracts/configured-audience-model-association';
import { RESERVED_TAG_PREFIX } from '../contracts/framework';

/**
 * The association's name: 1–100 characters, not only white space, no line
 * breaks (`ConfiguredAudienceModelAssociationName` in
 * spec/cleanrooms-2022-02-17/service-2.json); the character set is the one
 * of every Clean Rooms ML name.
 */
const ASSOCIATION_NAME_RULES: StringRules = { ...NAME_RULES, maxLength: 100 };

/**
 * Tags a user may set: AWS Clean Rooms takes 200 per resource (`TagMap`),
 * and the library keeps one for its creation-token tag, as on every resource
 * it creates.
 */
const MAX_ASSOCIATION_USER_TAGS = 200 - 1;

/** The action Clean Rooms ML authorizes across accounts (user guide, "IAM behaviors for AWS Clean Rooms ML"). */
const START_JOB_ACTION = 'cleanrooms-ml:StartAudienceGenerationJob';

/**
 * A configured audience model's association with an AWS Clean Rooms
 * collaboration, created in this app or imported.
 */
export interface IConfiguredAudienceModelAssociation extends IResource {
  /**
   * The ARN of the association:
   * `arn:<partition>:cleanrooms:<region>:<account>:membership/<membershipId>/configuredaudiencemodelassociation/<id>`.
   *
   * @attribute
   */
  readonly associationArn: string;

  /**
   * The identifier of the association (a UUID, the last part of its ARN).
   *
   * @attribute
   */
  readonly associationId: string;

  /**
   * The id of the membership the association was made through.
   */
  readonly membershipId: string;

  /**
   * The ARN of the membership the association was made through.
   *
   * @attribute
   */
  readonly membershipArn: string;
}

/**
 * Options of an association of a configured audience model with a
 * collaboration (`configuredAudienceModel.associateWith(membership, options)`).
 */
export interface ConfiguredAudienceModelAssociationOptions {
  /**
   * The name of the association: 1–100 characters, not only white space,
   * without line breaks. Collaboration members see it.
   *
   * It changes in place. A named association cannot be replaced, though:
   * changing the configured model, the membership or
   * `manageResourcePolicies` (which replace it) then fails unless the name
   * changes too.
   *
   * @default - a name generated at deployment from the stack name, the
   * construct's logical id and the deployment request
   */
  readonly name?: string;

  /**
   * A description of the association, at most 255 characters. Changes in place.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * Whether AWS Clean Rooms manages the configured model's resource policy
   * for the collaboration: it adds a statement allowing the collaboration's
   * other members to start audience generation jobs with the model in this
   * collaboration (condition `cleanrooms-ml:CollaborationId`), and removes it
   * when the association is deleted. The stack's custom resource handler is
   * then allowed to read, write and delete the model's resource policy.
   * Statements the app gives the model itself live beside Clean Rooms' one:
   * the library's handler keeps the `Clean-Rooms-…` statements when it
   * writes the model's own.
   *
   * With `false`, the model's owner grants that access itself, e.g. with
   * `ConfiguredAudienceModel.allowAccountToStartGenerationJobs(account, { collaborationId })`;
   * the construct adds an info annotation with the statement to grant.
   *
   * Fixed at creation: changing it replaces the association.
   *
   * @see https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-behaviors.html
   * @default true
   */
  readonly manageResourcePolicies?: boolean;

  /**
   * How long the deployment waits for the association's creation, update or
   * deletion before failing. The service answers at once; this only bounds
   * a deployment that cannot reach it.
   *
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;

  /**
   * What happens to the association when it leaves the stack (or is
   * replaced). A retained association keeps the model associated with the
   * collaboration (and, with `manageResourcePolicies`, its policy statement)
   * as long as the model exists: deleting a configured audience model removes
   * it from every collaboration it is associated with (API reference,
   * DeleteConfiguredAudienceModel). A membership that still holds
   * associations cannot be deleted.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Properties of a `ConfiguredAudienceModelAssociation`.
 */
export interface ConfiguredAudienceModelAssociationProps extends ConfiguredAudienceModelAssociationOptions {
  /**
   * Your membership in the collaboration to associate the model with, e.g.
   * `CollaborationMembership.fromCfnMembership(membership)` or
   * `CollaborationMembership.fromMembershipId('…')`. It must be a
   * membership of the stack's account.
   */
  readonly membership: CollaborationMembership;

  /**
   * The configured audience model to associate. It must belong to the
   * stack's account: AWS Clean Rooms associates only your own models.
   */
  readonly configuredAudienceModel: IConfiguredAudienceModel;
}

/**
 * The association of a Clean Rooms ML configured audience model with an AWS
 * Clean Rooms collaboration, through your membership in it: the step after
 * configuring a model, which lets the collaboration's members (the seed
 * providers) generate audiences with it.
 *
 * CloudFormation has no resource type for it: it is a custom resource of
 * the stack's Clean Rooms ML provider, calling AWS Clean Rooms'
 * Create/Get/Update/DeleteConfiguredAudienceModelAssociation. The name and
 * description change in place, tags (`Tags.of(association).add(...)`) too;
 * the model, the membership and `manageResourcePolicies` are fixed at
 * creation (changing them replaces the association).
 *
 * @see https://docs.aws.amazon.com/clean-rooms/latest/userguide/working-with-machine-learning-tdp.html
 * @resource Custom::CleanRoomsConfiguredAudienceModelAssociation
 */
export class ConfiguredAudienceModelAssociation extends Resource implements IConfiguredAudienceModelAssociation, ITaggable {
  /**
   * Imports an association by its ARN.
   *
   * @param scope the parent construct
   * @param id the construct id
   * @param associationArn `arn:<partition>:cleanrooms:<region>:<account>:membership/<membershipId>/configuredaudiencemodelassociation/<id>`
   */
  public static fromConfiguredAudienceModelAssociationArn(scope: Construct, id: string, associationArn: string): IConfiguredAudienceModelAssociation {
    const parsed = typeof associationArn === 'string' && !Token.isUnresolved(associationArn)
      ? parseCleanRoomsArn(associationArn, CONFIGURED_AUDIENCE_MODEL_ASSOCIATION_ARN_RESOURCE_TYPE)
      : undefined;
    const isToken = typeof associationArn === 'string' && Token.isUnresolved(associationArn);

    class Import extends Resource implements IConfiguredAudienceModelAssociation {
      public readonly associationArn = associationArn;
      public readonly associationId: string;
      public readonly membershipId: string;
      public readonly membershipArn: string;

      constructor() {
        super(scope, id, { environmentFromArn: parsed || isToken ? associationArn : undefined });
        if (!parsed && !isToken) {
          throw validationError(
            this,
            'associationArn',
            'be a configured audience model association ARN '
            + `(arn:<partition>:cleanrooms:<region>:<account>:membership/<id>/${CONFIGURED_AUDIENCE_MODEL_ASSOCIATION_ARN_RESOURCE_TYPE}/<id>)`,
            describeInput(associationArn),
          );
        }
        if (parsed) {
          this.associationId = parsed.childId!;
          this.membershipId = parsed.membershipId;
          this.membershipArn = `arn:${parsed.partition}:cleanrooms:${parsed.region}:${parsed.account}:${MEMBERSHIP_ARN_RESOURCE_TYPE}/${parsed.membershipId}`;
        } else {
          // membership/<membershipId>/configuredaudiencemodelassociation/<id>, selected at deployment.
          const path = Fn.split('/', Fn.select(5, Fn.split(':', associationArn)));
          this.associationId = Fn.select(3, path);
          this.membershipId = Fn.select(1, path);
          this.membershipArn = Arn.format({
            partition: Arn.split(associationArn, ArnFormat.SLASH_RESOURCE_NAME).partition,
            service: 'cleanrooms',
            region: this.env.region,
            account: this.env.account,
            resource: MEMBERSHIP_ARN_RESOURCE_TYPE,
            resourceName: this.membershipId,
          });
        }
      }
    }
    return new Import();
  }

  /** The ARN of the association. */
  public readonly associationArn: string;
  /** The identifier of the association (a UUID). */
  public readonly associationId: string;
  /**
   * The name of the association, given or generated.
   *
   * @attribute
   */
  public readonly associationName: string;
  /** The id of the membership the association was made through. */
  public readonly membershipId: string;
  /** The ARN of the membership the association was made through. */
  public readonly membershipArn: string;
  /**
   * The id of the collaboration the model is associated with (a UUID).
   *
   * @attribute
   */
  public readonly collaborationId: string;
  /**
   * The ARN of the collaboration the model is associated with.
   *
   * @attribute
   */
  public readonly collaborationArn: string;
  /** The associated configured audience model. */
  public readonly configuredAudienceModel: IConfiguredAudienceModel;
  /** Whether AWS Clean Rooms manages the model's resource policy for the collaboration. */
  public readonly manageResourcePolicies: boolean;

  /** Tags of the association, applied in place (`Tags.of(association).add(key, value)`). */
  public readonly tags: TagManager;

  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: ConfiguredAudienceModelAssociationProps) {
    super(scope, id, { physicalName: props?.name });

    checkRequired(this, 'props', props, objectKind('ConfiguredAudienceModelAssociationProps'));
    checkRequired(this, 'membership', props.membership, MEMBERSHIP);
    checkRequired(this, 'configuredAudienceModel', props.configuredAudienceModel, CONFIGURED_AUDIENCE_MODEL);
    checkKind(this, 'manageResourcePolicies', props.manageResourcePolicies, BOOLEAN);
    checkKind(this, 'removalPolicy', props.removalPolicy, REMOVAL_POLICY);
    validateString(this, 'name', props.name, ASSOCIATION_NAME_RULES);
    validateString(this, 'description', props.description, DESCRIPTION_RULES);
    const timeout = timeoutSeconds(this, props.timeout ?? Duration.minutes(10));
    const membership = props.membership._bind(this, 'membership');
    const model = props.configuredAudienceModel;
    validateModelAccount(this, model);

    this.configuredAudienceModel = model;
    this.manageResourcePolicies = props.manageResourcePolicies ?? true;
    this.tags = new TagManager(TagType.MAP, CONFIGURED_AUDIENCE_MODEL_ASSOCIATION_RESOURCE_TYPE, undefined, { tagPropertyName: 'tags' });
    validateTagsAtSynthesis(this, this.tags, MAX_ASSOCIATION_USER_TAGS, RESERVED_TAG_PREFIX);

    const provider = CleanRoomsMlProvider.of(this);
    this.grantProviderAccess(provider, membership, model);

    this.resource = provider.customResource<ConfiguredAudienceModelAssociationProperties>(this, 'Resource', {
      resourceType: CONFIGURED_AUDIENCE_MODEL_ASSOCIATION_RESOURCE_TYPE,
      common: { TimeoutSeconds: timeout, AttributesRevision: CONFIGURED_AUDIENCE_MODEL_ASSOCIATION_ATTRIBUTES_REVISION },
      properties: {
        MembershipId: membership.membershipId,
        ConfiguredAudienceModelArn: model.configuredAudienceModelArn,
        Name: props.name,
        Description: props.description,
        ManageResourcePolicies: this.manageResourcePolicies,
        Tags: Lazy.any({ produce: () => this.tags.renderTags() }),
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    // A membership of this app (CfnMembership) is referenced by MembershipId:
    // CloudFormation creates the association after it and deletes it before.

    this.membershipId = membership.membershipId;
    this.associationArn = this.resource.getAttString(ConfiguredAudienceModelAssociationAttribute.ARN);
    this.associationId = this.resource.getAttString(ConfiguredAudienceModelAssociationAttribute.ID);
    this.associationName = this.getResourceNameAttribute(this.resource.getAttString(ConfiguredAudienceModelAssociationAttribute.NAME));
    this.membershipArn = this.resource.getAttString(ConfiguredAudienceModelAssociationAttribute.MEMBERSHIP_ARN);
    this.collaborationId = this.resource.getAttString(ConfiguredAudienceModelAssociationAttribute.COLLABORATION_ID);
    this.collaborationArn = this.resource.getAttString(ConfiguredAudienceModelAssociationAttribute.COLLABORATION_ARN);

    if (!this.manageResourcePolicies) {
      Annotations.of(this).addInfo(ownerGrantNotice(model, membership));
    }
  }

  /**
   * Sets what happens to the association when it leaves the stack or is
   * replaced, as the `removalPolicy` prop does.
   *
   * @param policy the removal policy
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    checkRequired(this, 'removalPolicy', policy, REMOVAL_POLICY);
    this.resource.applyRemovalPolicy(policy);
  }

  /**
   * What the stack's custom resource handler needs to create, rename, tag and
   * delete this association, and no more: the association actions on the
   * membership and the associations under it, and, when AWS Clean Rooms
   * manages the model's resource policy, the Clean Rooms ML actions it
   * performs on the model with the caller's permissions.
   */
  private grantProviderAccess(provider: CleanRoomsMlProvider, membership: BoundMembership, model: IConfiguredAudienceModel): void {
    const associations = `${membership.membershipArn}/${CONFIGURED_AUDIENCE_MODEL_ASSOCIATION_ARN_RESOURCE_TYPE}/*`;
    // The Service Authorization Reference lists both the membership and the
    // association as resources of these actions
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscleanrooms.html).
    // List finds the association a replayed create made, by its name.
    provider.grant({
      actions: [
        'cleanrooms:CreateConfiguredAudienceModelAssociation',
        'cleanrooms:GetConfiguredAudienceModelAssociation',
        'cleanrooms:UpdateConfiguredAudienceModelAssociation',
        'cleanrooms:DeleteConfiguredAudienceModelAssociation',
        'cleanrooms:ListConfiguredAudienceModelAssociations',
      ],
      resources: [membership.membershipArn, associations],
    });
    // Tags change in place, and the library marks what it creates with a
    // creation-token tag (a Create with tags is also a TagResource).
    provider.grant({
      actions: ['cleanrooms:TagResource', 'cleanrooms:UntagResource', 'cleanrooms:ListTagsForResource'],
      resources: [associations],
    });
    provider.reviewAssociationWildcards();
    // Create reads the model with the caller's permissions whatever
    // manageResourcePolicies says, and with it Create and Delete read and
    // write the model's resource policy (the dependent actions of
    // Create/DeleteConfiguredAudienceModelAssociation in the Service
    // Authorization Reference; the manageResourcePolicies documentation of
    // CreateConfiguredAudienceModelAssociation:
    // https://docs.aws.amazon.com/clean-rooms/latest/apireference/API_CreateConfiguredAudienceModelAssociation.html).
    provider.grant({
      actions: [
        'cleanrooms-ml:GetConfiguredAudienceModel',
        ...(this.manageResourcePolicies ? [
          'cleanrooms-ml:GetConfiguredAudienceModelPolicy',
          'cleanrooms-ml:PutConfiguredAudienceModelPolicy',
          'cleanrooms-ml:DeleteConfiguredAudienceModelPolicy',
        ] : []),
      ],
      resources: [configuredModelArnForPolicy(model)],
    });
  }
}

const CONFIGURED_AUDIENCE_MODEL = resourceKind(
  'configuredAudienceModelArn',
  'be a configured audience model (a ConfiguredAudienceModel, or one imported with ConfiguredAudienceModel.fromConfiguredAudienceModelArn)',
);

/** AWS Clean Rooms associates only a configured audience model of the caller's own account. */
function validateModelAccount(scope: IConstruct, model: IConfiguredAudienceModel): void {
  const modelAccount = accountOfCleanRoomsMlResource(model, model.configuredAudienceModelArn);
  const stackAccount = Stack.of(scope).account;
  if (!Token.isUnresolved(modelAccount) && !Token.isUnresolved(stackAccount) && modelAccount !== stackAccount) {
    throw validationError(
      scope,
      'configuredAudienceModel',
      `be a configured audience model of the stack's account (${stackAccount}): AWS Clean Rooms associates only your own configured audience models`,
      Token.isUnresolved(model.configuredAudienceModelArn) ? `one of account ${modelAccount}` : describeValue(model.configuredAudienceModelArn),
    );
  }
}

/**
 * The model's ARN as the handler policy may name it. A model of this app is
 * a custom resource that depends on the handler policy: naming its ARN there
 * would be a cycle, so its type's pattern in its account and Region holds it.
 */
function configuredModelArnForPolicy(model: IConfiguredAudienceModel): string {
  if (!Token.isUnresolved(model.configuredAudienceModelArn)) {
    return model.configuredAudienceModelArn;
  }
  return model.stack.formatArn({ service: 'cleanrooms-ml', resource: CONFIGURED_AUDIENCE_MODEL_ARN_RESOURCE_TYPE, resourceName: '*' });
}

/**
 * What the model's owner must grant when Clean Rooms does not manage the
 * policy: the statement Clean Rooms would have written (user guide, "IAM
 * behaviors for AWS Clean Rooms ML"), for each member account that
 * generates audiences. Values known at synthesis are filled in.
 */
function ownerGrantNotice(model: IConfiguredAudienceModel, membership: BoundMembership): string {
  const known = (value: string | undefined, placeholder: string) => (value !== undefined && !Token.isUnresolved(value) ? value : placeholder);
  const modelArn = known(model.configuredAudienceModelArn, '<configured audience model ARN>');
  const account = known(accountOfCleanRoomsMlResource(model, model.configuredAudienceModelArn), '<owner account>');
  const region = known(Token.isUnresolved(model.configuredAudienceModelArn) ? model.env.region : model.configuredAudienceModelArn.split(':')[3], '<region>');
  const partition = known(Token.isUnresolved(model.configuredAudienceModelArn) ? undefined : model.configuredAudienceModelArn.split(':')[1], 'aws');
  const collaborationId = known(membership.collaborationId, '<collaboration id>');
  const statement = {
    Effect: 'Allow',
    Principal: { AWS: '<member account id>' },
    Action: START_JOB_ACTION,
    Resource: [modelArn, `arn:${partition}:cleanrooms-ml:${region}:${account}:audience-generation-job/*`],
    Condition: { StringEquals: { 'cleanrooms-ml:CollaborationId': collaborationId } },
  };
  return 'manageResourcePolicies is false, so AWS Clean Rooms does not let the collaboration\'s members use the '
    + 'configured audience model: its owner must allow each member that generates audiences in the model\'s resource policy, '
    + 'e.g. with allowAccountToStartGenerationJobs(memberAccountId, { collaborationId }) on the ConfiguredAudienceModel that '
    + `creates it (an imported model's policy is written where the model is created): ${JSON.stringify(statement)}`;
}
