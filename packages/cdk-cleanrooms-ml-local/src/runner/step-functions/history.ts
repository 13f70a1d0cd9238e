/**
 * The execution history's size: the runner keeps only the count of events,
 * to fail an execution at Step Functions' quota of 25,000 events
 * (https://docs.aws.amazon.com/step-functions/latest/dg/limits.html;
 * https://docs.aws.amazon.com/step-functions/latest/dg/bp-history-limit.html:
 * "When an execution reaches 24,999 events, it waits for the next event to
 * happen. If the event number 25,000 is ExecutionSucceeded, the execution
 * finishes successfully. If the event number 25,000 isn't
 * ExecutionSucceeded, the ExecutionFailed event is logged and the state
 * machine execution fails").
 *
 * Which events a state writes comes from the HistoryEventType values of
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 * (AWS does not list the events per state; these sets are the runner's reading of that list):
 * - execution: ExecutionStarted; at the end ExecutionSucceeded, ExecutionFailed, ExecutionAborted or ExecutionTimedOut;
 * - Task with a function ARN as Resource: TaskStateEntered, then per attempt LambdaFunctionScheduled, LambdaFunctionStarted,
 *   LambdaFunctionSucceeded | LambdaFunctionFailed, then TaskStateExited (when the state is left through Next, End or a Catch);
 * - Task with arn:aws:states:::lambda:invoke: the same with TaskScheduled, TaskStarted, TaskSucceeded | TaskFailed;
 * - Pass, Wait, Choice, Succeed: <Type>StateEntered and <Type>StateExited; Fail: FailStateEntered.
 * So a poll loop Task → Choice → Wait is 9 events, as notes/wait-facts.md §2 counts.
 */
import { StatesError } from './errors';

/** Step Functions' Standard workflow history quota. */
export const MAX_HISTORY_EVENTS = 25_000;

/**
 * AWS does not document the error name of a history-quota failure; the
 * runner uses States.Runtime, which no Retry or Catch matches, as nothing can
 * catch the quota on AWS either.
 */
export const HISTORY_LIMIT_ERROR = 'States.Runtime';

export class HistoryCounter {
  private count = 0;

  constructor(private readonly limit: number = MAX_HISTORY_EVENTS) {}

  /** Events written so far. */
  public get events(): number {
    return this.count;
  }

  /**
   * Writes `events` events (their type only matters for the last slot): throws
   * the history-quota failure when one of them would be the last slot and is
   * not ExecutionSucceeded; the ExecutionFailed event then takes that slot.
   */
  public record(...events: string[]): void {
    for (const event of events) {
      if (this.count === this.limit - 1 && event !== 'ExecutionSucceeded') {
        throw new StatesError(HISTORY_LIMIT_ERROR, `The execution reached the Step Functions quota of ${this.limit} history events `
          + '(https://docs.aws.amazon.com/step-functions/latest/dg/bp-history-limit.html); a loop must end, '
          + 'wait longer between polls or continue in a new execution');
      }
      this.count++;
    }
  }

  /** Writes the event that ends the execution (it always has a slot: record() keeps the last one for it). */
  public close(): void {
    this.count = Math.min(this.count + 1, this.limit);
  }
}
