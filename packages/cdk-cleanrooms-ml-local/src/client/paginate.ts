import type { CleanRoomsMlClient } from './client';
import type * as api from './types';

/** Each list operation of the client: its request, its reply and the type of the items a page holds. */
export interface ListOperations {
  listTrainingDatasets: {
    input: api.ListTrainingDatasetsRequest;
    output: api.ListTrainingDatasetsResponse;
    item: api.TrainingDatasetSummary;
  };
  listAudienceModels: {
    input: api.ListAudienceModelsRequest;
    output: api.ListAudienceModelsResponse;
    item: api.AudienceModelSummary;
  };
  listConfiguredAudienceModels: {
    input: api.ListConfiguredAudienceModelsRequest;
    output: api.ListConfiguredAudienceModelsResponse;
    item: api.ConfiguredAudienceModelSummary;
  };
  listAudienceGenerationJobs: {
    input: api.ListAudienceGenerationJobsRequest;
    output: api.ListAudienceGenerationJobsResponse;
    item: api.AudienceGenerationJobSummary;
  };
  listAudienceExportJobs: {
    input: api.ListAudienceExportJobsRequest;
    output: api.ListAudienceExportJobsResponse;
    item: api.AudienceExportJobSummary;
  };
}

export type ListOperation = keyof ListOperations;
export type ListInput<M extends ListOperation> = ListOperations[M]['input'];
export type ListPage<M extends ListOperation> = ListOperations[M]['output'];
export type ListItem<M extends ListOperation> = ListOperations[M]['item'];
/** The pages of a list operation, read as they are iterated. */
export type Pages<Page> = AsyncGenerator<Page, void, undefined>;

/** The members of `Page` that hold a list of `Item`. */
export type ItemsKeyOf<Page, Item> = { [K in keyof Page]-?: Page[K] extends Item[] ? K : never }[keyof Page];

/** The member of each list operation's reply that holds the items (the model's `result_key`). */
export const LIST_ITEMS_KEYS: { readonly [M in ListOperation]: ItemsKeyOf<ListPage<M>, ListItem<M>> } = {
  listTrainingDatasets: 'trainingDatasets',
  listAudienceModels: 'audienceModels',
  listConfiguredAudienceModels: 'configuredAudienceModels',
  listAudienceGenerationJobs: 'audienceGenerationJobs',
  listAudienceExportJobs: 'audienceExportJobs',
};

/**
 * Yields every page of a list operation, following `nextToken` until the
 * service stops returning one. `input.nextToken` resumes from a known page;
 * `input.maxResults` is sent with every request.
 */
export async function* paginate<M extends ListOperation>(
  client: CleanRoomsMlClient,
  operation: M,
  input: ListInput<M> = {},
): Pages<ListPage<M>> {
  const listPage = client[operation].bind(client) as (request: ListInput<M>) => Promise<ListPage<M>>;
  let nextToken = input.nextToken;
  const seenTokens = new Set<string>();
  do {
    const page = await listPage({ ...input, nextToken });
    yield page;
    nextToken = page.nextToken || undefined;
    // A token seen before would loop forever (a misbehaving endpoint); fail instead.
    if (nextToken !== undefined) {
      if (seenTokens.has(nextToken)) {
        throw new Error(`${operation} returned the nextToken "${nextToken}" a second time; stopping pagination`);
      }
      seenTokens.add(nextToken);
    }
  } while (nextToken !== undefined);
}

/** Every item of a list operation, all pages read, in the service's order. */
export async function listAll<M extends ListOperation>(
  client: CleanRoomsMlClient,
  operation: M,
  input?: ListInput<M>,
): Promise<ListItem<M>[]> {
  const itemsKey = LIST_ITEMS_KEYS[operation];
  const items: ListItem<M>[] = [];
  for await (const page of paginate(client, operation, input)) {
    items.push(...((page as unknown as Partial<Record<string, ListItem<M>[]>>)[itemsKey as string] ?? []));
  }
  return items;
}

export function paginateListTrainingDatasets(
  client: CleanRoomsMlClient,
  input?: api.ListTrainingDatasetsRequest,
): Pages<api.ListTrainingDatasetsResponse> {
  return paginate(client, 'listTrainingDatasets', input);
}

export function paginateListAudienceModels(
  client: CleanRoomsMlClient,
  input?: api.ListAudienceModelsRequest,
): Pages<api.ListAudienceModelsResponse> {
  return paginate(client, 'listAudienceModels', input);
}

export function paginateListConfiguredAudienceModels(
  client: CleanRoomsMlClient,
  input?: api.ListConfiguredAudienceModelsRequest,
): Pages<api.ListConfiguredAudienceModelsResponse> {
  return paginate(client, 'listConfiguredAudienceModels', input);
}

export function paginateListAudienceGenerationJobs(
  client: CleanRoomsMlClient,
  input?: api.ListAudienceGenerationJobsRequest,
): Pages<api.ListAudienceGenerationJobsResponse> {
  return paginate(client, 'listAudienceGenerationJobs', input);
}

export function paginateListAudienceExportJobs(
  client: CleanRoomsMlClient,
  input?: api.ListAudienceExportJobsRequest,
): Pages<api.ListAudienceExportJobsResponse> {
  return paginate(client, 'listAudienceExportJobs', input);
}
