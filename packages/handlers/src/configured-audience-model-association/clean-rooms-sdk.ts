/**
 * AWS Clean Rooms through the AWS SDK for JavaScript v3
 * (`@aws-sdk/client-cleanrooms`), which the Lambda Node.js runtime provides
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html,
 * "Runtime-included SDK versions"): the bundles leave `@aws-sdk/*` out, and
 * the local deploy runner lends the functions its own copy.
 *
 * The SDK finds the rest in the environment, as in any Lambda function: the
 * region in AWS_REGION, the function role's credentials, and an endpoint
 * override in AWS_ENDPOINT_URL_CLEANROOMS, then AWS_ENDPOINT_URL (its
 * "service-specific endpoints",
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html;
 * the local runner points it at the emulator's Clean Rooms endpoint).
 */
import type * as CleanRoomsSdk from '@aws-sdk/client-cleanrooms';
import { runtimeSdk } from '../framework/runtime-sdk';
import { sdkClientOptionsFromEnvironment } from '../framework/sdk-retry';

/** The SDK package the association handler loads. */
export const CLEAN_ROOMS_SDK_PACKAGE = '@aws-sdk/client-cleanrooms';

export type CleanRoomsApi = CleanRoomsSdk.CleanRooms;

/**
 * A client for the function's environment: `AWS_MAX_ATTEMPTS`, as in the
 * AWS SDKs, bounds the attempts; under the local deploy runner the waits
 * between them are its scaled time.
 */
export function cleanRoomsFromEnvironment(env: NodeJS.ProcessEnv = process.env): CleanRoomsApi {
  return new (loadSdk().CleanRooms)(sdkClientOptionsFromEnvironment(env));
}

/** Loaded when an association is handled: the other resource types' cold starts do not pay for it. */
const loadSdk = runtimeSdk(CLEAN_ROOMS_SDK_PACKAGE, () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
  require('@aws-sdk/client-cleanrooms') as typeof CleanRoomsSdk);

/** What the handler reads of an SDK service error. */
export interface SdkErrorFacts {
  readonly name?: string;
  readonly statusCode?: number;
  /** ConflictException's and ValidationException's reason. */
  readonly reason?: string;
  /** ConflictException's and ResourceNotFoundException's resourceType. */
  readonly resourceType?: string;
}

/** The service error's name, status and members, duck-typed (an SDK error may come from another realm). */
export function sdkErrorOf(err: unknown): SdkErrorFacts {
  if (typeof err !== 'object' || err === null) return {};
  const { name, $metadata, reason, resourceType } = err as Record<string, unknown> & { $metadata?: { httpStatusCode?: number } };
  return {
    name: typeof name === 'string' ? name : undefined,
    statusCode: $metadata?.httpStatusCode,
    reason: typeof reason === 'string' ? reason : undefined,
    resourceType: typeof resourceType === 'string' ? resourceType : undefined,
  };
}
