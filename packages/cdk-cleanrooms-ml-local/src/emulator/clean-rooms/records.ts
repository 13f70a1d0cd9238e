/**
 * What the emulator holds of AWS Clean Rooms (in the same state as Clean
 * Rooms ML's records: store.ts), and how each record looks through the API.
 * Every record is keyed by its id (a UUID, unique across accounts); its ARN
 * names its account.
 */
import type { Tags } from '../store';

export type MemberStatus = 'INVITED' | 'ACTIVE' | 'LEFT' | 'REMOVED';
export type MembershipStatus = 'ACTIVE' | 'REMOVED' | 'COLLABORATION_DELETED';

/** Optional structures kept as the request gave them and shown back as they are. */
type Passthrough = Readonly<Record<string, unknown>>;

export interface CollaborationMember {
  readonly accountId: string;
  readonly displayName: string;
  readonly memberAbilities: readonly string[];
  readonly mlMemberAbilities?: Passthrough;
  readonly paymentConfiguration?: Passthrough;
  /** INVITED until the account creates its membership, ACTIVE then, LEFT once it deletes it. */
  status: MemberStatus;
}

export interface CollaborationRecord {
  readonly id: string;
  readonly arn: string;
  /** Place in the store's creation order (see Store.nextSequence). */
  readonly sequence: number;
  readonly name: string;
  readonly description?: string;
  readonly creatorAccountId: string;
  /** The creator first, then the members the request invited ("This list is immutable", the model's CreateCollaboration.members). */
  readonly members: CollaborationMember[];
  readonly queryLogStatus: string;
  readonly jobLogStatus?: string;
  readonly analyticsEngine?: string;
  readonly dataEncryptionMetadata?: Passthrough;
  readonly autoApprovedChangeTypes?: readonly string[];
  readonly allowedResultRegions?: readonly string[];
  readonly isMetricsEnabled?: boolean;
  tags: Tags;
  readonly createdAt: number;
  updatedAt: number;
  /**
   * When its creator deleted it: it is gone for Get and List, but the
   * memberships in it remain (COLLABORATION_DELETED) and still describe it.
   */
  deletedAt?: number;
}

export interface MembershipRecord {
  readonly id: string;
  readonly arn: string;
  readonly sequence: number;
  readonly accountId: string;
  readonly collaborationId: string;
  status: MembershipStatus;
  readonly queryLogStatus: string;
  readonly jobLogStatus?: string;
  readonly defaultResultConfiguration?: Passthrough;
  readonly defaultJobResultConfiguration?: Passthrough;
  readonly paymentConfiguration?: Passthrough;
  readonly isMetricsEnabled?: boolean;
  tags: Tags;
  readonly createdAt: number;
  updatedAt: number;
}

export interface ConfiguredAudienceModelAssociationRecord {
  readonly id: string;
  readonly arn: string;
  readonly sequence: number;
  readonly membershipId: string;
  readonly collaborationId: string;
  readonly configuredAudienceModelArn: string;
  name: string;
  description?: string;
  readonly manageResourcePolicies: boolean;
  tags: Tags;
  readonly createdAt: number;
  updatedAt: number;
}

/**
 * A timestamp as AWS Clean Rooms sends it: epoch seconds, restJson1's
 * default, as its model's Timestamp shape names no format (Clean Rooms ML's
 * are ISO-8601).
 */
const epochSeconds = (millis: number): number => millis / 1000;

/** The payment configuration a member gets when none is given: the collaboration's query runner pays (the model requires one in Membership). */
const DEFAULT_PAYMENT = { queryCompute: { isResponsible: true } };

/** Collaboration, as one account sees it: its own member status and membership. */
export function describeCollaboration(record: CollaborationRecord, viewer: CollaborationMember, membership?: MembershipRecord) {
  const creator = record.members[0];
  return {
    id: record.id,
    arn: record.arn,
    name: record.name,
    description: record.description,
    creatorAccountId: record.creatorAccountId,
    creatorDisplayName: creator.displayName,
    createTime: epochSeconds(record.createdAt),
    updateTime: epochSeconds(record.updatedAt),
    memberStatus: viewer.status,
    membershipId: membership?.id,
    membershipArn: membership?.arn,
    dataEncryptionMetadata: record.dataEncryptionMetadata,
    queryLogStatus: record.queryLogStatus,
    jobLogStatus: record.jobLogStatus,
    analyticsEngine: record.analyticsEngine,
    autoApprovedChangeTypes: record.autoApprovedChangeTypes,
    allowedResultRegions: record.allowedResultRegions,
    isMetricsEnabled: record.isMetricsEnabled,
  };
}

/** CollaborationSummary: what ListCollaborations shows of each. */
export function summarizeCollaboration(record: CollaborationRecord, viewer: CollaborationMember, membership?: MembershipRecord) {
  const full = describeCollaboration(record, viewer, membership);
  return {
    id: full.id,
    arn: full.arn,
    name: full.name,
    creatorAccountId: full.creatorAccountId,
    creatorDisplayName: full.creatorDisplayName,
    createTime: full.createTime,
    updateTime: full.updateTime,
    memberStatus: full.memberStatus,
    membershipId: full.membershipId,
    membershipArn: full.membershipArn,
    analyticsEngine: full.analyticsEngine,
  };
}

export function describeMembership(record: MembershipRecord, collaboration: CollaborationRecord) {
  const member = collaboration.members.find((candidate) => candidate.accountId === record.accountId);
  return {
    id: record.id,
    arn: record.arn,
    collaborationArn: collaboration.arn,
    collaborationId: collaboration.id,
    collaborationCreatorAccountId: collaboration.creatorAccountId,
    collaborationCreatorDisplayName: collaboration.members[0].displayName,
    collaborationName: collaboration.name,
    createTime: epochSeconds(record.createdAt),
    updateTime: epochSeconds(record.updatedAt),
    status: record.status,
    memberAbilities: member?.memberAbilities ?? [],
    mlMemberAbilities: member?.mlMemberAbilities,
    queryLogStatus: record.queryLogStatus,
    jobLogStatus: record.jobLogStatus,
    defaultResultConfiguration: record.defaultResultConfiguration,
    defaultJobResultConfiguration: record.defaultJobResultConfiguration,
    paymentConfiguration: record.paymentConfiguration ?? member?.paymentConfiguration ?? DEFAULT_PAYMENT,
    isMetricsEnabled: record.isMetricsEnabled,
  };
}

/** MembershipSummary. */
export function summarizeMembership(record: MembershipRecord, collaboration: CollaborationRecord) {
  const full = describeMembership(record, collaboration);
  return {
    id: full.id,
    arn: full.arn,
    collaborationArn: full.collaborationArn,
    collaborationId: full.collaborationId,
    collaborationCreatorAccountId: full.collaborationCreatorAccountId,
    collaborationCreatorDisplayName: full.collaborationCreatorDisplayName,
    collaborationName: full.collaborationName,
    createTime: full.createTime,
    updateTime: full.updateTime,
    status: full.status,
    memberAbilities: full.memberAbilities,
    mlMemberAbilities: full.mlMemberAbilities,
    paymentConfiguration: full.paymentConfiguration,
  };
}

export function describeAssociation(record: ConfiguredAudienceModelAssociationRecord, membership: MembershipRecord, collaboration: CollaborationRecord) {
  return {
    id: record.id,
    arn: record.arn,
    configuredAudienceModelArn: record.configuredAudienceModelArn,
    membershipId: membership.id,
    membershipArn: membership.arn,
    collaborationId: collaboration.id,
    collaborationArn: collaboration.arn,
    name: record.name,
    manageResourcePolicies: record.manageResourcePolicies,
    description: record.description,
    createTime: epochSeconds(record.createdAt),
    updateTime: epochSeconds(record.updatedAt),
  };
}

/** ConfiguredAudienceModelAssociationSummary: no manageResourcePolicies. */
export function summarizeAssociation(record: ConfiguredAudienceModelAssociationRecord, membership: MembershipRecord, collaboration: CollaborationRecord) {
  const { manageResourcePolicies: _manage, ...summary } = describeAssociation(record, membership, collaboration);
  return summary;
}
