import { IDependable } from 'constructs';
import { InputKind } from './input-types';
import { CollaborationMembership } from '../collaboration-membership';

/** A collaboration membership as a construct of the stack uses it (see `CollaborationMembership`). */
export interface BoundMembership {
  /** The membership's id (possibly a token). */
  readonly membershipId: string;
  /** The membership's ARN: given, or the id's in the stack's account and Region. */
  readonly membershipArn: string;
  /** The id of the membership's collaboration, when known. */
  readonly collaborationId?: string;
  /** The membership resource of this app to depend on, if any. */
  readonly dependable?: IDependable;
}

/** What the `CollaborationMembership.from…` factories make. */
export const MEMBERSHIP: InputKind = {
  rule: 'be a CollaborationMembership (CollaborationMembership.fromMembershipId(...), .fromMembershipArn(...) or .fromCfnMembership(...))',
  test: (value) => value instanceof CollaborationMembership,
};
