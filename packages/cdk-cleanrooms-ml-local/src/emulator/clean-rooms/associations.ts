/**
 * Configured audience model associations: a configured audience model of
 * the caller's account made available in a collaboration, under the
 * caller's ACTIVE membership in it. No status: Create answers with the
 * finished association. Only its name and description change
 * (UpdateConfiguredAudienceModelAssociation's input has no other member).
 * With `manageResourcePolicies`, Create and Delete also write the model's
 * resource policy (managed-policy.ts).
 */
import { associationArn } from './arns';
import { conflict, notFound, validation } from './errors';
import { addManagedStatement, removeManagedStatement } from './managed-policy';
import { findMembership } from './memberships';
import { ConfiguredAudienceModelAssociationRecord, describeAssociation, summarizeAssociation } from './records';
import type { CleanRoomsOperationName } from './operations';
import type { OperationContext, OperationTable } from '../operation';
import { PageRequest, paginate } from '../pagination';
import type { ConfiguredAudienceModelRecord, Tags } from '../store';

interface CreateAssociationInput {
  readonly membershipIdentifier: string;
  readonly configuredAudienceModelArn: string;
  readonly configuredAudienceModelAssociationName: string;
  readonly manageResourcePolicies: boolean;
  readonly tags?: Tags;
  readonly description?: string;
}

interface AssociationIdentifierInput {
  readonly membershipIdentifier: string;
  readonly configuredAudienceModelAssociationIdentifier: string;
}

interface UpdateAssociationInput extends AssociationIdentifierInput {
  readonly name?: string;
  readonly description?: string;
}

interface ListAssociationsInput extends PageRequest {
  readonly membershipIdentifier: string;
}

/** The association with this id under the caller's membership. */
export function findAssociation(context: OperationContext, input: AssociationIdentifierInput): ConfiguredAudienceModelAssociationRecord {
  const membership = findMembership(context, input.membershipIdentifier);
  const id = input.configuredAudienceModelAssociationIdentifier;
  const association = context.store.state.configuredAudienceModelAssociations[id];
  if (!association || association.membershipId !== membership.id) {
    // The model's ResourceType has no association value: the error names no type.
    throw notFound(`Configured audience model association ${id} not found in membership ${membership.id}`, id);
  }
  return association;
}

/**
 * The configured audience model to associate: one of the caller's account
 * that exists. The console offers the account's own configured models
 * (https://docs.aws.amazon.com/clean-rooms/latest/userguide/create-ml-model-associate-model.html),
 * and Clean Rooms ML resources can be used only in their own account ("All
 * other Clean Rooms ML APIs can only be used with resources in your own
 * account", https://docs.aws.amazon.com/clean-rooms/latest/userguide/ml-behaviors.html).
 * AWS does not document the error for another account's model: the emulator
 * answers ResourceNotFoundException, as reading that model from the
 * caller's account would (a choice).
 */
function findOwnConfiguredModel({ store, scope }: OperationContext, arn: string): ConfiguredAudienceModelRecord {
  const [, partition, , region, accountId] = arn.split(':');
  if (accountId !== scope.accountId || region !== scope.region || partition !== scope.partition) {
    throw notFound(
      `configuredAudienceModelArn ${arn} is not in the caller's account ${scope.accountId} (${scope.region}): `
      + 'only a configured audience model of the associating account can be associated',
    );
  }
  const configured = store.state.configuredAudienceModels[arn];
  if (!configured) {
    throw notFound(`configuredAudienceModelArn ${arn}: configured audience model not found`);
  }
  return configured;
}

/** Names are unique among the associations of one membership (a choice: AWS does not document the scope). */
function holderOfName(context: OperationContext, membershipId: string, name: string, except?: string): ConfiguredAudienceModelAssociationRecord | undefined {
  return Object.values(context.store.state.configuredAudienceModelAssociations)
    .find((association) => association.membershipId === membershipId && association.name === name && association.id !== except);
}

function view({ store }: OperationContext, association: ConfiguredAudienceModelAssociationRecord) {
  const membership = store.state.memberships[association.membershipId];
  return describeAssociation(association, membership, store.state.collaborations[membership.collaborationId]);
}

export const associationOperations: OperationTable<CleanRoomsOperationName> = {
  CreateConfiguredAudienceModelAssociation: (input: CreateAssociationInput, context) => {
    const { store, scope, now } = context;
    const membership = findMembership(context, input.membershipIdentifier);
    if (membership.status !== 'ACTIVE') {
      // A choice: AWS does not document this error; the model's ConflictException has the INVALID_STATE reason for it.
      throw conflict('INVALID_STATE', `Membership ${membership.id} is ${membership.status}, not ACTIVE: nothing can be associated through it`,
        membership.id, 'MEMBERSHIP');
    }
    const configured = findOwnConfiguredModel(context, input.configuredAudienceModelArn);
    const name = input.configuredAudienceModelAssociationName;
    const taken = holderOfName(context, membership.id, name);
    if (taken) {
      throw conflict('ALREADY_EXISTS', `configuredAudienceModelAssociationName "${name}" is taken in membership ${membership.id} by association ${taken.id}`);
    }
    const id = store.newId();
    const association: ConfiguredAudienceModelAssociationRecord = {
      id,
      arn: associationArn(scope, membership.id, id),
      sequence: store.nextSequence(),
      membershipId: membership.id,
      collaborationId: membership.collaborationId,
      configuredAudienceModelArn: configured.arn,
      name,
      description: input.description,
      manageResourcePolicies: input.manageResourcePolicies,
      tags: { ...input.tags },
      createdAt: now,
      updatedAt: now,
    };
    store.state.configuredAudienceModelAssociations[id] = association;
    if (association.manageResourcePolicies) {
      addManagedStatement(configured, association, store.state.collaborations[membership.collaborationId]);
    }
    return { configuredAudienceModelAssociation: view(context, association) };
  },

  GetConfiguredAudienceModelAssociation: (input: AssociationIdentifierInput, context) =>
    ({ configuredAudienceModelAssociation: view(context, findAssociation(context, input)) }),

  /**
   * A name another association of the membership holds is refused with
   * ValidationException: the model's Update declares no ConflictException.
   */
  UpdateConfiguredAudienceModelAssociation: (input: UpdateAssociationInput, context) => {
    const association = findAssociation(context, input);
    if (input.name !== undefined) {
      const taken = holderOfName(context, association.membershipId, input.name, association.id);
      if (taken) {
        throw validation(`name "${input.name}" is taken in membership ${association.membershipId} by association ${taken.id}`, 'name');
      }
    }
    association.name = input.name ?? association.name;
    association.description = input.description ?? association.description;
    association.updatedAt = context.now;
    return { configuredAudienceModelAssociation: view(context, association) };
  },

  DeleteConfiguredAudienceModelAssociation: (input: AssociationIdentifierInput, context) => {
    const association = findAssociation(context, input);
    delete context.store.state.configuredAudienceModelAssociations[association.id];
    const configured = context.store.state.configuredAudienceModels[association.configuredAudienceModelArn];
    if (association.manageResourcePolicies && configured) {
      removeManagedStatement(configured, association);
    }
    return undefined;
  },

  ListConfiguredAudienceModelAssociations: (input: ListAssociationsInput, context) => {
    const membership = findMembership(context, input.membershipIdentifier);
    const held = Object.values(context.store.state.configuredAudienceModelAssociations)
      .filter((association) => association.membershipId === membership.id)
      .sort((a, b) => a.sequence - b.sequence);
    const page = paginate('ListConfiguredAudienceModelAssociations', held, input, { membershipIdentifier: membership.id });
    const collaboration = context.store.state.collaborations[membership.collaborationId];
    return {
      configuredAudienceModelAssociationSummaries: page.items.map((association) => summarizeAssociation(association, membership, collaboration)),
      nextToken: page.nextToken,
    };
  },
};
