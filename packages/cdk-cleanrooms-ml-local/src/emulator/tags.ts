/**
 * Tags on any of the four ARN types. Key and value constraints, the reserved
 * `aws:` prefix and the per-request count are in constraints.ts; what needs
 * the resource (the total after merging) is checked here.
 */
import { arnResourceType, lookUp } from './arns';
import { MAX_TAGS_PER_RESOURCE } from './constraints';
import { notFound, validationError } from './errors';
import { OperationContext, OperationHandler, OperationTable } from './operation';
import { EmulatorState, Tags } from './store';

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

const RECORDS_BY_TYPE = {
  'training-dataset': 'trainingDatasets',
  'audience-model': 'audienceModels',
  'configured-audience-model': 'configuredAudienceModels',
  'audience-generation-job': 'audienceGenerationJobs',
} as const satisfies Record<string, keyof EmulatorState>;

function findTaggable({ store, scope }: OperationContext, arn: string): { tags: Tags } {
  const type = arnResourceType(arn);
  if (!type) {
    throw notFound(`Resource ${arn} not found: it is not a training dataset, audience model, configured audience model or audience generation job`);
  }
  return lookUp<{ tags: Tags }>(scope, type, arn, store.state[RECORDS_BY_TYPE[type]]);
}

export const tagOperations: OperationTable = taggingOperations(findTaggable, validationError);

/**
 * TagResource, UntagResource and ListTagsForResource over the records
 * `findTaggable` finds (or answers "not found" for): the same for the Clean
 * Rooms ML and the AWS Clean Rooms endpoints, which differ only in the
 * resources they tag.
 */
export function taggingOperations<Name extends string>(
  findTaggableRecord: (context: OperationContext, arn: string) => { tags: Tags },
  /** The endpoint's own ValidationException (the two services' shapes differ). */
  invalid: (message: string) => Error,
): OperationTable<Name> {
  const operations: Record<string, OperationHandler> = {
    TagResource: (input: TagResourceInput, context) => {
      const resource = findTaggableRecord(context, input.resourceArn);
      const merged = { ...resource.tags, ...input.tags };
      const count = Object.keys(merged).length;
      if (count > MAX_TAGS_PER_RESOURCE) {
        throw invalid(`tags would give ${input.resourceArn} ${count} tags; a resource can have at most ${MAX_TAGS_PER_RESOURCE}`);
      }
      resource.tags = merged;
      return {};
    },

    UntagResource: (input: UntagResourceInput, context) => {
      const resource = findTaggableRecord(context, input.resourceArn);
      const remaining = { ...resource.tags };
      for (const key of input.tagKeys) {
        delete remaining[key];
      }
      resource.tags = remaining;
      return {};
    },

    ListTagsForResource: (input: ResourceArnInput, context) => ({ tags: { ...findTaggableRecord(context, input.resourceArn).tags } }),
  };
  return operations as OperationTable<Name>;
}
