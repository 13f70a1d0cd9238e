import type { OperationName } from './operations';

/**
 * Where each operation's output holds timestamps, as dotted paths (`*` = every
 * element of a list), taken from the model. Converting only these paths, not
 * every member called `createTime`, leaves a tag named `createTime` a string.
 */
export const RESPONSE_TIMESTAMP_PATHS: Partial<Record<OperationName, readonly string[]>> = {
  GetAudienceGenerationJob: ['createTime', 'updateTime'],
  GetAudienceModel: ['createTime', 'updateTime', 'trainingDataStartTime', 'trainingDataEndTime'],
  GetConfiguredAudienceModel: ['createTime', 'updateTime'],
  GetTrainingDataset: ['createTime', 'updateTime'],
  ListAudienceExportJobs: ['audienceExportJobs.*.createTime', 'audienceExportJobs.*.updateTime'],
  ListAudienceGenerationJobs: ['audienceGenerationJobs.*.createTime', 'audienceGenerationJobs.*.updateTime'],
  ListAudienceModels: ['audienceModels.*.createTime', 'audienceModels.*.updateTime'],
  ListConfiguredAudienceModels: ['configuredAudienceModels.*.createTime', 'configuredAudienceModels.*.updateTime'],
  ListTrainingDatasets: ['trainingDatasets.*.createTime', 'trainingDatasets.*.updateTime'],
};

/** Replaces, in place, the operation's timestamp members of a parsed JSON reply by `Date`s. */
export function reviveTimestamps(operation: OperationName, output: Record<string, unknown>): void {
  for (const path of RESPONSE_TIMESTAMP_PATHS[operation] ?? []) {
    reviveAt(output, path.split('.'));
  }
}

function reviveAt(node: unknown, path: readonly string[]): void {
  if (node === null || typeof node !== 'object') return;
  const [head, ...rest] = path;
  if (head === '*') {
    if (Array.isArray(node)) node.forEach((element) => reviveAt(element, rest));
    return;
  }
  const container = node as Record<string, unknown>;
  if (rest.length > 0) {
    reviveAt(container[head], rest);
    return;
  }
  const date = toDate(container[head]);
  if (date) container[head] = date;
}

/** The model says ISO-8601; epoch seconds (restJson1's default) are accepted too. */
function toDate(value: unknown): Date | undefined {
  const date = typeof value === 'string' ? new Date(value)
    : typeof value === 'number' ? new Date(value * 1000)
      : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}
