import { CleanRoomsMlServiceError } from './errors';

export interface RetryPolicy {
  /** Total attempts, the first one included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A number in [0, 1), as `Math.random`. */
  readonly random: () => number;
}

/** The client's attempts and backoff unless told otherwise (the handlers' Secrets Manager reader uses the same). */
export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_RETRY_BASE_DELAY_MS = 100;
export const DEFAULT_RETRY_MAX_DELAY_MS = 5_000;

/**
 * "Full jitter" backoff: a uniformly random wait up to the capped exponential
 * bound, so many handlers throttled at the same moment do not retry in step.
 * `retry` counts from 0 for the wait before the second attempt.
 */
export function backoffDelay(retry: number, policy: RetryPolicy): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return policy.random() * bound;
}

/** Node.js error codes of a request that may succeed when sent again. */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/** The error code of a Node.js system error, if any. */
export function networkErrorCode(err: unknown): string | undefined {
  // Duck-typed: errors raised by Node.js core may come from another realm (a VM context), failing `instanceof Error`.
  const code = typeof err === 'object' && err !== null ? (err as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** Throttling, 5xx and connection-level failures; never a client error (4xx). */
export function isRetryable(err: unknown): boolean {
  if (err instanceof CleanRoomsMlServiceError) return err.retryable;
  const code = networkErrorCode(err);
  return code !== undefined && RETRYABLE_NETWORK_CODES.has(code);
}
