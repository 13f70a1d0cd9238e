import type { InjectedFault } from './faults';

/** Counts since start (or the last reset), per operation name. */
export interface EmulatorStats {
  /** Every request routed to an operation, whatever its answer. */
  readonly calls: Readonly<Record<string, number>>;
  /** Calls answered with an injected 429 ThrottlingException. */
  readonly throttled: Readonly<Record<string, number>>;
  /** Calls answered with an injected 500 InternalServiceException. */
  readonly serverErrors: Readonly<Record<string, number>>;
  readonly totalCalls: number;
  readonly totalThrottled: number;
  readonly totalServerErrors: number;
}

export class CallStats {
  private calls: Record<string, number> = {};
  private throttled: Record<string, number> = {};
  private serverErrors: Record<string, number> = {};

  public recordCall(operation: string): void {
    increment(this.calls, operation);
  }

  public recordFault(operation: string, fault: InjectedFault): void {
    increment(fault === 'throttling' ? this.throttled : this.serverErrors, operation);
  }

  public reset(): void {
    this.calls = {};
    this.throttled = {};
    this.serverErrors = {};
  }

  public snapshot(): EmulatorStats {
    return {
      calls: { ...this.calls },
      throttled: { ...this.throttled },
      serverErrors: { ...this.serverErrors },
      totalCalls: sum(this.calls),
      totalThrottled: sum(this.throttled),
      totalServerErrors: sum(this.serverErrors),
    };
  }
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((total, count) => total + count, 0);
}
