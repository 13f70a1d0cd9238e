/**
 * Configured audience models (ACTIVE at once, updatable in place) and their
 * resource policy. A configured model needs an ACTIVE audience model; it
 * cannot be deleted while a generation job uses it (its owner's, or another
 * account's copy of a job started on it), and its policy goes with it, as
 * do its associations with collaborations.
 *
 * The policy's concurrency guards (previousPolicyHash, policyExistenceCondition)
 * answer ValidationException when they do not hold: the published model
 * declares only AccessDenied, ResourceNotFound and Validation errors for
 * PutConfiguredAudienceModelPolicy, so a ConflictException would be an error
 * no SDK knows for that operation.
 */
import { createHash } from 'node:crypto';
import { accountOf, lookUp, mintArn } from './arns';
import { findAudienceModel } from './audience-models';
import { conflict, notFound, validationError } from './errors';
import type { AudienceSizeConfig } from './metrics';
import { OperationContext, OperationTable, requireRoleInAccount, requireUniqueName } from './operation';
import { PageRequest, paginate } from './pagination';
import { ConfiguredAudienceModelRecord, EVERY_ACCOUNT, OutputConfig, Tags } from './store';

/** The service's minMatchingSeedSize when none is given (constraints.md). */
const DEFAULT_MIN_MATCHING_SEED_SIZE = 500;

interface CreateConfiguredAudienceModelInput {
  readonly name: string;
  readonly audienceModelArn: string;
  readonly outputConfig: OutputConfig;
  readonly description?: string;
  readonly sharedAudienceMetrics: string[];
  readonly minMatchingSeedSize?: number;
  readonly audienceSizeConfig?: AudienceSizeConfig;
  readonly tags?: Tags;
  readonly childResourceTagOnCreatePolicy?: 'FROM_PARENT_RESOURCE' | 'NONE';
}

/** Only these members can change after creation (constraints.md "Updatable in place"). */
interface UpdateConfiguredAudienceModelInput {
  readonly configuredAudienceModelArn: string;
  readonly audienceModelArn?: string;
  readonly outputConfig?: OutputConfig;
  readonly audienceSizeConfig?: AudienceSizeConfig;
  readonly sharedAudienceMetrics?: string[];
  readonly minMatchingSeedSize?: number;
  readonly description?: string;
}

interface ConfiguredAudienceModelArnInput {
  readonly configuredAudienceModelArn: string;
}

interface PutPolicyInput {
  readonly configuredAudienceModelArn: string;
  readonly configuredAudienceModelPolicy: string;
  readonly previousPolicyHash?: string;
  readonly policyExistenceCondition?: 'POLICY_MUST_EXIST' | 'POLICY_MUST_NOT_EXIST';
}

export function findConfiguredAudienceModel({ store, scope }: OperationContext, arn: string): ConfiguredAudienceModelRecord {
  return lookUp(scope, 'configured-audience-model', arn, store.state.configuredAudienceModels);
}

/** The audience model a configured model points at must exist and have finished training. */
function requireActiveAudienceModel(context: OperationContext, audienceModelArn: string): void {
  const model = findAudienceModel(context, audienceModelArn);
  const status = context.store.audienceModelState(model, context.now)?.status;
  if (status !== 'ACTIVE') {
    throw validationError(`audienceModelArn must name an ACTIVE audience model; ${audienceModelArn} is ${status}`);
  }
}

function policyHash(policy: string): string {
  return createHash('sha256').update(policy, 'utf-8').digest('hex');
}

/**
 * Sets (or, with no document, removes) a configured model's resource policy:
 * the record the policy operations read and write, which AWS Clean Rooms
 * writes too for the associations that manage it (clean-rooms/managed-policy.ts).
 */
export function writePolicy(configured: ConfiguredAudienceModelRecord, document: string | undefined): void {
  if (document === undefined) {
    delete configured.policy;
  } else {
    configured.policy = { document, hash: policyHash(document) };
  }
}

export const configuredAudienceModelOperations: OperationTable = {
  CreateConfiguredAudienceModel: (input: CreateConfiguredAudienceModelInput, context) => {
    const { store, scope, now } = context;
    requireRoleInAccount(scope, 'outputConfig.roleArn', input.outputConfig.roleArn);
    requireUniqueName(store.configuredAudienceModels(scope.accountId).map((configured) => configured.name), input.name, 'configured audience model');
    requireActiveAudienceModel(context, input.audienceModelArn);
    const arn = mintArn(scope, 'configured-audience-model');
    store.state.configuredAudienceModels[arn] = {
      arn,
      name: input.name,
      description: input.description,
      audienceModelArn: input.audienceModelArn,
      outputConfig: structuredClone(input.outputConfig),
      sharedAudienceMetrics: [...input.sharedAudienceMetrics],
      minMatchingSeedSize: input.minMatchingSeedSize ?? DEFAULT_MIN_MATCHING_SEED_SIZE,
      audienceSizeConfig: input.audienceSizeConfig && structuredClone(input.audienceSizeConfig),
      childResourceTagOnCreatePolicy: input.childResourceTagOnCreatePolicy ?? 'NONE',
      tags: { ...input.tags },
      sequence: store.nextSequence(),
      createdAt: now,
      updatedAt: now,
    };
    return { configuredAudienceModelArn: arn };
  },

  GetConfiguredAudienceModel: (input: ConfiguredAudienceModelArnInput, context) =>
    context.store.describeConfiguredAudienceModel(findConfiguredAudienceModel(context, input.configuredAudienceModelArn)),

  ListConfiguredAudienceModels: (input: PageRequest, { store, scope }) => {
    const page = paginate(
      'ListConfiguredAudienceModels',
      store.configuredAudienceModels(scope.accountId),
      input,
    );
    return {
      configuredAudienceModels: page.items.map((record) => {
        const description = store.describeConfiguredAudienceModel(record);
        return {
          createTime: description.createTime,
          updateTime: description.updateTime,
          name: description.name,
          audienceModelArn: description.audienceModelArn,
          outputConfig: description.outputConfig,
          description: description.description,
          configuredAudienceModelArn: description.configuredAudienceModelArn,
          status: description.status,
        };
      }),
      nextToken: page.nextToken,
    };
  },

  UpdateConfiguredAudienceModel: (input: UpdateConfiguredAudienceModelInput, context) => {
    const configured = findConfiguredAudienceModel(context, input.configuredAudienceModelArn);
    if (input.audienceModelArn !== undefined) {
      requireActiveAudienceModel(context, input.audienceModelArn);
    }
    if (input.outputConfig !== undefined) {
      requireRoleInAccount(context.scope, 'outputConfig.roleArn', input.outputConfig.roleArn);
    }
    // All checks pass before anything changes: a refused update leaves the model as it was.
    configured.audienceModelArn = input.audienceModelArn ?? configured.audienceModelArn;
    configured.outputConfig = input.outputConfig ? structuredClone(input.outputConfig) : configured.outputConfig;
    configured.audienceSizeConfig = input.audienceSizeConfig ? structuredClone(input.audienceSizeConfig) : configured.audienceSizeConfig;
    configured.sharedAudienceMetrics = input.sharedAudienceMetrics ? [...input.sharedAudienceMetrics] : configured.sharedAudienceMetrics;
    configured.minMatchingSeedSize = input.minMatchingSeedSize ?? configured.minMatchingSeedSize;
    configured.description = input.description ?? configured.description;
    configured.updatedAt = context.now;
    return { configuredAudienceModelArn: configured.arn };
  },

  DeleteConfiguredAudienceModel: (input: ConfiguredAudienceModelArnInput, context) => {
    const configured = findConfiguredAudienceModel(context, input.configuredAudienceModelArn);
    // Another account's copy of a job started on this model uses it as much
    // as the owner's own jobs do: the owner's delete waits for both.
    const dependant = context.store.audienceGenerationJobs(EVERY_ACCOUNT).find((job) => job.configuredAudienceModelArn === configured.arn);
    if (dependant) {
      const whose = accountOf(dependant.arn) === context.scope.accountId ? '' : ` of account ${accountOf(dependant.arn)}`;
      throw conflict(
        `Configured audience model ${configured.arn} cannot be deleted: audience generation job${whose} ${dependant.arn} ("${dependant.name}") uses it`,
      );
    }
    // "If you delete a configured audience model, it will be removed from any
    // collaborations that it is associated to"
    // (https://docs.aws.amazon.com/cleanrooms-ml/latest/APIReference/API_DeleteConfiguredAudienceModel.html):
    // associations do not block the delete, they go with the model.
    context.collaborations.removeAssociationsOf(configured.arn);
    // The resource policy is part of the record, so it goes too.
    delete context.store.state.configuredAudienceModels[configured.arn];
    return undefined;
  },

  PutConfiguredAudienceModelPolicy: (input: PutPolicyInput, context) => {
    const configured = findConfiguredAudienceModel(context, input.configuredAudienceModelArn);
    const current = configured.policy;
    if (input.policyExistenceCondition === 'POLICY_MUST_EXIST' && !current) {
      throw validationError(`policyExistenceCondition is POLICY_MUST_EXIST but configured audience model ${configured.arn} has no policy`);
    }
    if (input.policyExistenceCondition === 'POLICY_MUST_NOT_EXIST' && current) {
      throw validationError(`policyExistenceCondition is POLICY_MUST_NOT_EXIST but configured audience model ${configured.arn} already has a policy`);
    }
    if (input.previousPolicyHash !== undefined && input.previousPolicyHash !== current?.hash) {
      throw validationError(
        current
          ? `previousPolicyHash ${input.previousPolicyHash} does not match the current policy hash ${current.hash}: the policy changed since it was read`
          : `previousPolicyHash was given but configured audience model ${configured.arn} has no policy`,
      );
    }
    writePolicy(configured, input.configuredAudienceModelPolicy);
    return { configuredAudienceModelPolicy: configured.policy!.document, policyHash: configured.policy!.hash };
  },

  GetConfiguredAudienceModelPolicy: (input: ConfiguredAudienceModelArnInput, context) => {
    const configured = findConfiguredAudienceModel(context, input.configuredAudienceModelArn);
    if (!configured.policy) {
      throw notFound(`Configured audience model ${configured.arn} has no resource policy`);
    }
    return {
      configuredAudienceModelArn: configured.arn,
      configuredAudienceModelPolicy: configured.policy.document,
      policyHash: configured.policy.hash,
    };
  },

  DeleteConfiguredAudienceModelPolicy: (input: ConfiguredAudienceModelArnInput, context) => {
    const configured = findConfiguredAudienceModel(context, input.configuredAudienceModelArn);
    if (!configured.policy) {
      throw notFound(`Configured audience model ${configured.arn} has no resource policy`);
    }
    writePolicy(configured, undefined);
    return undefined;
  },
};
