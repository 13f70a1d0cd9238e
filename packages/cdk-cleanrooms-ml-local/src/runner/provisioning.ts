/**
 * What every kind of resource's provisioner works with: the deployment's
 * context, the request, the result, and the failures CloudFormation tells
 * apart (shared by resources.ts and the provisioners of their own files).
 */
import { randomUUID } from 'node:crypto';
import type { StackSource } from './assembly';
import type { EmulatorTarget } from './emulator-target';
import type { LocalLambda } from './lambda';
import type { ResponseUrls } from './response-urls';
import type { SecretsManagerTarget } from './secrets-manager-target';
import type { FunctionCode, ResourceHandling, ResourceRecord, StackRecord } from './state';
import type { StackScope } from './synthetic';
import type { Json, JsonObject } from './template';
import type { WaitConditionSignals } from './wait-conditions';
import { CleanRoomsMlServiceError } from '../client/errors';

/** What a resource operation needs from the running deployment. */
export interface ProvisionContext {
  readonly stack: StackRecord;
  /** Replaced resources not deleted yet (the cleanup phase): their functions can still run. */
  readonly retired: readonly ResourceRecord[];
  readonly scope: StackScope;
  readonly target: EmulatorTarget;
  /** Where the stack's AWS::SecretsManager::Secret resources are kept and the functions read secrets. */
  readonly secretsManager: SecretsManagerTarget;
  readonly lambda: LocalLambda;
  /** Directory of the state file (function code paths are relative to it). */
  readonly stateDirectory: string;
  readonly functionsDirectory: string;
  /** The assembly being deployed (absent on destroy). */
  readonly source?: StackSource;
  readonly timeScale: number;
  /** The operation's wait conditions waiting for signals (SignalResource delivers to them). */
  readonly waitConditions: WaitConditionSignals;
  /** Where functions answer custom resource requests (their ResponseURLs). */
  readonly responseUrls: ResponseUrls;
  /** Registers a request whose answer is awaited at `responseUrl` (for its progress events); returns its removal. */
  readonly awaitResponse: (responseUrl: string, logicalId: string, resourceType: string) => () => void;
  /** Called while a custom resource is polled. */
  readonly onPoll: (logicalId: string, resourceType: string, attempt: number, maxAttempts: number) => void;
}

export interface ResourceRequest {
  readonly logicalId: string;
  readonly type: string;
  /** Resolved properties. */
  readonly properties: JsonObject;
  readonly metadata?: JsonObject;
  /** The resource's CreationPolicy attribute, resolved. */
  readonly creationPolicy?: JsonObject;
}

export interface ProvisionResult {
  readonly physicalResourceId: string;
  readonly attributes: Record<string, Json>;
  readonly handling: ResourceHandling;
  readonly code?: FunctionCode;
  readonly noEcho?: boolean;
  /** Shown with the COMPLETE event. */
  readonly note?: string;
}

/**
 * A resource operation that failed; `physicalResourceId` when a failed create still left one (the rollback deletes it,
 * through what `handling` names).
 */
export class ResourceFailure extends Error {
  constructor(public readonly reason: string, public readonly physicalResourceId?: string, public readonly handling?: ResourceHandling) {
    super(reason);
    this.name = 'ResourceFailure';
  }
}

/** A request refused before anything was sent or changed (invalid properties, a changed ServiceToken). */
export class RefusedRequest extends ResourceFailure {}

export interface Provisioner {
  create(context: ProvisionContext, request: ResourceRequest): Promise<ProvisionResult>;
  /** An update in place (replacements are creates: the runner decides them, see changes.ts). */
  update(context: ProvisionContext, request: ResourceRequest, current: ResourceRecord): Promise<ProvisionResult>;
  delete(context: ProvisionContext, logicalId: string, record: ResourceRecord): Promise<void>;
}

/**
 * The failure of a native resource's handler, worded as CloudFormation's
 * registry handlers report it in the stack events.
 */
export function handlerError(message: string, handlerErrorCode: string, physicalResourceId?: string): ResourceFailure {
  return new ResourceFailure(`Resource handler returned message: "${message}" (RequestToken: ${randomUUID()}, HandlerErrorCode: ${handlerErrorCode})`, physicalResourceId);
}

/** Runs a service call as a CloudFormation resource handler would, turning its error into the handler's message. */
export async function handlerCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw handlerFailure(error);
  }
}

/** The handler error codes of the services' errors (CloudFormation's resource handler contract). */
const HANDLER_ERROR_CODES: Readonly<Record<string, string>> = {
  ConflictException: 'AlreadyExists',
  ValidationException: 'InvalidRequest',
  AccessDeniedException: 'AccessDenied',
  ResourceNotFoundException: 'NotFound',
  ThrottlingException: 'Throttling',
  ServiceQuotaExceededException: 'ServiceLimitExceeded',
  InternalServiceException: 'ServiceInternalError',
  InternalServerException: 'ServiceInternalError',
};

/**
 * A service error (the project's Clean Rooms ML client's, or an AWS SDK
 * client's, which carries `$metadata`) as the handler's failure; anything
 * else is an internal failure.
 */
export function handlerFailure(error: unknown, physicalResourceId?: string): ResourceFailure {
  if (isServiceError(error)) {
    return handlerError(error.message, HANDLER_ERROR_CODES[error.name] ?? 'GeneralServiceException', physicalResourceId);
  }
  return new ResourceFailure(`Resource handler returned message: "${(error as Error)?.message ?? String(error)}" (HandlerErrorCode: InternalFailure)`, physicalResourceId);
}

/** A "not found" error of a service, which a delete takes as done (as CloudFormation's handlers do). */
export function isNotFoundError(error: unknown): boolean {
  return isServiceError(error) && error.name === 'ResourceNotFoundException';
}

function isServiceError(error: unknown): error is Error {
  return error instanceof CleanRoomsMlServiceError || (error instanceof Error && typeof (error as { $metadata?: unknown }).$metadata === 'object');
}
