/**
 * Waiting that a StopExecution interrupts: a stopped execution leaves no timer
 * and no listener behind, so nothing it started keeps the process alive.
 */
import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises';

/** Node's longest timer (about 24.8 days); a longer one fires at once with a TimeoutOverflowWarning, so longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The execution ended (stopped or timed out) while it waited. */
export class Interrupted extends Error {
  constructor() {
    super('The execution ended while it waited');
    this.name = 'Interrupted';
  }
}

/**
 * Waits `ms` real milliseconds, or until `signal` aborts (then throws
 * Interrupted and clears the timer). A wait of 0 still yields one turn of the
 * event loop, so a loop of `Wait 0` states cannot starve the endpoint (a
 * StopExecution must get through) and costs no timer.
 */
export async function interruptibleDelay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw new Interrupted();
  try {
    if (ms > 0) {
      for (let left = ms; left > 0; left -= MAX_TIMER_MS) {
        await delay(Math.min(left, MAX_TIMER_MS), undefined, { signal });
      }
    } else {
      await nextTurn(undefined, { signal });
    }
  } catch (error) {
    if (signal.aborted) throw new Interrupted();
    throw error;
  }
}

/**
 * `promise`'s outcome, or Interrupted as soon as `signal` aborts (the promise
 * itself, a function still running, is left to settle on its own: its result
 * is ignored).
 */
export function interruptible<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Interrupted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Interrupted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Calls `callback` after `ms` real milliseconds (chaining timers past Node's
 * longest), unless the returned cancel function is called first.
 */
export function callAfter(ms: number, callback: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = (left: number): void => {
    timer = setTimeout(() => (left > MAX_TIMER_MS ? arm(left - MAX_TIMER_MS) : callback()), Math.min(left, MAX_TIMER_MS));
  };
  arm(ms);
  return () => clearTimeout(timer);
}
