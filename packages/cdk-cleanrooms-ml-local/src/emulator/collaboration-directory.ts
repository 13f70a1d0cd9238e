/**
 * What the Clean Rooms ML side of the emulator asks the AWS Clean Rooms side
 * about collaborations: the two services are separate endpoints in AWS, but
 * Clean Rooms ML validates a generation job's collaboration and its members
 * against Clean Rooms, and a configured audience model can be associated
 * with Clean Rooms collaborations.
 */
export interface CollaborationDirectory {
  /** Whether the collaboration exists and the account holds an ACTIVE membership in it. */
  isActiveMember(collaborationId: string, accountId: string): boolean;
  /** The ARNs of the configured audience model associations that name this configured audience model. */
  associationsOf(configuredAudienceModelArn: string): readonly string[];
  /**
   * The configured audience model is being deleted: its associations leave
   * their collaborations. "If you delete a configured audience model, it will
   * be removed from any collaborations that it is associated to"
   * (https://docs.aws.amazon.com/cleanrooms-ml/latest/APIReference/API_DeleteConfiguredAudienceModel.html).
   * Called before the model's record (and so its resource policy) is gone.
   */
  removeAssociationsOf(configuredAudienceModelArn: string): void;
}
