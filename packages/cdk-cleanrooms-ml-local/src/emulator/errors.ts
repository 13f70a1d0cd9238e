/**
 * The errors the emulator answers with, as restJson1 sends them: an HTTP
 * status, the error name in `x-amzn-errortype` and `__type`, and a `message`.
 * Names and status codes are the error shapes of AWS's current model (a
 * fault is InternalServiceException, 500), plus the gateway-level errors
 * every AWS endpoint can answer (GATEWAY_ERRORS: authentication,
 * serialization, unknown operation). model-drift.test.ts holds them to the model.
 */

export type ServiceErrorName =
  | 'ValidationException'
  | 'SerializationException'
  | 'AccessDeniedException'
  | 'ServiceQuotaExceededException'
  | 'ResourceNotFoundException'
  | 'ConflictException'
  | 'ThrottlingException'
  | 'InternalServiceException'
  | 'UnknownOperationException'
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException';

export const ERROR_STATUS_CODES: Readonly<Record<ServiceErrorName, number>> = {
  ValidationException: 400,
  SerializationException: 400,
  IncompleteSignatureException: 400,
  ServiceQuotaExceededException: 402,
  AccessDeniedException: 403,
  MissingAuthenticationTokenException: 403,
  InvalidSignatureException: 403,
  UnrecognizedClientException: 403,
  ResourceNotFoundException: 404,
  UnknownOperationException: 404,
  ConflictException: 409,
  ThrottlingException: 429,
  InternalServiceException: 500,
};

/** Errors any AWS endpoint answers before an operation runs; not error shapes of the service's model. */
export const GATEWAY_ERRORS: readonly ServiceErrorName[] = [
  'SerializationException',
  'UnknownOperationException',
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'UnrecognizedClientException',
];

/** What an error shape's members hold besides the message: text, numbers, or a list of structures (ValidationException's fieldList). */
export type ErrorMemberValue = string | number | ReadonlyArray<Readonly<Record<string, string>>>;

export class ServiceError extends Error {
  public readonly statusCode: number;

  /** An error of Clean Rooms ML (or any endpoint's gateway), with the status code of its shape. */
  constructor(errorName: ServiceErrorName, message: string, extraMembers?: Readonly<Record<string, ErrorMemberValue>>);
  /** An error of another service the emulator speaks (AWS Clean Rooms: clean-rooms/errors.ts), with its shape's status code. */
  constructor(errorName: string, message: string, extraMembers: Readonly<Record<string, ErrorMemberValue>>, statusCode: number);
  constructor(
    public readonly errorName: string,
    message: string,
    /** Members the error shape adds to `message` (quotaName, quotaValue; reason, resourceType, fieldList). */
    public readonly extraMembers: Readonly<Record<string, ErrorMemberValue>> = {},
    statusCode?: number,
  ) {
    super(message);
    this.name = errorName;
    this.statusCode = statusCode ?? ERROR_STATUS_CODES[errorName as ServiceErrorName];
  }

  /** The JSON body of the restJson1 error reply. */
  public toBody(): Record<string, unknown> {
    return { __type: this.errorName, message: this.message, ...this.extraMembers };
  }
}

export function validationError(message: string): ServiceError {
  return new ServiceError('ValidationException', message);
}

export function notFound(message: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', message);
}

export function conflict(message: string): ServiceError {
  return new ServiceError('ConflictException', message);
}

export function accessDenied(message: string): ServiceError {
  return new ServiceError('AccessDeniedException', message);
}

export function quotaExceeded(quotaName: string, quotaValue: number, message: string): ServiceError {
  return new ServiceError('ServiceQuotaExceededException', message, { quotaName, quotaValue });
}
