/**
 * Injected faults: throttling, server errors and latency, decided by a seeded
 * pseudo-random sequence so the same calls against two emulators with the
 * same seed fail the same way. A faulty call is answered before any work is
 * done, so a client retrying it never creates anything twice.
 */
import { createHash } from 'node:crypto';
import type { OperationName } from '../../handlers/api/operations';

export interface FaultOptions {
  /** Fraction (0–1) of calls answered 429 ThrottlingException. @default 0 */
  readonly throttleRate?: number;
  /** Fraction (0–1) of calls answered 500 InternalServerException. @default 0 */
  readonly serverErrorRate?: number;
  /** Delay added to every service call, in milliseconds. @default 0 */
  readonly latencyMs?: number;
  /** Seed of the sequence that picks the faulty calls. @default 1 */
  readonly seed?: number;
}

export type InjectedFault = 'throttling' | 'server-error';

/** TagResource and UntagResource are never throttled (constraints.md "Errors"). */
const NEVER_THROTTLED: ReadonlySet<OperationName> = new Set<OperationName>(['TagResource', 'UntagResource']);

const DEFAULT_SEED = 1;

/**
 * A repeatable sequence of numbers in [0, 1): the n-th number is read from
 * SHA-256(seed, n). Slower than an arithmetic generator but plenty for one
 * draw per request, and needs no bit twiddling.
 */
export class SeededSequence {
  private index = 0;

  constructor(private readonly seed: number) {}

  public next(): number {
    const digest = createHash('sha256').update(`${this.seed}:${this.index++}`).digest();
    return digest.readUIntBE(0, 6) / 2 ** 48;
  }
}

export class FaultInjector {
  private options: FaultOptions = {};
  private sequence = new SeededSequence(DEFAULT_SEED);

  constructor(options: FaultOptions = {}) {
    this.configure(options);
  }

  /** Replaces the fault settings and restarts the sequence from the (new) seed. */
  public configure(options: FaultOptions): void {
    for (const [name, rate] of [['throttleRate', options.throttleRate], ['serverErrorRate', options.serverErrorRate]] as const) {
      if (rate !== undefined && !(rate >= 0 && rate <= 1)) {
        throw new Error(`faults.${name} must be between 0 and 1, got ${rate}`);
      }
    }
    if (options.latencyMs !== undefined && !(options.latencyMs >= 0)) {
      throw new Error(`faults.latencyMs must be 0 or more, got ${options.latencyMs}`);
    }
    this.options = { ...options };
    this.sequence = new SeededSequence(options.seed ?? DEFAULT_SEED);
  }

  public get latencyMs(): number {
    return this.options.latencyMs ?? 0;
  }

  public get settings(): FaultOptions {
    return { ...this.options };
  }

  /** Which fault, if any, this call gets. Every call draws twice, so the faults a call gets depend only on its position. */
  public decide(operation: OperationName): InjectedFault | undefined {
    const throttleDraw = this.sequence.next();
    const serverErrorDraw = this.sequence.next();
    if (!NEVER_THROTTLED.has(operation) && throttleDraw < (this.options.throttleRate ?? 0)) {
      return 'throttling';
    }
    if (serverErrorDraw < (this.options.serverErrorRate ?? 0)) {
      return 'server-error';
    }
    return undefined;
  }
}
