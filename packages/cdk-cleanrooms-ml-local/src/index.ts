/**
 * Run and test cdk-cleanrooms-ml stacks on one machine: the emulator of AWS
 * Clean Rooms ML (`CleanRoomsMlEmulator`), the local deploy runner that
 * carries out a synthesized stack on it the way CloudFormation and the
 * custom-resource Provider framework would, running the stack's own Lambda
 * code (`deployStack`, `destroyStack`, `stackStatus`), the typed Clean Rooms
 * ML client (`CleanRoomsMlClient`), and helpers for tests
 * (`templateForSnapshot`, `SecretsManagerEmulator`). The README shows them
 * at work; this page lists everything the package exports.
 *
 * @packageDocumentation
 */
export * from './emulator';
export * from './runner';
// The typed client: the class, its options, the errors it throws, the
// paginators and the service's shapes. How it signs, retries, resolves its
// endpoint and revives timestamps stays inside.
export { CleanRoomsMlClient } from './client/client';
export type { AwsCredentials, AwsCredentialsProvider, CleanRoomsMlClientOptions } from './client/client';
export {
  AccessDeniedException,
  CleanRoomsMlNetworkError,
  CleanRoomsMlServiceError,
  ConflictException,
  InternalServerException,
  InternalServiceException,
  isConflict,
  isNotFound,
  isThrottling,
  isTransient,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ThrottlingException,
  ValidationException,
} from './client/errors';
export type { CleanRoomsMlServiceErrorProps, ErrorBodyFields, ServiceQuotaExceededExceptionProps, SpecificErrorProps } from './client/errors';
export {
  listAll,
  paginateListAudienceExportJobs,
  paginateListAudienceGenerationJobs,
  paginateListAudienceModels,
  paginateListConfiguredAudienceModels,
  paginateListTrainingDatasets,
} from './client/paginate';
export type { ItemsKeyOf, ListInput, ListItem, ListOperation, ListOperations, ListPage, Pages } from './client/paginate';
export * from './client/types';
export * from './secrets-manager/secrets-manager-emulator';
export * from './testing/template-snapshot';
