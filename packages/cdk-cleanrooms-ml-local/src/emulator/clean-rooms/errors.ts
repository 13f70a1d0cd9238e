/**
 * The errors of AWS Clean Rooms, as its model's error shapes declare them
 * (spec/cleanrooms-2022-02-17): names, HTTP status codes and the members
 * each adds to `message`. They differ from Clean Rooms ML's: a fault is
 * InternalServerException (not InternalServiceException), and
 * ConflictException, ResourceNotFoundException, ValidationException and
 * AccessDeniedException carry a reason or the resource.
 */
import { ServiceError } from '../errors';

export const CLEAN_ROOMS_ERROR_STATUS_CODES = {
  ValidationException: 400,
  ServiceQuotaExceededException: 402,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ThrottlingException: 429,
  InternalServerException: 500,
} as const;

export type CleanRoomsErrorName = keyof typeof CLEAN_ROOMS_ERROR_STATUS_CODES;

/**
 * The model's ResourceType: the only resource types an error can name. It
 * has no association value, so errors about an association name none.
 */
export type CleanRoomsResourceType = 'CONFIGURED_TABLE' | 'COLLABORATION' | 'MEMBERSHIP' | 'CONFIGURED_TABLE_ASSOCIATION';

export type ConflictReason = 'ALREADY_EXISTS' | 'SUBRESOURCES_EXIST' | 'INVALID_STATE';

function cleanRoomsError(name: CleanRoomsErrorName, message: string, members: Record<string, string | number | undefined | Array<Record<string, string>>> = {}): ServiceError {
  const defined = Object.fromEntries(Object.entries(members).filter(([, value]) => value !== undefined)) as Record<string, string | number>;
  return new ServiceError(name, message, defined, CLEAN_ROOMS_ERROR_STATUS_CODES[name]);
}

/** ValidationException, FIELD_VALIDATION_FAILED; `field` (when one field is at fault) goes in fieldList. */
export function validation(message: string, field?: string): ServiceError {
  return cleanRoomsError('ValidationException', message, {
    reason: 'FIELD_VALIDATION_FAILED',
    fieldList: field === undefined ? undefined : [{ name: field, message }],
  });
}

export function notFound(message: string, resourceId?: string, resourceType?: CleanRoomsResourceType): ServiceError {
  return cleanRoomsError('ResourceNotFoundException', message, { resourceId, resourceType });
}

export function conflict(reason: ConflictReason, message: string, resourceId?: string, resourceType?: CleanRoomsResourceType): ServiceError {
  return cleanRoomsError('ConflictException', message, { reason, resourceId, resourceType });
}

export function accessDenied(message: string): ServiceError {
  return cleanRoomsError('AccessDeniedException', message, { reason: 'INSUFFICIENT_PERMISSIONS' });
}

export function quotaExceeded(quotaName: string, quotaValue: number, message: string): ServiceError {
  return cleanRoomsError('ServiceQuotaExceededException', message, { quotaName, quotaValue });
}

export function throttling(message: string): ServiceError {
  return cleanRoomsError('ThrottlingException', message);
}

export function internal(message: string): ServiceError {
  return cleanRoomsError('InternalServerException', message);
}
