/**
 * Injected faults: throttling, server errors and latency. A faulty call is
 * answered before any work is done, so a client retrying it never creates
 * anything twice.
 *
 * Which calls are faulty is a pure function of the seed and of the call
 * itself, never of the moment it arrives or of the calls around it:
 *
 * - a call's *request* is its method, path, query and body (not its headers,
 *   which carry the signing date and so differ on every attempt);
 * - a request's *rank* is its place among the distinct requests of its
 *   operation, in the order each was first seen (the 1st CreateAudienceModel,
 *   the 2nd, ...). The rank stands in for the request itself because requests
 *   carry values the emulator and the deploy runner draw at random (ARNs,
 *   request ids in generated names): two runs with the same seed make the same
 *   logical calls with different bytes;
 * - the *occurrence* counts how often that same request came: a client's
 *   retries of one call are its 2nd, 3rd, ... occurrences.
 *
 * The fault of a call is read from SHA-256(seed, operation, rank,
 * occurrence). So a create and its retries meet the same faults however many
 * status polls (of other requests) a slower or faster machine makes in
 * between, and two runs with the same seed fail the same logical calls the
 * same way. What may still vary: which of several requests of one operation
 * sent at once gets which rank (the set of fault patterns they meet does not
 * change), and the occurrence of a request that is also polled (a Get of a
 * resource whose status someone else waits on) follows the number of polls.
 */
import { createHash } from 'node:crypto';
import { OPERATION_NAMES, OperationName } from '../client/operations';

export interface FaultOptions {
  /** Fraction (0–1) of calls answered 429 ThrottlingException, among the operations whose model declares it. @default 0 */
  readonly throttleRate?: number;
  /**
   * The first this many calls after the settings are set, among the
   * operations whose model declares ThrottlingException, are answered 429
   * whatever `throttleRate` draws: a burst of throttling a test can count on.
   * @default 0
   */
  readonly throttleFirst?: number;
  /** Fraction (0–1) of calls answered 500 InternalServiceException. @default 0 */
  readonly serverErrorRate?: number;
  /** Delay added to every service call, in milliseconds. @default 0 */
  readonly latencyMs?: number;
  /** Seed of the draws that pick the faulty calls. @default 1 */
  readonly seed?: number;
}

export type InjectedFault = 'throttling' | 'server-error';

/**
 * The operations whose errors in AWS's current model include
 * ThrottlingException: all but the three tag operations, which are never
 * throttled (model-drift.test.ts holds this list to the model).
 */
export const THROTTLED_OPERATIONS: ReadonlySet<OperationName> = new Set<OperationName>(
  OPERATION_NAMES.filter((operation) => !['TagResource', 'UntagResource', 'ListTagsForResource'].includes(operation)),
);

const DEFAULT_SEED = 1;

/** Method, path, query and body of a service call: what makes two calls the same request. */
export interface FaultRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly body: Buffer | string;
}

/**
 * Ranks and occurrences of the requests seen since the seed was set: for
 * each operation, the requests in the order first seen, and how often each came.
 */
class RequestHistory {
  private readonly ranks = new Map<string, { readonly rank: number; occurrences: number }>();
  private readonly distinctPerOperation = new Map<string, number>();

  /** Records one more occurrence of the request; returns its rank and occurrence (both from 1). */
  public record(operation: string, request: FaultRequest): { readonly rank: number; readonly occurrence: number } {
    const key = createHash('sha256')
      .update(`${operation}\n${request.method}\n${request.path}\n${request.query}\n`)
      .update(request.body)
      .digest('hex');
    let seen = this.ranks.get(key);
    if (!seen) {
      const rank = (this.distinctPerOperation.get(operation) ?? 0) + 1;
      this.distinctPerOperation.set(operation, rank);
      seen = { rank, occurrences: 0 };
      this.ranks.set(key, seen);
    }
    seen.occurrences++;
    return { rank: seen.rank, occurrence: seen.occurrences };
  }
}

/** Two numbers in [0, 1) read from SHA-256 of the parts: the throttling draw and the server-error draw. */
function draws(...parts: Array<string | number>): [number, number] {
  const digest = createHash('sha256').update(parts.join(':')).digest();
  return [digest.readUIntBE(0, 6) / 2 ** 48, digest.readUIntBE(6, 6) / 2 ** 48];
}

export class FaultInjector {
  private options: FaultOptions = {};
  private history = new RequestHistory();
  /** Calls throttled so far by `throttleFirst`. */
  private burstThrottled = 0;

  constructor(options: FaultOptions = {}) {
    this.configure(options);
  }

  /** Replaces the fault settings; ranks and occurrences count again from the first call. */
  public configure(options: FaultOptions): void {
    for (const [name, rate] of [['throttleRate', options.throttleRate], ['serverErrorRate', options.serverErrorRate]] as const) {
      if (rate !== undefined && !(rate >= 0 && rate <= 1)) {
        throw new Error(`faults.${name} must be between 0 and 1, got ${rate}`);
      }
    }
    if (options.throttleFirst !== undefined && !(Number.isInteger(options.throttleFirst) && options.throttleFirst >= 0)) {
      throw new Error(`faults.throttleFirst must be a whole number, 0 or more, got ${options.throttleFirst}`);
    }
    if (options.latencyMs !== undefined && !(options.latencyMs >= 0)) {
      throw new Error(`faults.latencyMs must be 0 or more, got ${options.latencyMs}`);
    }
    this.options = { ...options };
    this.history = new RequestHistory();
    this.burstThrottled = 0;
  }

  public get latencyMs(): number {
    return this.options.latencyMs ?? 0;
  }

  public get settings(): FaultOptions {
    return { ...this.options };
  }

  /**
   * Which fault, if any, this call gets (see the top of this file for what
   * decides it). `operation` names the operation uniquely across the
   * emulator's endpoints; `throttled`: whether its service's model declares
   * ThrottlingException for it.
   */
  public decide(
    operation: string,
    request: FaultRequest,
    throttled: boolean = THROTTLED_OPERATIONS.has(operation as OperationName),
  ): InjectedFault | undefined {
    const { rank, occurrence } = this.history.record(operation, request);
    const [throttleDraw, serverErrorDraw] = draws(this.options.seed ?? DEFAULT_SEED, operation, rank, occurrence);
    if (throttled && this.burstThrottled < (this.options.throttleFirst ?? 0)) {
      this.burstThrottled++;
      return 'throttling';
    }
    if (throttled && throttleDraw < (this.options.throttleRate ?? 0)) {
      return 'throttling';
    }
    if (serverErrorDraw < (this.options.serverErrorRate ?? 0)) {
      return 'server-error';
    }
    return undefined;
  }
}
