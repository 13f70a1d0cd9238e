/**
 * `Custom::CleanRoomsMLConfiguredAudienceModel`: the service's lifecycle of a
 * configured audience model and its resource policy. A configured model is
 * ACTIVE as soon as CreateConfiguredAudienceModel answers; most of its
 * settings change in place (UpdateConfiguredAudienceModel), tags with
 * Tag/UntagResource, the policy with Put/DeleteConfiguredAudienceModelPolicy
 * guarded by the hash of the policy it replaces. Its name and
 * childResourceTagOnCreatePolicy are fixed: changing them creates a new model,
 * and CloudFormation deletes the old one afterwards. Deleting the model
 * deletes its policy with it.
 */
import {
  CONFIGURED_AUDIENCE_MODEL_ARN_RESOURCE_TYPE,
  ConfiguredAudienceModelAttribute,
  ConfiguredAudienceModelData,
  ConfiguredAudienceModelProperties,
  DEFAULT_MIN_MATCHING_SEED_SIZE,
  POLICY_SELF_ARN_PLACEHOLDER,
} from 'cdk-cleanrooms-ml/lib/contracts/configured-audience-model';
import { CleanRoomsMlServiceError, isConflict, isNotFound } from 'cdk-cleanrooms-ml-local/lib/client/errors';
import { listAll } from 'cdk-cleanrooms-ml-local/lib/client/paginate';
import {
  AUDIENCE_SIZE_TYPES,
  AudienceSizeConfig,
  ConfiguredAudienceModelOutputConfig,
  GetConfiguredAudienceModelPolicyResponse,
  SHARED_AUDIENCE_METRICS,
  TAG_ON_CREATE_POLICIES,
  UpdateConfiguredAudienceModelRequest,
} from 'cdk-cleanrooms-ml-local/lib/client/types';
import { cleanRoomsStatements, withCleanRoomsStatements } from './clean-rooms-statements';
import { ResourceFailure } from '../framework/errors';
import type { CustomResourceEvent } from '../framework/events';
import { integer, oneOf, optional, PropertyError, PropertyParser, PropertySchema, string, stringMap } from '../framework/properties';
import { HandlerRuntime, Progress, ResourceHandler, ResourceNaming, Started } from '../framework/resource-handler';

/** A list of whole numbers (CloudFormation hands each one back as a string). */
const integerList: PropertyParser<number[]> = (value, name) => {
  if (!Array.isArray(value)) {
    throw new PropertyError(`property ${name} must be a list of whole numbers, got ${typeof value}`);
  }
  return value.map((entry, index) => integer(entry, `${name}[${index}]`));
};

const PROPERTIES: PropertySchema<ConfiguredAudienceModelProperties> = {
  Name: optional(string),
  AudienceModelArn: string,
  OutputS3Uri: string,
  OutputRoleArn: string,
  AudienceSizeType: optional(oneOf(AUDIENCE_SIZE_TYPES)),
  AudienceSizeBins: optional(integerList),
  SharedAudienceMetrics: oneOf(SHARED_AUDIENCE_METRICS),
  MinMatchingSeedSize: optional(integer),
  ChildResourceTagOnCreatePolicy: optional(oneOf(TAG_ON_CREATE_POLICIES)),
  Description: optional(string),
  Policy: optional(string),
  Tags: optional(stringMap),
};

type Property = keyof ConfiguredAudienceModelProperties & string;

/** What UpdateConfiguredAudienceModel changes. */
const UPDATABLE: readonly Property[] = [
  'AudienceModelArn',
  'OutputS3Uri',
  'OutputRoleArn',
  'AudienceSizeType',
  'AudienceSizeBins',
  'SharedAudienceMetrics',
  'MinMatchingSeedSize',
  'Description',
];

/** What other calls change in place. */
const CHANGED_BY_OTHER_CALLS: readonly Property[] = ['Tags', 'Policy'];

/** The rest is fixed at creation (the name, the child resources' tag policy). */
const CREATE_ONLY = (Object.keys(PROPERTIES) as Property[])
  .filter((property) => !UPDATABLE.includes(property) && !CHANGED_BY_OTHER_CALLS.includes(property));

export class ConfiguredAudienceModelHandler extends ResourceHandler<ConfiguredAudienceModelProperties, ConfiguredAudienceModelData> {
  protected readonly noun = 'configured audience model';

  constructor(runtime: HandlerRuntime, event: CustomResourceEvent) {
    super(runtime, event, PROPERTIES, CREATE_ONLY);
  }

  protected onCreate(): Promise<Started> {
    return this.createConfiguredModel();
  }

  protected async onUpdate(): Promise<Started> {
    const arn = this.physicalArnOf(CONFIGURED_AUDIENCE_MODEL_ARN_RESOURCE_TYPE);
    const changed = this.changedProperties();
    const fixed = await this.changesRequiringReplacement(arn, changed);
    if (this.oldProperties.AudienceSizeBins !== undefined && this.properties.AudienceSizeBins === undefined) {
      // UpdateConfiguredAudienceModel keeps the sizes when none are sent: only a new model has none.
      fixed.push(...(['AudienceSizeType', 'AudienceSizeBins'] as const).filter((property) => !fixed.includes(property)));
    }
    if (arn === undefined || fixed.length > 0) {
      if (arn !== undefined) {
        this.refuseReplacementOfNamedResource('Name', 'configuredAudienceModelName', fixed);
      }
      this.log.info('Replacing the configured audience model: these properties cannot change in place', { changed: fixed });
      return this.createConfiguredModel();
    }

    const update = this.updateRequest(arn, changed);
    if (update) {
      await this.explainRefusal(() => this.client.updateConfiguredAudienceModel(update));
      this.log.info('Updated the configured audience model', { arn, changed: Object.keys(update).filter((key) => key !== 'configuredAudienceModelArn') });
    }
    if (changed.includes('Tags')) {
      await this.updateTags(arn, this.oldProperties.Tags, this.properties.Tags);
    }
    if (changed.includes('Policy')) {
      await this.applyPolicy(arn, false);
    }
    return { physicalResourceId: arn };
  }

  protected async onDelete(): Promise<void> {
    const arn = this.physicalArnOf(CONFIGURED_AUDIENCE_MODEL_ARN_RESOURCE_TYPE);
    if (arn === undefined) {
      this.log.info('Nothing to delete: the physical id is not a configured audience model ARN');
      return;
    }
    try {
      // The service deletes the model's resource policy with it.
      await this.client.deleteConfiguredAudienceModel({ configuredAudienceModelArn: arn });
      this.log.info('Deleted the configured audience model', { arn });
    } catch (err) {
      if (isNotFound(err)) {
        this.log.info('The configured audience model is already gone', { arn });
        return;
      }
      if (isConflict(err)) {
        throw new ResourceFailure(
          `cannot delete the configured audience model ${arn} while an audience generation job uses it; delete the job first (${err.message})`,
        );
      }
      throw err;
    }
  }

  protected isCreateComplete(): Promise<Progress<ConfiguredAudienceModelData>> {
    return this.attributes();
  }

  protected isUpdateComplete(): Promise<Progress<ConfiguredAudienceModelData>> {
    return this.attributes();
  }

  protected async isDeleteComplete(): Promise<Progress<void>> {
    const arn = this.physicalArnOf(CONFIGURED_AUDIENCE_MODEL_ARN_RESOURCE_TYPE);
    if (arn === undefined) {
      return this.done(undefined);
    }
    try {
      await this.client.getConfiguredAudienceModel({ configuredAudienceModelArn: arn });
    } catch (err) {
      if (isNotFound(err)) {
        return this.done(undefined);
      }
      throw err;
    }
    return this.waiting('the configured audience model still exists');
  }

  /** Creates the model (or adopts what a replayed request made) and sets its policy; a model whose policy fails is deleted. */
  private async createConfiguredModel(): Promise<Started> {
    const props = this.properties;
    let createdNow = false;
    const arn = await this.createOrAdopt(
      async (name) => {
        const { configuredAudienceModelArn } = await this.explainRefusal(() => this.client.createConfiguredAudienceModel({
          name,
          audienceModelArn: props.AudienceModelArn,
          outputConfig: outputConfigOf(props),
          sharedAudienceMetrics: [props.SharedAudienceMetrics],
          audienceSizeConfig: audienceSizeConfigOf(props),
          minMatchingSeedSize: props.MinMatchingSeedSize,
          childResourceTagOnCreatePolicy: props.ChildResourceTagOnCreatePolicy,
          description: props.Description,
          tags: this.creationTags(props.Tags),
        }));
        createdNow = true;
        return configuredAudienceModelArn;
      },
    );
    if (props.Policy !== undefined) {
      await this.undoOnFailure(() => this.applyPolicy(arn, createdNow), () => this.deleteCreatedModel(arn));
    }
    return { physicalResourceId: arn };
  }

  protected createdResourceNaming(): ResourceNaming {
    return {
      name: this.properties.Name ?? this.generatedName(),
      findArn: async (name) => (await listAll(this.client, 'listConfiguredAudienceModels'))
        .find((model) => model.name === name)?.configuredAudienceModelArn,
    };
  }

  /** The UpdateConfiguredAudienceModel request for the changed properties; `undefined` when none of them is its. */
  private updateRequest(arn: string, changed: readonly Property[]): UpdateConfiguredAudienceModelRequest | undefined {
    const props = this.properties;
    const has = (...properties: Property[]) => properties.some((property) => changed.includes(property));
    const request: UpdateConfiguredAudienceModelRequest = { configuredAudienceModelArn: arn };
    if (has('AudienceModelArn')) {
      request.audienceModelArn = props.AudienceModelArn;
    }
    if (has('OutputS3Uri', 'OutputRoleArn')) {
      request.outputConfig = outputConfigOf(props);
    }
    if (has('AudienceSizeType', 'AudienceSizeBins')) {
      request.audienceSizeConfig = audienceSizeConfigOf(props);
    }
    if (has('SharedAudienceMetrics')) {
      request.sharedAudienceMetrics = [props.SharedAudienceMetrics];
    }
    if (has('MinMatchingSeedSize')) {
      // Leaving the property out means the service's default, which an update must send explicitly.
      request.minMatchingSeedSize = props.MinMatchingSeedSize ?? DEFAULT_MIN_MATCHING_SEED_SIZE;
    }
    if (has('Description')) {
      request.description = props.Description ?? '';
    }
    return Object.keys(request).length > 1 ? request : undefined;
  }

  /**
   * Makes the model's resource policy the one of the properties: deletes it
   * when there is none, puts it otherwise, keeping the statements AWS Clean
   * Rooms wrote for the model's associations (clean-rooms-statements.ts):
   * when the property has no policy, those statements alone stay. On a model
   * this request just created the policy must not exist yet; on any other
   * the put names the hash of the policy it replaces, so a policy changed by
   * someone else in between is never overwritten unseen.
   */
  private async applyPolicy(arn: string, createdNow: boolean): Promise<void> {
    const document = this.properties.Policy;
    const ownPolicy = document === undefined ? undefined : document.split(POLICY_SELF_ARN_PLACEHOLDER).join(arn);
    if (createdNow) {
      // A model just created has no association, so nothing to keep.
      if (ownPolicy === undefined) return;
      const { policyHash } = await this.client.putConfiguredAudienceModelPolicy({
        configuredAudienceModelArn: arn,
        configuredAudienceModelPolicy: ownPolicy,
        policyExistenceCondition: 'POLICY_MUST_NOT_EXIST',
      });
      this.log.info('Set the resource policy', { arn, policyHash });
      return;
    }
    const current = await this.currentPolicy(arn);
    const kept = cleanRoomsStatements(current?.configuredAudienceModelPolicy);
    const policy = withCleanRoomsStatements(ownPolicy, kept);
    if (policy === undefined) {
      await this.deletePolicy(arn);
      return;
    }
    if (current?.configuredAudienceModelPolicy === policy) {
      this.log.info('The resource policy is already the one wanted', { arn, policyHash: current.policyHash });
      return;
    }
    const { policyHash } = await this.client.putConfiguredAudienceModelPolicy({
      configuredAudienceModelArn: arn,
      configuredAudienceModelPolicy: policy,
      ...(current ? { previousPolicyHash: current.policyHash } : { policyExistenceCondition: 'POLICY_MUST_NOT_EXIST' as const }),
    });
    this.log.info(current ? 'Replaced the resource policy' : 'Set the resource policy', {
      arn, previousPolicyHash: current?.policyHash, policyHash, keptCleanRoomsStatements: kept.map((statement) => statement.Sid),
    });
  }

  private async deletePolicy(arn: string): Promise<void> {
    try {
      await this.client.deleteConfiguredAudienceModelPolicy({ configuredAudienceModelArn: arn });
      this.log.info('Deleted the resource policy', { arn });
    } catch (err) {
      if (!isNotFound(err)) {
        throw err;
      }
      this.log.info('The configured audience model has no resource policy to delete', { arn });
    }
  }

  /** The model's resource policy; `undefined` when it has none. */
  private async currentPolicy(arn: string): Promise<GetConfiguredAudienceModelPolicyResponse | undefined> {
    try {
      return await this.client.getConfiguredAudienceModelPolicy({ configuredAudienceModelArn: arn });
    } catch (err) {
      if (isNotFound(err)) {
        return undefined;
      }
      throw err;
    }
  }

  /** Deletes a model this request created and could not finish (its policy failed). */
  private async deleteCreatedModel(arn: string): Promise<void> {
    try {
      await this.client.deleteConfiguredAudienceModel({ configuredAudienceModelArn: arn });
      this.log.info('Deleted the configured audience model this request created', { arn });
    } catch (err) {
      if (!isNotFound(err)) {
        throw err;
      }
    }
  }

  /**
   * Runs a create or update; when the service refuses it because the
   * audience model has not finished training (or has failed), says so
   * instead of the service's generic refusal.
   */
  private async explainRefusal<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof CleanRoomsMlServiceError && err.name === 'ValidationException') {
        const audienceModelArn = this.properties.AudienceModelArn;
        const status = await this.audienceModelStatus(audienceModelArn);
        if (status !== undefined && status !== 'ACTIVE') {
          throw new ResourceFailure(
            `the audience model ${audienceModelArn} is ${status}, not ACTIVE: a configured audience model can only use a trained audience model`,
          );
        }
      }
      throw err;
    }
  }

  /** The audience model's status; `undefined` when it cannot be read (the original error then stands). */
  private async audienceModelStatus(audienceModelArn: string): Promise<string | undefined> {
    try {
      return (await this.client.getAudienceModel({ audienceModelArn })).status;
    } catch (err) {
      this.log.warn('Could not read the audience model\'s status', { audienceModelArn, cause: String(err) });
      return undefined;
    }
  }

  /** Every attribute of the model: it is ACTIVE once it exists. */
  private async attributes(): Promise<Progress<ConfiguredAudienceModelData>> {
    const arn = this.physicalArnOf(CONFIGURED_AUDIENCE_MODEL_ARN_RESOURCE_TYPE);
    if (arn === undefined) {
      throw new ResourceFailure(`the physical id ${JSON.stringify(this.physicalResourceId)} is not a configured audience model ARN`);
    }
    let model;
    try {
      model = await this.client.getConfiguredAudienceModel({ configuredAudienceModelArn: arn });
    } catch (err) {
      if (isNotFound(err)) {
        throw new ResourceFailure(`the configured audience model ${arn} no longer exists: it was deleted outside this stack`);
      }
      throw err;
    }
    if (model.status !== 'ACTIVE') {
      return this.waiting(`status ${model.status}`);
    }
    const policy = await this.currentPolicy(arn);
    return this.done({
      [ConfiguredAudienceModelAttribute.CONFIGURED_AUDIENCE_MODEL_ARN]: model.configuredAudienceModelArn,
      [ConfiguredAudienceModelAttribute.NAME]: model.name,
      [ConfiguredAudienceModelAttribute.STATUS]: model.status,
      [ConfiguredAudienceModelAttribute.POLICY_HASH]: policy?.policyHash ?? '',
    });
  }
}

function outputConfigOf(props: ConfiguredAudienceModelProperties): ConfiguredAudienceModelOutputConfig {
  return { destination: { s3Destination: { s3Uri: props.OutputS3Uri } }, roleArn: props.OutputRoleArn };
}

function audienceSizeConfigOf(props: ConfiguredAudienceModelProperties): AudienceSizeConfig | undefined {
  const { AudienceSizeType: audienceSizeType, AudienceSizeBins: audienceSizeBins } = props;
  if (audienceSizeType === undefined && audienceSizeBins === undefined) {
    return undefined;
  }
  if (audienceSizeType === undefined || audienceSizeBins === undefined) {
    throw new ResourceFailure('properties AudienceSizeType and AudienceSizeBins must be given together');
  }
  return { audienceSizeType, audienceSizeBins };
}
