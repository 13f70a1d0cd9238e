/**
 * The HTTP binding of every Clean Rooms ML operation (restJson1), as the
 * service's published model (cleanroomsml 2023-09-06) declares it. The client
 * builds requests from this table and the local emulator routes them with it;
 * a test checks it against the official model so neither can drift.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface OperationBinding {
  readonly method: HttpMethod;
  /** Path template; `{member}` segments are filled from the input, URL-encoded. */
  readonly path: string;
  /** Input members bound to path segments. */
  readonly pathParams: readonly string[];
  /** Input members bound to the query string (lists repeat the key). */
  readonly queryParams: readonly string[];
}

export const OPERATIONS = {
  CreateAudienceModel: { method: 'POST', path: '/audience-model', pathParams: [], queryParams: [] },
  CreateConfiguredAudienceModel: { method: 'POST', path: '/configured-audience-model', pathParams: [], queryParams: [] },
  CreateTrainingDataset: { method: 'POST', path: '/training-dataset', pathParams: [], queryParams: [] },
  DeleteAudienceGenerationJob: { method: 'DELETE', path: '/audience-generation-job/{audienceGenerationJobArn}', pathParams: ['audienceGenerationJobArn'], queryParams: [] },
  DeleteAudienceModel: { method: 'DELETE', path: '/audience-model/{audienceModelArn}', pathParams: ['audienceModelArn'], queryParams: [] },
  DeleteConfiguredAudienceModel: { method: 'DELETE', path: '/configured-audience-model/{configuredAudienceModelArn}', pathParams: ['configuredAudienceModelArn'], queryParams: [] },
  DeleteConfiguredAudienceModelPolicy: { method: 'DELETE', path: '/configured-audience-model/{configuredAudienceModelArn}/policy', pathParams: ['configuredAudienceModelArn'], queryParams: [] },
  DeleteTrainingDataset: { method: 'DELETE', path: '/training-dataset/{trainingDatasetArn}', pathParams: ['trainingDatasetArn'], queryParams: [] },
  GetAudienceGenerationJob: { method: 'GET', path: '/audience-generation-job/{audienceGenerationJobArn}', pathParams: ['audienceGenerationJobArn'], queryParams: [] },
  GetAudienceModel: { method: 'GET', path: '/audience-model/{audienceModelArn}', pathParams: ['audienceModelArn'], queryParams: [] },
  GetConfiguredAudienceModel: { method: 'GET', path: '/configured-audience-model/{configuredAudienceModelArn}', pathParams: ['configuredAudienceModelArn'], queryParams: [] },
  GetConfiguredAudienceModelPolicy: { method: 'GET', path: '/configured-audience-model/{configuredAudienceModelArn}/policy', pathParams: ['configuredAudienceModelArn'], queryParams: [] },
  GetTrainingDataset: { method: 'GET', path: '/training-dataset/{trainingDatasetArn}', pathParams: ['trainingDatasetArn'], queryParams: [] },
  ListAudienceExportJobs: { method: 'GET', path: '/audience-export-job', pathParams: [], queryParams: ['nextToken', 'maxResults', 'audienceGenerationJobArn'] },
  ListAudienceGenerationJobs: { method: 'GET', path: '/audience-generation-job', pathParams: [], queryParams: ['nextToken', 'maxResults', 'configuredAudienceModelArn', 'collaborationId'] },
  ListAudienceModels: { method: 'GET', path: '/audience-model', pathParams: [], queryParams: ['nextToken', 'maxResults'] },
  ListConfiguredAudienceModels: { method: 'GET', path: '/configured-audience-model', pathParams: [], queryParams: ['nextToken', 'maxResults'] },
  ListTagsForResource: { method: 'GET', path: '/tags/{resourceArn}', pathParams: ['resourceArn'], queryParams: [] },
  ListTrainingDatasets: { method: 'GET', path: '/training-dataset', pathParams: [], queryParams: ['nextToken', 'maxResults'] },
  PutConfiguredAudienceModelPolicy: { method: 'PUT', path: '/configured-audience-model/{configuredAudienceModelArn}/policy', pathParams: ['configuredAudienceModelArn'], queryParams: [] },
  StartAudienceExportJob: { method: 'POST', path: '/audience-export-job', pathParams: [], queryParams: [] },
  StartAudienceGenerationJob: { method: 'POST', path: '/audience-generation-job', pathParams: [], queryParams: [] },
  TagResource: { method: 'POST', path: '/tags/{resourceArn}', pathParams: ['resourceArn'], queryParams: [] },
  UntagResource: { method: 'DELETE', path: '/tags/{resourceArn}', pathParams: ['resourceArn'], queryParams: ['tagKeys'] },
  UpdateConfiguredAudienceModel: { method: 'PATCH', path: '/configured-audience-model/{configuredAudienceModelArn}', pathParams: ['configuredAudienceModelArn'], queryParams: [] },
} as const satisfies Record<string, OperationBinding>;

export type OperationName = keyof typeof OPERATIONS;

/** Every operation name, in the model's order. */
export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];
