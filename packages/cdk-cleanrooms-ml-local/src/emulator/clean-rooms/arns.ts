/**
 * AWS Clean Rooms ARNs (the model's CollaborationArn, MembershipArn and
 * ConfiguredAudienceModelAssociationArn): a collaboration's is in its
 * creator's account, a membership's in its member's, and an association's
 * sits under the membership of the account that made it.
 */
import type { AccountScope } from '../arns';

export const ASSOCIATION_RESOURCE_TYPE = 'configuredaudiencemodelassociation';

const prefix = (scope: AccountScope) => `arn:${scope.partition}:cleanrooms:${scope.region}:${scope.accountId}`;

export function collaborationArn(scope: AccountScope, id: string): string {
  return `${prefix(scope)}:collaboration/${id}`;
}

export function membershipArn(scope: AccountScope, id: string): string {
  return `${prefix(scope)}:membership/${id}`;
}

export function associationArn(scope: AccountScope, membershipId: string, id: string): string {
  return `${membershipArn(scope, membershipId)}/${ASSOCIATION_RESOURCE_TYPE}/${id}`;
}

/** What a Clean Rooms ARN names: its account and the resource, or undefined for any other ARN. */
export type ParsedCleanRoomsArn =
  | { readonly accountId: string; readonly region: string; readonly type: 'collaboration'; readonly id: string }
  | { readonly accountId: string; readonly region: string; readonly type: 'membership'; readonly id: string }
  | { readonly accountId: string; readonly region: string; readonly type: 'association'; readonly membershipId: string; readonly id: string };

const ARN = /^arn:aws[-a-z]*:cleanrooms:([-a-z0-9]+):([0-9]{12}):(.+)$/;

export function parseCleanRoomsArn(arn: string): ParsedCleanRoomsArn | undefined {
  const match = ARN.exec(arn);
  if (!match) {
    return undefined;
  }
  const [, region, accountId, resource] = match;
  const parts = resource.split('/');
  if (parts.length === 2 && parts[0] === 'collaboration') {
    return { accountId, region, type: 'collaboration', id: parts[1] };
  }
  if (parts.length === 2 && parts[0] === 'membership') {
    return { accountId, region, type: 'membership', id: parts[1] };
  }
  if (parts.length === 4 && parts[0] === 'membership' && parts[2] === ASSOCIATION_RESOURCE_TYPE) {
    return { accountId, region, type: 'association', membershipId: parts[1], id: parts[3] };
  }
  return undefined;
}
