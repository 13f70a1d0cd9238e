/**
 * The CollaborationDirectory the Clean Rooms ML side asks
 * (../collaboration-directory.ts), answered from the AWS Clean Rooms records
 * of the emulator's store.
 */
import type { CollaborationDirectory } from '../collaboration-directory';
import type { Store } from '../store';

export class StoreCollaborationDirectory implements CollaborationDirectory {
  constructor(private readonly store: Store) {}

  public isActiveMember(collaborationId: string, accountId: string): boolean {
    const state = this.store.state;
    const collaboration = state.collaborations[collaborationId];
    if (!collaboration || collaboration.deletedAt !== undefined) {
      return false;
    }
    const member = collaboration.members.find((candidate) => candidate.accountId === accountId);
    return member?.status === 'ACTIVE' && Object.values(state.memberships)
      .some((membership) => membership.collaborationId === collaborationId && membership.accountId === accountId && membership.status === 'ACTIVE');
  }

  public associationsOf(configuredAudienceModelArn: string): readonly string[] {
    return Object.values(this.store.state.configuredAudienceModelAssociations)
      .filter((association) => association.configuredAudienceModelArn === configuredAudienceModelArn)
      .sort((a, b) => a.sequence - b.sequence)
      .map((association) => association.arn);
  }

  /**
   * The model is being deleted: its associations go with it (the service
   * removes the model "from any collaborations that it is associated to").
   * Its resource policy, where a managed statement lived, goes with the model.
   */
  public removeAssociationsOf(configuredAudienceModelArn: string): void {
    const associations = this.store.state.configuredAudienceModelAssociations;
    for (const [id, association] of Object.entries(associations)) {
      if (association.configuredAudienceModelArn === configuredAudienceModelArn) delete associations[id];
    }
  }
}
