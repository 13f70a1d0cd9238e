/**
 * Collaborations: created ACTIVE at once by their creator with the members
 * it invites (the list cannot change: the model's CreateCollaboration.members
 * is "immutable"), seen only by those accounts, deleted by the creator
 * alone. Each member's status is INVITED until it creates its membership
 * (memberships.ts), the creator's too: the model's Collaboration has an
 * optional membershipId, so the creator's membership is a call of its own.
 */
import { collaborationArn } from './arns';
import { accessDenied, notFound, validation } from './errors';
import { CollaborationMember, CollaborationRecord, describeCollaboration, MemberStatus, MembershipRecord, summarizeCollaboration } from './records';
import type { CleanRoomsOperationName } from './operations';
import type { OperationContext, OperationTable } from '../operation';
import { PageRequest, paginate } from '../pagination';
import type { Tags } from '../store';

interface MemberSpecification {
  readonly accountId: string;
  readonly memberAbilities: string[];
  readonly mlMemberAbilities?: Record<string, unknown>;
  readonly displayName: string;
  readonly paymentConfiguration?: Record<string, unknown>;
}

interface CreateCollaborationInput {
  readonly members: MemberSpecification[];
  readonly name: string;
  readonly description?: string;
  readonly creatorMemberAbilities: string[];
  readonly creatorMLMemberAbilities?: Record<string, unknown>;
  readonly creatorDisplayName: string;
  readonly dataEncryptionMetadata?: Record<string, unknown>;
  readonly queryLogStatus: string;
  readonly jobLogStatus?: string;
  readonly tags?: Tags;
  readonly creatorPaymentConfiguration?: Record<string, unknown>;
  readonly analyticsEngine?: string;
  readonly autoApprovedChangeRequestTypes?: string[];
  readonly allowedResultRegions?: string[];
  readonly isMetricsEnabled?: boolean;
}

interface CollaborationIdentifierInput {
  readonly collaborationIdentifier: string;
}

interface ListCollaborationsInput extends PageRequest {
  readonly memberStatus?: 'INVITED' | 'ACTIVE';
}

/**
 * A collaboration the caller is a member of (invited or not), with the
 * caller's member entry. One it is not a member of is "not found", like one
 * that does not exist: the model's GetCollaboration declares no
 * ResourceNotFoundException, and AWS does not document what it answers for
 * either, so the emulator answers the error every other Clean Rooms operation
 * gives for an unknown identifier (a choice), which SDKs surface by name.
 */
export function findCollaboration(
  { store, scope }: OperationContext,
  id: string,
): { readonly collaboration: CollaborationRecord; readonly member: CollaborationMember } {
  const collaboration = store.state.collaborations[id];
  const member = collaboration?.deletedAt === undefined ? collaboration?.members.find((candidate) => candidate.accountId === scope.accountId) : undefined;
  if (!collaboration || !member) {
    throw notFound(`Collaboration ${id} not found: account ${scope.accountId} is not a member of a collaboration with this id`, id, 'COLLABORATION');
  }
  return { collaboration, member };
}

/** The caller's membership in the collaboration, if it has one. */
export function membershipIn(context: OperationContext, collaborationId: string): MembershipRecord | undefined {
  return Object.values(context.store.state.memberships)
    .find((membership) => membership.collaborationId === collaborationId && membership.accountId === context.scope.accountId);
}

function view(context: OperationContext, collaboration: CollaborationRecord, member: CollaborationMember) {
  return describeCollaboration(collaboration, member, membershipIn(context, collaboration.id));
}

export const collaborationOperations: OperationTable<CleanRoomsOperationName> = {
  CreateCollaboration: (input: CreateCollaborationInput, context) => {
    const { store, scope, now } = context;
    input.members.forEach((member, index) => {
      if (member.accountId === scope.accountId) {
        // "The list of initial members, not including the creator" (the model's CreateCollaboration.members).
        throw validation(`members[${index}].accountId ${member.accountId} is the creator's account: the members list does not include the creator`, 'members');
      }
      if (input.members.findIndex((other) => other.accountId === member.accountId) !== index) {
        throw validation(`members[${index}].accountId ${member.accountId} is listed twice: each account is a member once`, 'members');
      }
    });
    const invited = (spec: MemberSpecification): CollaborationMember => ({
      accountId: spec.accountId,
      displayName: spec.displayName,
      memberAbilities: [...spec.memberAbilities],
      mlMemberAbilities: spec.mlMemberAbilities && structuredClone(spec.mlMemberAbilities),
      paymentConfiguration: spec.paymentConfiguration && structuredClone(spec.paymentConfiguration),
      status: 'INVITED' satisfies MemberStatus,
    });
    const id = store.newId();
    const record: CollaborationRecord = {
      id,
      arn: collaborationArn(scope, id),
      sequence: store.nextSequence(),
      name: input.name,
      description: input.description,
      creatorAccountId: scope.accountId,
      members: [
        invited({
          accountId: scope.accountId,
          displayName: input.creatorDisplayName,
          memberAbilities: input.creatorMemberAbilities,
          mlMemberAbilities: input.creatorMLMemberAbilities,
          paymentConfiguration: input.creatorPaymentConfiguration,
        }),
        ...input.members.map(invited),
      ],
      queryLogStatus: input.queryLogStatus,
      jobLogStatus: input.jobLogStatus,
      analyticsEngine: input.analyticsEngine,
      dataEncryptionMetadata: input.dataEncryptionMetadata && structuredClone(input.dataEncryptionMetadata),
      autoApprovedChangeTypes: input.autoApprovedChangeRequestTypes && [...input.autoApprovedChangeRequestTypes],
      allowedResultRegions: input.allowedResultRegions && [...input.allowedResultRegions],
      isMetricsEnabled: input.isMetricsEnabled,
      tags: { ...input.tags },
      createdAt: now,
      updatedAt: now,
    };
    store.state.collaborations[id] = record;
    return { collaboration: view(context, record, record.members[0]) };
  },

  GetCollaboration: (input: CollaborationIdentifierInput, context) => {
    const { collaboration, member } = findCollaboration(context, input.collaborationIdentifier);
    return { collaboration: view(context, collaboration, member) };
  },

  ListCollaborations: (input: ListCollaborationsInput, context) => {
    const visible = Object.values(context.store.state.collaborations)
      .filter((collaboration) => collaboration.deletedAt === undefined)
      .map((collaboration) => ({ collaboration, member: collaboration.members.find((candidate) => candidate.accountId === context.scope.accountId) }))
      .filter((entry): entry is { collaboration: CollaborationRecord; member: CollaborationMember } =>
        entry.member !== undefined && (input.memberStatus === undefined || entry.member.status === input.memberStatus))
      .map((entry) => ({ ...entry, sequence: entry.collaboration.sequence }))
      .sort((a, b) => a.sequence - b.sequence);
    const page = paginate('ListCollaborations', visible, input, { memberStatus: input.memberStatus });
    return {
      collaborationList: page.items.map(({ collaboration, member }) =>
        summarizeCollaboration(collaboration, member, membershipIn(context, collaboration.id))),
      nextToken: page.nextToken,
    };
  },

  /**
   * Only the creator deletes a collaboration. The memberships in it stay,
   * COLLABORATION_DELETED (the model's MembershipStatus), with what they
   * hold: their owners delete them.
   */
  DeleteCollaboration: (input: CollaborationIdentifierInput, context) => {
    const { collaboration } = findCollaboration(context, input.collaborationIdentifier);
    if (collaboration.creatorAccountId !== context.scope.accountId) {
      throw accessDenied(
        `Account ${context.scope.accountId} cannot delete collaboration ${collaboration.id}: only its creator, account ${collaboration.creatorAccountId}, can`,
      );
    }
    collaboration.deletedAt = context.now;
    collaboration.updatedAt = context.now;
    for (const membership of Object.values(context.store.state.memberships)) {
      if (membership.collaborationId === collaboration.id) {
        membership.status = 'COLLABORATION_DELETED';
        membership.updatedAt = context.now;
      }
    }
    forgetIfUnused(context, collaboration.id);
    return undefined;
  },
};

/** Drops a deleted collaboration once no membership describes it any more. */
export function forgetIfUnused({ store }: OperationContext, collaborationId: string): void {
  const collaboration = store.state.collaborations[collaborationId];
  if (collaboration?.deletedAt !== undefined
    && !Object.values(store.state.memberships).some((membership) => membership.collaborationId === collaborationId)) {
    delete store.state.collaborations[collaborationId];
  }
}
