import { clientFor, FakeService, type ReceivedRequest } from './fake-service';
import {
  CleanRoomsMlClient,
  listAll,
  LIST_ITEMS_KEYS,
  OPERATION_NAMES,
  paginate,
  paginateListAudienceExportJobs,
  paginateListAudienceGenerationJobs,
  paginateListAudienceModels,
  paginateListConfiguredAudienceModels,
  paginateListTrainingDatasets,
  type ListTrainingDatasetsResponse,
  type Pages,
} from '../../src/client';
import { CLEAN_ROOMS_ML_PAGINATORS, modelOperation } from '../fixtures/cleanroomsml-model';

const CONFIGURED_MODEL_ARN = 'arn:aws:cleanrooms-ml:eu-west-1:123456789012:configured-audience-model/c2d3e4f5';

let service: FakeService;
let client: CleanRoomsMlClient;

beforeEach(async () => {
  service = await new FakeService().start();
  client = clientFor(service);
});

afterEach(async () => {
  client.destroy();
  await service.close();
});

function dataset(n: number) {
  return {
    trainingDatasetArn: `arn:aws:cleanrooms-ml:eu-west-1:123456789012:training-dataset/d${n}`,
    name: `dataset-${n}`,
    status: 'ACTIVE',
    createTime: `2024-07-0${n}T00:00:00Z`,
    updateTime: `2024-07-0${n}T00:00:00Z`,
  };
}

/** Serves `items` in pages of `pageSize`, the token being the next item's index. */
function pagedReplies(itemsKey: string, items: unknown[], pageSize: number) {
  return (request: ReceivedRequest) => {
    const start = Number(request.query.get('nextToken') ?? '0');
    const end = start + pageSize;
    return { body: { [itemsKey]: items.slice(start, end), ...(end < items.length ? { nextToken: String(end) } : {}) } };
  };
}

async function collect<T>(pages: Pages<T>): Promise<T[]> {
  const collected: T[] = [];
  for await (const page of pages) collected.push(page);
  return collected;
}

test('paginateListTrainingDatasets yields every page, following nextToken until it is absent', async () => {
  service.replyAlways(pagedReplies('trainingDatasets', [1, 2, 3, 4, 5].map(dataset), 2));

  const pages: ListTrainingDatasetsResponse[] = await collect(paginateListTrainingDatasets(client, { maxResults: 2 }));

  expect(pages.map((page) => page.trainingDatasets.map((d) => d.name))).toEqual([
    ['dataset-1', 'dataset-2'],
    ['dataset-3', 'dataset-4'],
    ['dataset-5'],
  ]);
  expect(pages.map((page) => page.nextToken)).toEqual(['2', '4', undefined]);
  expect(service.requests.map((r) => r.query.get('nextToken'))).toEqual([null, '2', '4']);
  expect(service.requests.map((r) => r.query.get('maxResults'))).toEqual(['2', '2', '2']);
  expect(pages[2].trainingDatasets[0].createTime).toEqual(new Date('2024-07-05T00:00:00Z'));
});

test('listAll returns the items of every page in order', async () => {
  service.replyAlways(pagedReplies('trainingDatasets', [1, 2, 3, 4, 5].map(dataset), 2));

  const datasets = await listAll(client, 'listTrainingDatasets');

  expect(datasets.map((d) => d.name)).toEqual(['dataset-1', 'dataset-2', 'dataset-3', 'dataset-4', 'dataset-5']);
  expect(datasets[4].updateTime).toBeInstanceOf(Date);
});

test('listAll sends the filters with every page request', async () => {
  const jobs = [1, 2, 3].map((n) => ({ name: `job-${n}`, configuredAudienceModelArn: CONFIGURED_MODEL_ARN }));
  service.replyAlways(pagedReplies('audienceGenerationJobs', jobs, 1));

  const all = await listAll(client, 'listAudienceGenerationJobs', { configuredAudienceModelArn: CONFIGURED_MODEL_ARN, maxResults: 1 });

  expect(all.map((job) => job.name)).toEqual(['job-1', 'job-2', 'job-3']);
  expect(service.requests.map((r) => r.query.get('configuredAudienceModelArn'))).toEqual([CONFIGURED_MODEL_ARN, CONFIGURED_MODEL_ARN, CONFIGURED_MODEL_ARN]);
});

test('a single page without nextToken makes a single request', async () => {
  service.reply({ body: { audienceModels: [] } });

  await expect(listAll(client, 'listAudienceModels')).resolves.toEqual([]);
  expect(service.requests).toHaveLength(1);
});

test('an input nextToken resumes from that page', async () => {
  service.replyAlways(pagedReplies('trainingDatasets', [1, 2, 3, 4].map(dataset), 2));

  const names = (await listAll(client, 'listTrainingDatasets', { nextToken: '2' })).map((d) => d.name);

  expect(names).toEqual(['dataset-3', 'dataset-4']);
});

test('fails instead of looping when the service hands back a token it already gave', async () => {
  service.replyAlways({ body: { audienceModels: [], nextToken: 'same' } });

  await expect(listAll(client, 'listAudienceModels')).rejects.toThrow('listAudienceModels returned the nextToken "same" a second time; stopping pagination');
  expect(service.requests).toHaveLength(2);
});

test('fails with the service error of the page that failed', async () => {
  service.reply({ body: { audienceModels: [{ name: 'a' }], nextToken: 't' } }, { status: 400, headers: { 'x-amzn-errortype': 'ValidationException' }, body: { message: 'bad token' } });

  await expect(collect(paginateListAudienceModels(client))).rejects.toMatchObject({ name: 'ValidationException', message: 'bad token' });
});

test.each([
  ['ListTrainingDatasets', paginateListTrainingDatasets],
  ['ListAudienceModels', paginateListAudienceModels],
  ['ListConfiguredAudienceModels', paginateListConfiguredAudienceModels],
  ['ListAudienceGenerationJobs', paginateListAudienceGenerationJobs],
  ['ListAudienceExportJobs', paginateListAudienceExportJobs],
] as const)('the %s paginator calls that operation', async (operation, paginator) => {
  await collect((paginator as (c: CleanRoomsMlClient) => Pages<unknown>)(client));

  expect(service.requests.map((r) => `${r.method} ${r.rawPath}`)).toEqual([`GET ${modelOperation(operation).http.requestUri}`]);
});

test('paginate accepts any list operation of the client by name', async () => {
  service.reply({ body: { configuredAudienceModels: [{ name: 'c' }] } });

  const pages = await collect(paginate(client, 'listConfiguredAudienceModels', { maxResults: 1 }));

  expect(pages).toEqual([{ configuredAudienceModels: [{ name: 'c' }] }]);
});

test('the items key of every paginated operation the client calls is the model\'s result_key, and the tokens are nextToken', () => {
  const paginated = OPERATION_NAMES.filter((operation) => operation in CLEAN_ROOMS_ML_PAGINATORS);
  const fromModel = Object.fromEntries(paginated.map((operation) => [`${operation[0].toLowerCase()}${operation.slice(1)}`, CLEAN_ROOMS_ML_PAGINATORS[operation].result_key]));

  expect(LIST_ITEMS_KEYS).toEqual(fromModel);
  for (const operation of paginated) {
    expect(CLEAN_ROOMS_ML_PAGINATORS[operation]).toMatchObject({ input_token: 'nextToken', output_token: 'nextToken', limit_key: 'maxResults' });
  }
});
