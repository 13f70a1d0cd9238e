/**
 * One execution of a state machine, interpreted state by state on the
 * runner's scaled time: Wait states and Retry intervals last
 * `seconds × 1000 × timeScale` real milliseconds; the functions run in real time.
 *
 * The states and their input/output processing follow
 * https://states-language.net/spec.html and
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html
 * (InputPath → Parameters → the work → ResultSelector → ResultPath → OutputPath);
 * Retry and Catch follow
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html.
 */
import { chooseNext } from './choice';
import { ChoiceState, FailState, lambdaResource, PassState, Retrier, State, StateMachineDefinition, SucceedState, TaskState, WaitState } from './definition';
import { errorMatches, runtimeError, STATES_RUNTIME, STATES_TIMEOUT, StatesError } from './errors';
import { HistoryCounter } from './history';
import { callAfter, Interrupted, interruptibleDelay } from './interruptible';
import { applyFilterPath, applyPayloadTemplate, applyResultPath, JsonValue, requirePath } from './json-path';
import { InvokeFunction, runLambdaTask } from './lambda-task';

/** The statuses of DescribeExecution (https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html). */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** What the runner and tests see of an execution (DescribeExecution's fields, and the history size). */
export interface ExecutionSummary {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly startDate: Date;
  readonly stopDate?: Date;
  /** The input as given to StartExecution (JSON text). */
  readonly input: string;
  /** The last state's output (JSON text), when SUCCEEDED. */
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  /** The number of history events written (ExecutionStarted … the closing event). */
  readonly historyEvents: number;
  /** Lambda invocations started (each attempt counts). */
  readonly invocations: number;
}

export interface ExecutionOptions {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly definition: StateMachineDefinition;
  /** Real time per unit of Step Functions time. */
  readonly timeScale: number;
  readonly invokeFunction: InvokeFunction;
  /** Called as a Wait state starts, with the execution's input and the wait (Step Functions seconds). */
  readonly onWait?: (execution: { readonly name: string; readonly input: string }, seconds: number) => void;
}

/** How a state ends: the next state and its input, or the end of the execution with its output. */
type Transition = { readonly next: string; readonly output: JsonValue } | { readonly end: true; readonly output: JsonValue };

/** Retry defaults (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-retrying-after-an-error). */
const DEFAULT_INTERVAL_SECONDS = 1;
const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_BACKOFF_RATE = 2;

export class Execution {
  public readonly startDate = new Date();
  /** Settles (never rejects) once the execution has ended and does nothing more. */
  public readonly finished: Promise<ExecutionSummary>;

  private status: ExecutionStatus = 'RUNNING';
  private stopDate?: Date;
  private output?: string;
  private error?: string;
  private cause?: string;
  private invocations = 0;
  private readonly history: HistoryCounter;
  private readonly abort = new AbortController();
  private cancelExecutionTimeout?: () => void;

  constructor(private readonly options: ExecutionOptions) {
    this.history = new HistoryCounter();
    this.finished = this.run();
  }

  public get executionArn(): string {
    return this.options.executionArn;
  }

  public get input(): string {
    return this.options.input;
  }

  public get running(): boolean {
    return this.status === 'RUNNING';
  }

  public summary(): ExecutionSummary {
    const { executionArn, stateMachineArn, name, input } = this.options;
    return {
      executionArn,
      stateMachineArn,
      name,
      status: this.status,
      startDate: this.startDate,
      ...(this.stopDate ? { stopDate: this.stopDate } : {}),
      input,
      ...(this.output !== undefined ? { output: this.output } : {}),
      ...(this.error ? { error: this.error } : {}),
      ...(this.cause ? { cause: this.cause } : {}),
      historyEvents: this.history.events,
      invocations: this.invocations,
    };
  }

  /**
   * StopExecution: ABORTED at once (DescribeExecution shows it), the current
   * wait or invocation abandoned; nothing more runs. No effect on an ended execution.
   */
  public stop(error?: string, cause?: string): void {
    this.end('ABORTED', error, cause);
  }

  private end(status: Exclude<ExecutionStatus, 'RUNNING'>, error?: string, cause?: string, output?: string): void {
    if (this.status !== 'RUNNING') return;
    this.status = status;
    this.stopDate = new Date();
    this.error = error;
    this.cause = cause;
    this.output = output;
    this.history.close();
    this.cancelExecutionTimeout?.();
    this.abort.abort();
  }

  private async run(): Promise<ExecutionSummary> {
    const { definition, timeScale } = this.options;
    // Yield once, so that StartExecution answers before the first state runs (as on AWS, where the execution is asynchronous).
    await Promise.resolve();
    if (!this.running) return this.summary();
    if (definition.TimeoutSeconds !== undefined) {
      // The execution's TimeoutSeconds (spec, Top-level fields): it then fails with States.Timeout as TIMED_OUT.
      this.cancelExecutionTimeout = callAfter(definition.TimeoutSeconds * 1000 * timeScale, () => this.end('TIMED_OUT', STATES_TIMEOUT,
        `The execution timed out (TimeoutSeconds ${definition.TimeoutSeconds}, scaled by the runner's timeScale)`));
    }
    try {
      this.history.record('ExecutionStarted');
      let input = JSON.parse(this.options.input) as JsonValue;
      let stateName = definition.StartAt;
      for (;;) {
        const transition = await this.runState(stateName, definition.States[stateName], input);
        if (!this.running) break;
        if ('end' in transition) {
          this.end('SUCCEEDED', undefined, undefined, JSON.stringify(transition.output));
          break;
        }
        stateName = transition.next;
        input = transition.output;
      }
    } catch (error) {
      if (!(error instanceof Interrupted) && this.running) {
        const failure = error instanceof StatesError ? error : runtimeError(`The runner failed: ${(error as Error)?.message ?? String(error)}`);
        this.end('FAILED', failure.error, failure.cause);
      }
    }
    return this.summary();
  }

  private get signal(): AbortSignal {
    return this.abort.signal;
  }

  private context(stateName: string, enteredTime: Date, retryCount: number): JsonValue {
    const { executionArn, name, stateMachineArn, input } = this.options;
    return {
      Execution: { Id: executionArn, Name: name, StartTime: this.startDate.toISOString(), Input: JSON.parse(input) as JsonValue },
      StateMachine: { Id: stateMachineArn, Name: stateMachineArn.split(':')[6] ?? stateMachineArn },
      State: { Name: stateName, EnteredTime: enteredTime.toISOString(), RetryCount: retryCount },
    };
  }

  private runState(name: string, state: State, input: JsonValue): Promise<Transition> {
    switch (state.Type) {
      case 'Task': return this.task(name, state, input);
      case 'Pass': return Promise.resolve(this.pass(name, state, input));
      case 'Wait': return this.wait(state, input);
      case 'Choice': return Promise.resolve(this.choice(name, state, input));
      case 'Succeed': return Promise.resolve(this.succeed(state, input));
      case 'Fail': return Promise.reject(this.fail(state, input));
    }
  }

  private async task(name: string, state: TaskState, rawInput: JsonValue): Promise<Transition> {
    const entered = new Date();
    this.history.record('TaskStateEntered');
    const resource = lambdaResource(state.Resource)!;
    const retries = (state.Retry ?? []).map(() => 0);
    let retryCount = 0;
    for (;;) {
      try {
        const effective = applyFilterPath(state.InputPath, rawInput, 'InputPath');
        const context = this.context(name, entered, retryCount);
        const parameters = state.Parameters !== undefined ? applyPayloadTemplate(state.Parameters, effective, context, 'Parameters') : effective;
        this.invocations++;
        let result = await runLambdaTask(resource, parameters, this.options.invokeFunction, this.history, this.signal);
        if (state.ResultSelector !== undefined) result = applyPayloadTemplate(state.ResultSelector, result, context, 'ResultSelector');
        const output = applyFilterPath(state.OutputPath, applyResultPath(state.ResultPath, rawInput, result), 'OutputPath');
        this.history.record('TaskStateExited');
        return this.transition(state, output);
      } catch (error) {
        if (error instanceof Interrupted || !(error instanceof StatesError) || error.error === STATES_RUNTIME) throw error;
        // "the first Retrier whose ErrorEquals matches" handles it, with its own attempt count (spec, Retrying after error).
        const index = (state.Retry ?? []).findIndex((retrier) => errorMatches(retrier.ErrorEquals, error.error));
        if (index >= 0 && retries[index] < (state.Retry![index].MaxAttempts ?? DEFAULT_MAX_ATTEMPTS)) {
          await interruptibleDelay(retryDelaySeconds(state.Retry![index], retries[index]) * 1000 * this.options.timeScale, this.signal);
          retries[index]++;
          retryCount++;
          continue;
        }
        const catcher = (state.Catch ?? []).find((candidate) => errorMatches(candidate.ErrorEquals, error.error));
        if (!catcher) throw error;
        // The error output `{ Error, Cause }` goes to the Catcher's ResultPath (default $) on the raw input; OutputPath does not apply.
        this.history.record('TaskStateExited');
        return { next: catcher.Next, output: applyResultPath(catcher.ResultPath, rawInput, { Error: error.error, Cause: error.cause }) };
      }
    }
  }

  private pass(name: string, state: PassState, rawInput: JsonValue): Transition {
    this.history.record('PassStateEntered');
    const effective = applyFilterPath(state.InputPath, rawInput, 'InputPath');
    const parameters = state.Parameters !== undefined
      ? applyPayloadTemplate(state.Parameters, effective, this.context(name, new Date(), 0), 'Parameters')
      : effective;
    // "Result ... is treated as the output of a virtual task" (spec, Pass State); without it the effective input passes on.
    const result = state.Result !== undefined ? state.Result : parameters;
    const output = applyFilterPath(state.OutputPath, applyResultPath(state.ResultPath, rawInput, result), 'OutputPath');
    this.history.record('PassStateExited');
    return this.transition(state, output);
  }

  private async wait(state: WaitState, rawInput: JsonValue): Promise<Transition> {
    this.history.record('WaitStateEntered');
    const effective = applyFilterPath(state.InputPath, rawInput, 'InputPath');
    const seconds = waitSeconds(state, effective);
    this.options.onWait?.({ name: this.options.name, input: this.options.input }, seconds);
    await interruptibleDelay(seconds * 1000 * this.options.timeScale, this.signal);
    const output = applyFilterPath(state.OutputPath, effective, 'OutputPath');
    this.history.record('WaitStateExited');
    return this.transition(state, output);
  }

  private choice(name: string, state: ChoiceState, rawInput: JsonValue): Transition {
    this.history.record('ChoiceStateEntered');
    const effective = applyFilterPath(state.InputPath, rawInput, 'InputPath');
    const next = chooseNext(name, state, effective);
    const output = applyFilterPath(state.OutputPath, effective, 'OutputPath');
    this.history.record('ChoiceStateExited');
    return { next, output };
  }

  private succeed(state: SucceedState, rawInput: JsonValue): Transition {
    this.history.record('SucceedStateEntered');
    const output = applyFilterPath(state.OutputPath, applyFilterPath(state.InputPath, rawInput, 'InputPath'), 'OutputPath');
    this.history.record('SucceedStateExited');
    return { end: true, output };
  }

  /** A Fail state: the execution fails with its Error and Cause (or ErrorPath / CausePath from its input). */
  private fail(state: FailState, rawInput: JsonValue): StatesError {
    try {
      this.history.record('FailStateEntered');
      const text = (path: string | undefined, field: string): string | undefined => {
        if (path === undefined) return undefined;
        const value = requirePath(path, rawInput, field);
        if (typeof value !== 'string') throw runtimeError(`The ${field} '${path}' selects ${JSON.stringify(value)}, not a string`);
        return value;
      };
      return new StatesError(state.Error ?? text(state.ErrorPath, 'ErrorPath') ?? '', state.Cause ?? text(state.CausePath, 'CausePath') ?? '');
    } catch (error) {
      return error as StatesError;
    }
  }

  private transition(state: { readonly Next?: string; readonly End?: boolean }, output: JsonValue): Transition {
    return state.Next !== undefined ? { next: state.Next, output } : { end: true, output };
  }
}

/**
 * The delay before retry `attempt` (0-based): IntervalSeconds × BackoffRate^attempt,
 * at most MaxDelaySeconds; JitterStrategy FULL picks a random delay up to it.
 */
export function retryDelaySeconds(retrier: Retrier, attempt: number): number {
  const interval = retrier.IntervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
  let seconds = interval * Math.pow(retrier.BackoffRate ?? DEFAULT_BACKOFF_RATE, attempt);
  if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  return retrier.JitterStrategy === 'FULL' ? Math.random() * seconds : seconds;
}

/**
 * A Wait state's duration in Step Functions seconds
 * (https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html).
 * AWS does not scale time; for Timestamp / TimestampPath the runner waits the
 * (real) time left until the timestamp, scaled like any other wait, and not at all for one in the past.
 */
function waitSeconds(state: WaitState, input: JsonValue): number {
  if (state.Seconds !== undefined) return state.Seconds;
  if (state.SecondsPath !== undefined) {
    const seconds = requirePath(state.SecondsPath, input, 'SecondsPath');
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
      throw runtimeError(`The SecondsPath '${state.SecondsPath}' selects ${JSON.stringify(seconds)}, not a non-negative integer`);
    }
    return seconds;
  }
  const timestamp = state.Timestamp ?? requirePath(state.TimestampPath!, input, 'TimestampPath');
  const time = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(time)) throw runtimeError(`The TimestampPath '${state.TimestampPath}' selects ${JSON.stringify(timestamp)}, not an ISO 8601 timestamp`);
  return Math.max(0, (time - Date.now()) / 1000);
}
