/**
 * Tags on AWS Clean Rooms resources: a collaboration (its creator's), a
 * membership and a configured audience model association (the member's
 * own). Any other ARN, or one of another account, is "not found".
 */
import { parseCleanRoomsArn } from './arns';
import { notFound, validation } from './errors';
import type { CleanRoomsOperationName } from './operations';
import type { OperationContext, OperationTable } from '../operation';
import type { Tags } from '../store';
import { taggingOperations } from '../tags';

function findTaggable({ store, scope }: OperationContext, arn: string): { tags: Tags } {
  const parsed = parseCleanRoomsArn(arn);
  const state = store.state;
  const record = parsed === undefined || parsed.accountId !== scope.accountId || parsed.region !== scope.region
    ? undefined
    : parsed.type === 'collaboration'
      ? (state.collaborations[parsed.id]?.deletedAt === undefined ? state.collaborations[parsed.id] : undefined)
      : parsed.type === 'membership'
        ? state.memberships[parsed.id]
        : state.configuredAudienceModelAssociations[parsed.id];
  if (!record || record.arn !== arn) {
    throw notFound(`Resource ${arn} not found: no collaboration, membership or configured audience model association of account ${scope.accountId} has this ARN`);
  }
  return record;
}

export const cleanRoomsTagOperations: OperationTable<CleanRoomsOperationName> = taggingOperations(findTaggable, (message) => validation(message, 'tags'));
