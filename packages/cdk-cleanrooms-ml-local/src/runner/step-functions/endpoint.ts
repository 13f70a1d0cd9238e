/**
 * The runner's Step Functions endpoint: StartExecution, StopExecution and
 * DescribeExecution in the AWS JSON 1.0 protocol (aws-json-protocol.ts), for
 * the functions the runner runs (AWS_ENDPOINT_URL_SFN), and the executions it
 * interprets (execution.ts) on the runner's scaled time.
 *
 * The operations and their errors are those of the Step Functions API
 * reference (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html,
 * API_StopExecution.html, API_DescribeExecution.html); any other operation is
 * refused with an UnknownOperationException naming it.
 *
 * An endpoint serves one operation of the runner. The executions that closed
 * in the stack's earlier operations are handed to it (`closedExecutions`),
 * because on AWS they outlive an operation: "StartExecution is idempotent for
 * STANDARD workflows. For a STANDARD workflow, if StartExecution is called
 * with the same name and input as a running execution, the call will succeed
 * and return the same response as the original request. If the execution is
 * closed or if the input is different, it will return a 400
 * ExecutionAlreadyExists error. Names can be reused after 90 days."
 * (API_StartExecution.html, as carried by
 * https://boto3.amazonaws.com/v1/documentation/api/1.26.143/reference/services/stepfunctions/client/start_execution.html).
 */
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { awsJsonListener, clientError, epochSeconds, JsonOperation } from './aws-json-protocol';
import { DefinitionError, parseDefinition, StateMachineDefinition } from './definition';
import { Execution, ExecutionOptions, ExecutionSummary } from './execution';
import type { InvokeFunction } from './lambda-task';

export interface StepFunctionsOptions {
  /** Real time per unit of Step Functions time: a Wait of `s` seconds lasts `s × 1000 × timeScale` ms (0: no waiting). */
  readonly timeScale: number;
  /**
   * Runs a Lambda function (by ARN, possibly with a :qualifier, or as the
   * definition's lambda:invoke FunctionName gives it) with a payload; resolves
   * its result, rejects with its error (`{ errorType | name, message | errorMessage, trace? }`).
   */
  readonly invokeFunction: InvokeFunction;
  /** The state machine's definition (ASL JSON text) by ARN, or undefined when the stack has none. */
  readonly stateMachine: (stateMachineArn: string) => { readonly definition: string } | undefined;
  /** Called as an execution's Wait state starts: for the runner's progress events. */
  readonly onWait?: ExecutionOptions['onWait'];
  /** Called once when an execution has ended (and does nothing more): for the runner's log. */
  readonly onExecutionEnd?: (execution: ExecutionSummary) => void;
  /**
   * Executions of earlier operations, all closed: their names stay taken
   * (ExecutionAlreadyExists) and DescribeExecution and StopExecution find
   * them, until 90 days after they closed.
   * @default none
   */
  readonly closedExecutions?: readonly ExecutionSummary[];
}

/** How long a closed execution's name stays taken ("Names can be reused after 90 days"), in real time: the runner does not scale dates. */
const NAME_RETENTION_MS = 90 * 24 * 3600 * 1000;

/** `arn:<partition>:states:<region>:<account>:stateMachine:<name>` (no version or alias qualifier). */
const STATE_MACHINE_ARN = /^arn:[\w-]+:states:[\w-]+:[^:]+:stateMachine:([^:]+)$/;

/**
 * StartExecution's name rules: 1–80 characters, none of white space,
 * `< > { } [ ]`, `? *`, `" # % \ ^ | ~ \` $ & , ; : /` or control characters
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

/** The Step Functions limits of StopExecution's error and cause (API_StopExecution.html). */
const MAX_STOP_ERROR = 256;
const MAX_STOP_CAUSE = 32_768;

export class StepFunctionsEndpoint {
  /** Starts the endpoint on 127.0.0.1, on a free port. */
  public static async start(options: StepFunctionsOptions): Promise<StepFunctionsEndpoint> {
    if (!(options.timeScale >= 0)) throw new Error(`timeScale must be a number ≥ 0, got ${options.timeScale}`);
    const endpoint = new StepFunctionsEndpoint(options);
    await new Promise<void>((resolve, reject) => {
      endpoint.server.once('error', reject);
      endpoint.server.listen(0, '127.0.0.1', () => resolve());
    });
    return endpoint;
  }

  private readonly server: Server;
  /** By execution ARN, in start order. */
  private readonly runs = new Map<string, Execution>();
  /** Closed executions of earlier operations, by execution ARN. */
  private readonly closed = new Map<string, ExecutionSummary>();
  /** Parsed definitions by their text: a definition is checked once. */
  private readonly definitions = new Map<string, StateMachineDefinition>();

  private constructor(private readonly options: StepFunctionsOptions) {
    const retainedSince = Date.now() - NAME_RETENTION_MS;
    for (const execution of options.closedExecutions ?? []) {
      if (execution.status !== 'RUNNING' && (execution.stopDate?.getTime() ?? 0) >= retainedSince) this.closed.set(execution.executionArn, execution);
    }
    const operations: Record<string, JsonOperation> = {
      StartExecution: (input) => this.startExecution(input),
      StopExecution: (input) => this.stopExecution(input),
      DescribeExecution: (input) => this.describeExecution(input),
    };
    this.server = createServer(awsJsonListener({
      targetPrefix: 'AWSStepFunctions',
      title: 'The local runner\'s Step Functions endpoint',
      operations,
    }));
  }

  /** `http://127.0.0.1:<port>`, for AWS_ENDPOINT_URL_SFN. */
  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Every execution it knows: the closed ones of earlier operations, then those started here, in start order. */
  public executions(): ExecutionSummary[] {
    return [...this.closed.values(), ...[...this.runs.values()].map((execution) => execution.summary())];
  }

  /** Resolves when the execution has ended (undefined for an unknown ARN). */
  public async ended(executionArn: string): Promise<ExecutionSummary | undefined> {
    return this.runs.get(executionArn)?.finished ?? this.closed.get(executionArn);
  }

  /**
   * The operation ended: aborts every running execution (ABORTED, with
   * `cause`) and resolves, once none runs any more, with those it aborted.
   */
  public async stopAll(cause: string): Promise<ExecutionSummary[]> {
    const running = [...this.runs.values()].filter((execution) => execution.running);
    running.forEach((execution) => execution.stop(undefined, cause));
    return Promise.all(running.map((execution) => execution.finished));
  }

  /** stopAll, then closes the server. */
  public async stop(): Promise<void> {
    await this.stopAll('The local runner stopped its Step Functions endpoint');
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private startExecution(input: Record<string, unknown>): object {
    const stateMachineArn = requiredString(input, 'stateMachineArn');
    const arnMatch = STATE_MACHINE_ARN.exec(stateMachineArn);
    if (!arnMatch) throw clientError('InvalidArn', `Invalid Arn: '${stateMachineArn}'`);
    const stateMachine = this.options.stateMachine(stateMachineArn);
    if (!stateMachine) throw clientError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);

    const name = optionalString(input, 'name') ?? randomUUID();
    if (name.length < 1 || name.length > 80 || FORBIDDEN_NAME_CHARACTERS.test(name)) {
      throw clientError('InvalidName', `Invalid Name: '${name}' (1 to 80 characters, no white space, brackets, wildcards, `
        + 'special or control characters)');
    }
    const executionInput = optionalString(input, 'input') ?? '{}';
    try {
      JSON.parse(executionInput);
    } catch (error) {
      throw clientError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${(error as Error).message}'`);
    }
    const definition = this.definition(stateMachine.definition, arnMatch[1]);

    // Names are unique per state machine: the same name while it runs with the same input is the same
    // execution (success); another input, or a closed execution of that name (this operation's or an
    // earlier one's), is ExecutionAlreadyExists (see the top of this file; notes/wait-facts.md §2).
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    if (this.closed.has(executionArn)) throw clientError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    const existing = this.runs.get(executionArn);
    if (existing) {
      if (existing.running && existing.input === executionInput) {
        return { executionArn, startDate: epochSeconds(existing.startDate) };
      }
      throw clientError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const execution = new Execution({
      executionArn,
      stateMachineArn,
      name,
      input: executionInput,
      definition,
      timeScale: this.options.timeScale,
      invokeFunction: this.options.invokeFunction,
      onWait: this.options.onWait,
    });
    this.runs.set(executionArn, execution);
    void execution.finished.then((summary) => {
      try {
        this.options.onExecutionEnd?.(summary);
      } catch (error) {
        // The runner's log callback failing must not crash the process from a detached promise: say so on stderr.
        process.stderr.write(`Step Functions endpoint: onExecutionEnd failed: ${(error as Error)?.stack ?? String(error)}\n`);
      }
    });
    return { executionArn, startDate: epochSeconds(execution.startDate) };
  }

  /**
   * StopExecution: the execution is ABORTED with the given error and cause.
   * AWS does not document StopExecution on an execution that has already
   * ended (notes/wait-facts.md §2); the runner answers success with the
   * execution's stopDate and changes nothing.
   */
  private stopExecution(input: Record<string, unknown>): object {
    const execution = this.execution(input);
    const error = optionalString(input, 'error');
    const cause = optionalString(input, 'cause');
    if (error !== undefined && error.length > MAX_STOP_ERROR) throw clientError('ValidationException', `error is longer than ${MAX_STOP_ERROR} characters`);
    if (cause !== undefined && cause.length > MAX_STOP_CAUSE) throw clientError('ValidationException', `cause is longer than ${MAX_STOP_CAUSE} characters`);
    if (!(execution instanceof Execution)) return { stopDate: epochSeconds(execution.stopDate!) };
    execution.stop(error, cause);
    return { stopDate: epochSeconds(execution.summary().stopDate!) };
  }

  private describeExecution(input: Record<string, unknown>): object {
    const execution = this.execution(input);
    const summary = execution instanceof Execution ? execution.summary() : execution;
    return {
      executionArn: summary.executionArn,
      stateMachineArn: summary.stateMachineArn,
      name: summary.name,
      status: summary.status,
      startDate: epochSeconds(summary.startDate),
      ...(summary.stopDate ? { stopDate: epochSeconds(summary.stopDate) } : {}),
      input: summary.input,
      inputDetails: { included: true },
      ...(summary.output !== undefined ? { output: summary.output, outputDetails: { included: true } } : {}),
      ...(summary.error !== undefined ? { error: summary.error } : {}),
      ...(summary.cause !== undefined ? { cause: summary.cause } : {}),
    };
  }

  /** An execution of this operation, or a closed one of an earlier operation (its summary). */
  private execution(input: Record<string, unknown>): Execution | ExecutionSummary {
    const executionArn = requiredString(input, 'executionArn');
    const execution = this.runs.get(executionArn) ?? this.closed.get(executionArn);
    if (!execution) throw clientError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return execution;
  }

  /** The definition, checked whole before its first execution: what the runner cannot run is refused at StartExecution. */
  private definition(text: string, stateMachineName: string): StateMachineDefinition {
    let definition = this.definitions.get(text);
    if (!definition) {
      try {
        definition = parseDefinition(text, `state machine ${stateMachineName}`);
      } catch (error) {
        // InvalidDefinition is the Step Functions error for a definition it cannot accept (API_CreateStateMachine.html).
        if (error instanceof DefinitionError) throw clientError('InvalidDefinition', error.message);
        throw error;
      }
      this.definitions.set(text, definition);
    }
    return definition;
  }
}

function requiredString(input: Record<string, unknown>, member: string): string {
  const value = input[member];
  if (typeof value !== 'string') throw clientError('ValidationException', `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must not be null`);
  return value;
}

function optionalString(input: Record<string, unknown>, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw clientError('ValidationException', `Value at '${member}' must be a string`);
  return value;
}
