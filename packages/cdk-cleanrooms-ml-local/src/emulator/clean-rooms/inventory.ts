/**
 * The AWS Clean Rooms part of the emulator's inventory: every account's
 * collaborations (with each member's status), memberships and configured
 * audience model associations, as their Get operations describe them, with
 * their tags.
 */
import { describeAssociation, describeMembership, MemberStatus } from './records';
import type { EmulatorState, Tags } from '../store';

export interface CollaborationInventoryEntry {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly creatorAccountId: string;
  readonly members: ReadonlyArray<{ readonly accountId: string; readonly displayName: string; readonly memberStatus: MemberStatus }>;
  readonly tags: Tags;
}

export type MembershipInventoryEntry = ReturnType<typeof describeMembership> & { readonly tags: Tags };
export type AssociationInventoryEntry = ReturnType<typeof describeAssociation> & { readonly tags: Tags };

export interface CleanRoomsInventory {
  /** Collaborations not deleted. */
  readonly collaborations: CollaborationInventoryEntry[];
  readonly memberships: MembershipInventoryEntry[];
  readonly configuredAudienceModelAssociations: AssociationInventoryEntry[];
}

const bySequence = (a: { readonly sequence: number }, b: { readonly sequence: number }): number => a.sequence - b.sequence;

export function cleanRoomsInventory(state: EmulatorState): CleanRoomsInventory {
  return {
    collaborations: Object.values(state.collaborations).filter((record) => record.deletedAt === undefined).sort(bySequence).map((record) => ({
      id: record.id,
      arn: record.arn,
      name: record.name,
      creatorAccountId: record.creatorAccountId,
      members: record.members.map((member) => ({ accountId: member.accountId, displayName: member.displayName, memberStatus: member.status })),
      tags: { ...record.tags },
    })),
    memberships: Object.values(state.memberships).sort(bySequence).map((record) => ({
      ...describeMembership(record, state.collaborations[record.collaborationId]),
      tags: { ...record.tags },
    })),
    configuredAudienceModelAssociations: Object.values(state.configuredAudienceModelAssociations).sort(bySequence).map((record) => {
      const membership = state.memberships[record.membershipId];
      return { ...describeAssociation(record, membership, state.collaborations[membership.collaborationId]), tags: { ...record.tags } };
    }),
  };
}
