/**
 * Memberships: one per account per collaboration, created by an account
 * the collaboration lists (its creator or an invited member), ACTIVE at
 * once; the member's status in the collaboration follows (INVITED → ACTIVE,
 * and LEFT once the membership is deleted). A membership is the caller's
 * own: another account's is "not found".
 */
import { membershipArn } from './arns';
import { findCollaboration, forgetIfUnused } from './collaborations';
import { conflict, notFound } from './errors';
import { describeMembership, MembershipRecord, MembershipStatus, summarizeMembership } from './records';
import type { CleanRoomsOperationName } from './operations';
import type { OperationContext, OperationTable } from '../operation';
import { PageRequest, paginate } from '../pagination';
import type { Tags } from '../store';

interface CreateMembershipInput {
  readonly collaborationIdentifier: string;
  readonly queryLogStatus: string;
  readonly jobLogStatus?: string;
  readonly tags?: Tags;
  readonly defaultResultConfiguration?: Record<string, unknown>;
  readonly defaultJobResultConfiguration?: Record<string, unknown>;
  readonly paymentConfiguration?: Record<string, unknown>;
  readonly isMetricsEnabled?: boolean;
}

interface MembershipIdentifierInput {
  readonly membershipIdentifier: string;
}

interface ListMembershipsInput extends PageRequest {
  readonly status?: MembershipStatus;
}

/** The caller's membership with this id. */
export function findMembership({ store, scope }: OperationContext, id: string): MembershipRecord {
  const membership = store.state.memberships[id];
  if (!membership || membership.accountId !== scope.accountId) {
    throw notFound(`Membership ${id} not found in account ${scope.accountId}`, id, 'MEMBERSHIP');
  }
  return membership;
}

function view({ store }: OperationContext, membership: MembershipRecord) {
  return describeMembership(membership, store.state.collaborations[membership.collaborationId]);
}

export const membershipOperations: OperationTable<CleanRoomsOperationName> = {
  CreateMembership: (input: CreateMembershipInput, context) => {
    const { store, scope, now } = context;
    const { collaboration, member } = findCollaboration(context, input.collaborationIdentifier);
    if (member.status === 'ACTIVE') {
      const existing = Object.values(store.state.memberships)
        .find((membership) => membership.collaborationId === collaboration.id && membership.accountId === scope.accountId);
      throw conflict(
        'ALREADY_EXISTS',
        `Account ${scope.accountId} already has membership ${existing?.id} in collaboration ${collaboration.id}: one membership per account`,
        existing?.id,
        'MEMBERSHIP',
      );
    }
    if (member.status !== 'INVITED') {
      // A choice: AWS does not document whether a member that left can join again; the emulator refuses it.
      throw conflict('INVALID_STATE', `Account ${scope.accountId} is ${member.status} in collaboration ${collaboration.id}, not INVITED`,
        collaboration.id, 'COLLABORATION');
    }
    const id = store.newId();
    const membership: MembershipRecord = {
      id,
      arn: membershipArn(scope, id),
      sequence: store.nextSequence(),
      accountId: scope.accountId,
      collaborationId: collaboration.id,
      status: 'ACTIVE',
      queryLogStatus: input.queryLogStatus,
      jobLogStatus: input.jobLogStatus,
      defaultResultConfiguration: input.defaultResultConfiguration && structuredClone(input.defaultResultConfiguration),
      defaultJobResultConfiguration: input.defaultJobResultConfiguration && structuredClone(input.defaultJobResultConfiguration),
      paymentConfiguration: input.paymentConfiguration && structuredClone(input.paymentConfiguration),
      isMetricsEnabled: input.isMetricsEnabled,
      tags: { ...input.tags },
      createdAt: now,
      updatedAt: now,
    };
    store.state.memberships[id] = membership;
    member.status = 'ACTIVE';
    collaboration.updatedAt = now;
    return { membership: view(context, membership) };
  },

  GetMembership: (input: MembershipIdentifierInput, context) => ({ membership: view(context, findMembership(context, input.membershipIdentifier)) }),

  ListMemberships: (input: ListMembershipsInput, context) => {
    const own = Object.values(context.store.state.memberships)
      .filter((membership) => membership.accountId === context.scope.accountId && (input.status === undefined || membership.status === input.status))
      .sort((a, b) => a.sequence - b.sequence);
    const page = paginate('ListMemberships', own, input, { status: input.status });
    return {
      membershipSummaries: page.items.map((membership) =>
        summarizeMembership(membership, context.store.state.collaborations[membership.collaborationId])),
      nextToken: page.nextToken,
    };
  },

  /**
   * Leaves the collaboration. A membership that still holds configured
   * audience model associations is refused (ConflictException,
   * SUBRESOURCES_EXIST): a choice, as AWS does not document it, made so that
   * an association (and the resource policy statement it manages) never
   * outlives the membership it sits under.
   */
  DeleteMembership: (input: MembershipIdentifierInput, context) => {
    const membership = findMembership(context, input.membershipIdentifier);
    const held = Object.values(context.store.state.configuredAudienceModelAssociations)
      .filter((association) => association.membershipId === membership.id);
    if (held.length > 0) {
      throw conflict(
        'SUBRESOURCES_EXIST',
        `Membership ${membership.id} still holds ${held.length} configured audience model association(s) (${held.map((a) => a.id).join(', ')}); delete them first`,
        membership.id,
        'MEMBERSHIP',
      );
    }
    delete context.store.state.memberships[membership.id];
    const collaboration = context.store.state.collaborations[membership.collaborationId];
    const member = collaboration?.members.find((candidate) => candidate.accountId === membership.accountId);
    if (member && collaboration.deletedAt === undefined) {
      member.status = 'LEFT';
      collaboration.updatedAt = context.now;
    }
    forgetIfUnused(context, membership.collaborationId);
    return undefined;
  },
};
