/**
 * Errors reaching CloudFormation: one sentence naming the resource (logical
 * id and type) and the cause, bounded in size.
 *
 * The Provider framework reports a failed handler with the error's message,
 * a "Logs:" line and the lines of the error's stack, and CloudFormation takes
 * at most 4,096 bytes for the whole response (status, ids, reason, Data). So
 * the reason is cut at MAX_REASON_BYTES and the error thrown to the framework
 * carries a one-line stack (the full one is logged).
 */
import { CleanRoomsMlNetworkError, CleanRoomsMlServiceError } from 'cdk-cleanrooms-ml-local/lib/client/errors';
import type { CustomResourceEvent } from './events';
import { PropertyError } from './properties';

/**
 * An expected failure (a refused replacement, a name taken, a resource the
 * service reports as failed): its message is the cause, as it reads after
 * "<resource>: ".
 */
export class ResourceFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResourceFailure';
  }
}

/**
 * Longest reason sent to CloudFormation, in UTF-8 bytes. Leaves room in the
 * 4,096-byte response for the framework's "Logs:" line, a physical id of up
 * to 1 KB, the stack and request ids and a small Data.
 */
export const MAX_REASON_BYTES = 1500;

/** The cause, as one line: service errors say which call failed and how. */
export function describeCause(err: unknown): string {
  if (err instanceof CleanRoomsMlServiceError) {
    const call = err.operation ? `${err.operation} failed with ` : '';
    return `${call}${err.name}: ${err.message}`;
  }
  if (err instanceof CleanRoomsMlNetworkError || err instanceof ResourceFailure || err instanceof PropertyError) {
    return err.message;
  }
  if (err instanceof Error) {
    return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
  }
  return String(err);
}

/**
 * `<LogicalResourceId> (<ResourceType>): <cause>.` on one line, at most
 * MAX_REASON_BYTES. `scrub` removes secrets (see Logger.scrub).
 */
export function failureReason(event: Pick<CustomResourceEvent, 'LogicalResourceId' | 'ResourceType'>, err: unknown, scrub: (text: string) => string = (text) => text): string {
  const cause = scrub(describeCause(err)).replace(/\s+/g, ' ').trim();
  const sentence = `${event.LogicalResourceId} (${event.ResourceType}): ${cause}`;
  return truncateUtf8(/[.!?]$/.test(sentence) ? sentence : `${sentence}.`, MAX_REASON_BYTES);
}

/** The error to throw to the framework: the reason, with a stack of that one line. */
export function errorForCloudFormation(reason: string): Error {
  const error = new Error(reason);
  // The framework appends the stack's lines after the first to the reason.
  error.stack = `Error: ${reason}`;
  return error;
}

/** `text` cut to at most `maxBytes` UTF-8 bytes, marked with `…` when cut, never splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) {
    return text;
  }
  const ellipsis = '…';
  const budget = maxBytes - Buffer.byteLength(ellipsis, 'utf8');
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > budget) break;
    bytes += size;
    end += char.length;
  }
  return `${text.slice(0, end)}${ellipsis}`;
}
