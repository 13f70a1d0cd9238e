/**
 * Tags on AWS Clean Rooms resources: a collaboration (its creator's), a
 * membership and a configured audience model association (the member's
 * own). Any other ARN, or one of another account, is "not found".
 */
import { parseCleanRoomsArn } from './arns';
import { notFound } from './errors';
import type { CleanRoomsOperationName } from './operations';
import type { OperationContext, OperationTable } from '../operation';
import type { Tags } from '../store';

interface TagResourceInput {
  readonly resourceArn: string;
  readonly tags: Tags;
}

interface UntagResourceInput {
  readonly resourceArn: string;
  readonly tagKeys: string[];
}

interface ResourceArnInput {
  readonly resourceArn: string;
}

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

export const cleanRoomsTagOperations: OperationTable<CleanRoomsOperationName> = {
  TagResource: (input: TagResourceInput, context) => {
    const resource = findTaggable(context, input.resourceArn);
    resource.tags = { ...resource.tags, ...input.tags };
    return {};
  },

  UntagResource: (input: UntagResourceInput, context) => {
    const resource = findTaggable(context, input.resourceArn);
    const remaining = { ...resource.tags };
    for (const key of input.tagKeys) {
      delete remaining[key];
    }
    resource.tags = remaining;
    return {};
  },

  ListTagsForResource: (input: ResourceArnInput, context) => ({ tags: { ...findTaggable(context, input.resourceArn).tags } }),
};
