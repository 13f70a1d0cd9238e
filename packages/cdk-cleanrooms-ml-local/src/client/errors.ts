/**
 * Errors of the Clean Rooms ML client. A reply from the service becomes a
 * `CleanRoomsMlServiceError` (or the subclass named by the service); a request
 * that never got a reply, even after retries, becomes a `CleanRoomsMlNetworkError`.
 */

export interface CleanRoomsMlServiceErrorProps {
  /** The service's error type, e.g. `ResourceNotFoundException`. */
  readonly name: string;
  readonly message: string;
  /** HTTP status of the reply. */
  readonly statusCode: number;
  readonly requestId?: string;
  /** The operation that failed, e.g. `GetAudienceModel`. */
  readonly operation?: string;
  /** Defaults to true for throttling and 5xx replies. */
  readonly retryable?: boolean;
}

/** Error details the service puts in the body beside `message`. */
export interface ErrorBodyFields {
  readonly [member: string]: unknown;
}

/** What the constructor of an error of a specific type (the subclasses) takes: its name is the class's. */
export type SpecificErrorProps = Omit<CleanRoomsMlServiceErrorProps, 'name' | 'retryable'>;

export class CleanRoomsMlServiceError extends Error {
  public readonly statusCode: number;
  public readonly requestId?: string;
  public readonly operation?: string;
  public readonly retryable: boolean;

  constructor(props: CleanRoomsMlServiceErrorProps) {
    super(props.message);
    this.name = props.name;
    this.statusCode = props.statusCode;
    this.requestId = props.requestId;
    this.operation = props.operation;
    this.retryable = props.retryable ?? isRetryableStatus(props.name, props.statusCode);
  }
}

export class ResourceNotFoundException extends CleanRoomsMlServiceError {
  constructor(props: SpecificErrorProps) {
    super({ ...props, name: 'ResourceNotFoundException' });
  }
}

export class ConflictException extends CleanRoomsMlServiceError {
  constructor(props: SpecificErrorProps) {
    super({ ...props, name: 'ConflictException' });
  }
}

export class ValidationException extends CleanRoomsMlServiceError {
  constructor(props: SpecificErrorProps) {
    super({ ...props, name: 'ValidationException' });
  }
}

export class AccessDeniedException extends CleanRoomsMlServiceError {
  constructor(props: SpecificErrorProps) {
    super({ ...props, name: 'AccessDeniedException' });
  }
}

export class ThrottlingException extends CleanRoomsMlServiceError {
  constructor(props: SpecificErrorProps) {
    super({ ...props, name: 'ThrottlingException', retryable: true });
  }
}

/** The service's own 500 (the model's error shape `InternalServiceException`, a fault): worth retrying. */
export class InternalServiceException extends CleanRoomsMlServiceError {
  constructor(props: SpecificErrorProps) {
    super({ ...props, name: 'InternalServiceException', retryable: true });
  }
}

/**
 * A 500 under the name most AWS services use. Clean Rooms ML's model names its
 * 500 `InternalServiceException`; this one is still read, so that an endpoint
 * standing in for the service with the common name gets a typed error too.
 */
export class InternalServerException extends CleanRoomsMlServiceError {
  constructor(props: SpecificErrorProps) {
    super({ ...props, name: 'InternalServerException', retryable: true });
  }
}

export interface ServiceQuotaExceededExceptionProps extends SpecificErrorProps {
  readonly quotaName?: string;
  readonly quotaValue?: number;
}

export class ServiceQuotaExceededException extends CleanRoomsMlServiceError {
  public readonly quotaName?: string;
  public readonly quotaValue?: number;

  constructor(props: ServiceQuotaExceededExceptionProps) {
    super({ ...props, name: 'ServiceQuotaExceededException' });
    this.quotaName = props.quotaName;
    this.quotaValue = props.quotaValue;
  }
}

/** A request that got no reply (connection refused or reset, timeout), after every attempt. */
export class CleanRoomsMlNetworkError extends Error {
  /** Transient by nature: a later call may well succeed. */
  public readonly retryable = true;

  constructor(
    public readonly operation: string,
    /** The Node.js error code, e.g. `ECONNREFUSED`. */
    public readonly code: string | undefined,
    public readonly attempts: number,
    cause: Error,
  ) {
    super(`${operation} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${describeCause(code, cause)}`, { cause });
    this.name = 'CleanRoomsMlNetworkError';
  }
}

function describeCause(code: string | undefined, cause: Error): string {
  return code && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message;
}

const SPECIFIC_ERRORS: Record<string, new (props: SpecificErrorProps) => CleanRoomsMlServiceError> = {
  ResourceNotFoundException,
  ConflictException,
  ValidationException,
  AccessDeniedException,
  ThrottlingException,
  InternalServiceException,
  InternalServerException,
};

export interface ErrorReply {
  readonly statusCode: number;
  /** Header names in lower case, as Node.js gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw body; need not be JSON (a proxy's HTML page, for instance). */
  readonly body: string;
  readonly operation?: string;
}

/** Turns an error reply of the service into the matching error class. */
export function parseServiceError(reply: ErrorReply): CleanRoomsMlServiceError {
  const body = parseJsonObject(reply.body);
  const name = errorName(reply.headers, body) ?? 'UnknownError';
  const message = stringMember(body, 'message') ?? stringMember(body, 'Message')
    ?? `${reply.operation ?? 'The request'} failed with HTTP ${reply.statusCode}`;
  const props: SpecificErrorProps = {
    message,
    statusCode: reply.statusCode,
    requestId: firstHeader(reply.headers, 'x-amzn-requestid') ?? firstHeader(reply.headers, 'x-amz-request-id'),
    operation: reply.operation,
  };
  if (name === 'ServiceQuotaExceededException') {
    const quotaValue = body?.quotaValue;
    return new ServiceQuotaExceededException({
      ...props,
      quotaName: stringMember(body, 'quotaName'),
      quotaValue: typeof quotaValue === 'number' ? quotaValue : undefined,
    });
  }
  const Specific = SPECIFIC_ERRORS[name];
  return Specific ? new Specific(props) : new CleanRoomsMlServiceError({ ...props, name });
}

/**
 * restJson1 names the error in `x-amzn-errortype` (`Name:namespace-uri`) and/or
 * in the body's `__type` or `code` (`namespace#Name`).
 */
function errorName(headers: ErrorReply['headers'], body: ErrorBodyFields | undefined): string | undefined {
  const fromHeader = firstHeader(headers, 'x-amzn-errortype')?.split(':')[0].trim();
  if (fromHeader) return fromHeader;
  const fromBody = stringMember(body, '__type') ?? stringMember(body, 'code') ?? stringMember(body, 'Code');
  const name = fromBody?.split('#').pop()?.split(':')[0].trim();
  return name || undefined;
}

function isRetryableStatus(name: string, statusCode: number): boolean {
  return name === 'ThrottlingException' || statusCode === 429 || statusCode >= 500;
}

function parseJsonObject(text: string): ErrorBodyFields | undefined {
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as ErrorBodyFields : undefined;
  } catch {
    return undefined;
  }
}

function stringMember(body: ErrorBodyFields | undefined, member: string): string | undefined {
  const value = body?.[member];
  return typeof value === 'string' ? value : undefined;
}

function firstHeader(headers: ErrorReply['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The resource (or policy) does not exist. */
export function isNotFound(err: unknown): err is ResourceNotFoundException {
  return err instanceof CleanRoomsMlServiceError && err.name === 'ResourceNotFoundException';
}

/** A name already in use, a dependant still present, or a policy hash mismatch. */
export function isConflict(err: unknown): err is ConflictException {
  return err instanceof CleanRoomsMlServiceError && err.name === 'ConflictException';
}

export function isThrottling(err: unknown): boolean {
  return err instanceof CleanRoomsMlServiceError && (err.name === 'ThrottlingException' || err.statusCode === 429);
}

/**
 * Worth trying again later: throttling, a 5xx or no reply at all. isComplete
 * handlers answer "not yet" on these instead of failing the deployment.
 */
export function isTransient(err: unknown): boolean {
  return (err instanceof CleanRoomsMlServiceError || err instanceof CleanRoomsMlNetworkError) && err.retryable;
}
