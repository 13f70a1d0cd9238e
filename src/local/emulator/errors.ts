/**
 * The errors the emulator answers with, as restJson1 sends them: an HTTP
 * status, the error name in `x-amzn-errortype` and `__type`, and a `message`.
 * Names and status codes are the service's (see constraints.md), plus the
 * gateway-level errors every AWS endpoint can answer (authentication,
 * serialization, unknown operation).
 */

export type ServiceErrorName =
  | 'ValidationException'
  | 'SerializationException'
  | 'AccessDeniedException'
  | 'ServiceQuotaExceededException'
  | 'ResourceNotFoundException'
  | 'ConflictException'
  | 'ThrottlingException'
  | 'InternalServerException'
  | 'UnknownOperationException'
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException';

const STATUS_CODES: Record<ServiceErrorName, number> = {
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
  InternalServerException: 500,
};

export class ServiceError extends Error {
  public readonly statusCode: number;

  constructor(
    public readonly errorName: ServiceErrorName,
    message: string,
    /** Members the error shape adds to `message` (quotaName, quotaValue). */
    public readonly extraMembers: Readonly<Record<string, string | number>> = {},
  ) {
    super(message);
    this.name = errorName;
    this.statusCode = STATUS_CODES[errorName];
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
