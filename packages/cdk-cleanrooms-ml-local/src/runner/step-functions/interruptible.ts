/**
 * Waiting that a StopExecution interrupts: a stopped execution leaves no timer
 * and no listener behind, so nothing it started keeps the process alive.
 */
import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises';

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
      await delay(ms, undefined, { signal });
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
