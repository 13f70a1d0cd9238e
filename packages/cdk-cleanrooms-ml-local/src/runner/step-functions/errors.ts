/**
 * Errors inside an execution (a state's error name and cause, as Step
 * Functions reports them) and how Retry / Catch match them.
 *
 * https://states-language.net/spec.html#error-names and
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html:
 * error names are case-sensitive strings; `States.ALL` matches any error name
 * but `States.Runtime` (and `States.DataLimitExceeded`, which the runner never
 * raises); `States.TaskFailed` matches any error of a Task but `States.Timeout`.
 */

/** An error a state reports: Step Functions' `Error` and `Cause`. */
export class StatesError extends Error {
  constructor(public readonly error: string, public readonly cause: string) {
    super(`${error}: ${cause}`);
    this.name = 'StatesError';
  }
}

/**
 * "An execution failed due to some exception that it couldn't process ... A
 * States.Runtime error isn't retriable, and will always cause the execution
 * to fail. A retry or catch on States.ALL won't catch States.Runtime errors."
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html)
 */
export const STATES_RUNTIME = 'States.Runtime';
export const STATES_ALL = 'States.ALL';
export const STATES_TASK_FAILED = 'States.TaskFailed';
export const STATES_TIMEOUT = 'States.Timeout';

export function runtimeError(cause: string): StatesError {
  return new StatesError(STATES_RUNTIME, cause);
}

/** Whether a Retrier's or Catcher's ErrorEquals matches an error a Task state reported. */
export function errorMatches(errorEquals: readonly string[], error: string): boolean {
  if (error === STATES_RUNTIME) return false;
  return errorEquals.some((name) => name === error
    || name === STATES_ALL
    || (name === STATES_TASK_FAILED && error !== STATES_TIMEOUT));
}
