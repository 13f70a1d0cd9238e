/**
 * A state machine definition (Amazon States Language, JSONPath), checked as a
 * whole before an execution starts: the states, fields, resources, paths and
 * Choice operators the runner interprets, and a clear refusal, naming the
 * state and what it uses, for anything else (Map, Parallel, JSONata,
 * variables, intrinsic functions, other integrations, Task timeouts), so that
 * no execution pretends to run what it cannot.
 *
 * The rules copied here are the spec's (https://states-language.net/spec.html)
 * and AWS's (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-amazon-states-language.html
 * and the pages for each state type, cited below).
 */
import { STATES_ALL } from './errors';
import { isSupportedPath, JsonValue } from './json-path';

/** The definition cannot be run by the runner (unsupported) or is not valid ASL. */
export class DefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DefinitionError';
  }
}

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
}

export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly ResultPath?: string | null;
}

interface CommonFields {
  readonly Comment?: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly InputPath?: string | null;
  readonly OutputPath?: string | null;
}

export interface TaskState extends CommonFields {
  readonly Type: 'Task';
  readonly Resource: string;
  readonly Parameters?: JsonValue;
  readonly ResultSelector?: JsonValue;
  readonly ResultPath?: string | null;
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
}

export interface PassState extends CommonFields {
  readonly Type: 'Pass';
  readonly Result?: JsonValue;
  readonly ResultPath?: string | null;
  readonly Parameters?: JsonValue;
}

export interface WaitState extends CommonFields {
  readonly Type: 'Wait';
  readonly Seconds?: number;
  readonly SecondsPath?: string;
  readonly Timestamp?: string;
  readonly TimestampPath?: string;
}

/** A Choice rule: a comparison on `Variable`, or And / Or / Not of rules; `Next` only at the top level. */
export interface ChoiceRule {
  readonly Variable?: string;
  readonly And?: readonly ChoiceRule[];
  readonly Or?: readonly ChoiceRule[];
  readonly Not?: ChoiceRule;
  readonly Next?: string;
  readonly [operator: string]: unknown;
}

export interface ChoiceState {
  readonly Type: 'Choice';
  readonly Comment?: string;
  readonly InputPath?: string | null;
  readonly OutputPath?: string | null;
  readonly Choices: readonly ChoiceRule[];
  readonly Default?: string;
}

export interface SucceedState {
  readonly Type: 'Succeed';
  readonly Comment?: string;
  readonly InputPath?: string | null;
  readonly OutputPath?: string | null;
}

export interface FailState {
  readonly Type: 'Fail';
  readonly Comment?: string;
  readonly Error?: string;
  readonly Cause?: string;
  readonly ErrorPath?: string;
  readonly CausePath?: string;
}

export type State = TaskState | PassState | WaitState | ChoiceState | SucceedState | FailState;

export interface StateMachineDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, State>>;
  /** The execution's timeout (https://states-language.net/spec.html#toplevelfields). */
  readonly TimeoutSeconds?: number;
}

/** How a Task state's Resource runs its Lambda function. */
export type LambdaResource =
  /** A function ARN as the Resource: the state's effective input is the payload, the function's result the state's result. */
  | { readonly kind: 'function'; readonly functionArn: string }
  /** `arn:aws:states:::lambda:invoke` (optimized integration): Parameters give FunctionName and Payload. */
  | { readonly kind: 'invoke' };

const LAMBDA_FUNCTION_ARN = /^arn:[\w-]+:lambda:[\w-]*:[^:]*:function:[\w-]+(?::[\w$-]+)?$/;
const LAMBDA_INVOKE = /^arn:[\w-]+:states:::lambda:invoke$/;

/** The Lambda function a Task's Resource names, or undefined when it is something else. */
export function lambdaResource(resource: string): LambdaResource | undefined {
  if (LAMBDA_FUNCTION_ARN.test(resource)) return { kind: 'function', functionArn: resource };
  if (LAMBDA_INVOKE.test(resource)) return { kind: 'invoke' };
  return undefined;
}

/** `arn:aws:states:::lambda:invoke` Parameters the runner passes on; InvocationType only RequestResponse. */
const INVOKE_PARAMETERS = new Set(['FunctionName', 'Payload', 'Qualifier', 'InvocationType']);

/** Fields each state type may have (https://states-language.net/spec.html#state-type-table), less what the runner refuses. */
const COMMON_FIELDS = ['Type', 'Comment', 'Next', 'End', 'InputPath', 'OutputPath'];
const ALLOWED_FIELDS: Readonly<Record<State['Type'], readonly string[]>> = {
  Task: [...COMMON_FIELDS, 'Resource', 'Parameters', 'ResultSelector', 'ResultPath', 'Retry', 'Catch'],
  Pass: [...COMMON_FIELDS, 'Result', 'ResultPath', 'Parameters'],
  Wait: [...COMMON_FIELDS, 'Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'],
  Choice: ['Type', 'Comment', 'InputPath', 'OutputPath', 'Choices', 'Default'],
  Succeed: ['Type', 'Comment', 'InputPath', 'OutputPath'],
  Fail: ['Type', 'Comment', 'Error', 'Cause', 'ErrorPath', 'CausePath'],
};

/** Why a known ASL field is refused, for a clearer message than "unknown". */
const REFUSED_FIELDS: Readonly<Record<string, string>> = {
  TimeoutSeconds: 'Task timeouts are not interpreted by the runner (its functions run in real time, its waits in scaled time)',
  TimeoutSecondsPath: 'Task timeouts are not interpreted by the runner',
  HeartbeatSeconds: 'Task heartbeats are not interpreted by the runner',
  HeartbeatSecondsPath: 'Task heartbeats are not interpreted by the runner',
  Credentials: 'cross-account Task credentials are not interpreted by the runner',
  QueryLanguage: 'only JSONPath states are interpreted by the runner (JSONata is not)',
  Arguments: 'JSONata Arguments are not interpreted by the runner',
  Output: 'JSONata Output is not interpreted by the runner',
  Assign: 'workflow variables (Assign) are not interpreted by the runner',
  Items: 'Map states are not interpreted by the runner',
};

/**
 * Choice comparison operators the runner evaluates, with the JSON type of
 * their operand (https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html);
 * each also has a `...Path` form comparing with a value of the input.
 */
export const CHOICE_OPERATORS: Readonly<Record<string, 'boolean' | 'string' | 'number'>> = {
  BooleanEquals: 'boolean',
  StringEquals: 'string',
  StringLessThan: 'string',
  StringGreaterThan: 'string',
  StringLessThanEquals: 'string',
  StringGreaterThanEquals: 'string',
  NumericEquals: 'number',
  NumericLessThan: 'number',
  NumericGreaterThan: 'number',
  NumericLessThanEquals: 'number',
  NumericGreaterThanEquals: 'number',
};
/** Type tests, whose operand is a boolean and which have no Path form. */
export const CHOICE_TYPE_TESTS = ['IsPresent', 'IsNull', 'IsString', 'IsNumeric', 'IsBoolean'] as const;

/** The Wait state's maximum Seconds (https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html). */
export const MAX_WAIT_SECONDS = 99_999_999;

/**
 * Parses and checks a definition; throws a DefinitionError naming the state
 * and the unsupported or invalid part. `name` (the state machine's) is for the messages.
 */
export function parseDefinition(definition: string, name = 'the state machine'): StateMachineDefinition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition);
  } catch (error) {
    throw new DefinitionError(`The definition of ${name} is not valid JSON: ${(error as Error).message}`);
  }
  const check = new Checker(name);
  check.topLevel(parsed);
  return parsed as StateMachineDefinition;
}

class Checker {
  private states: Record<string, unknown> = {};

  constructor(private readonly machine: string) {}

  public topLevel(value: unknown): void {
    if (!isObject(value)) this.fail('the definition is not a JSON object');
    for (const field of Object.keys(value)) {
      if (!['StartAt', 'States', 'Comment', 'Version', 'TimeoutSeconds', 'QueryLanguage'].includes(field)) {
        this.fail(`its top-level field ${field} is not supported by the runner${REFUSED_FIELDS[field] ? ` (${REFUSED_FIELDS[field]})` : ''}`);
      }
    }
    if (value.QueryLanguage !== undefined && value.QueryLanguage !== 'JSONPath') {
      this.fail(`it uses QueryLanguage ${JSON.stringify(value.QueryLanguage)}; ${REFUSED_FIELDS.QueryLanguage}`);
    }
    if (value.TimeoutSeconds !== undefined && !isNonNegativeInteger(value.TimeoutSeconds)) {
      this.fail('its TimeoutSeconds is not a non-negative integer');
    }
    if (!isObject(value.States) || Object.keys(value.States).length === 0) this.fail('it has no States');
    this.states = value.States;
    if (typeof value.StartAt !== 'string' || !(value.StartAt in this.states)) {
      this.fail(`its StartAt ${JSON.stringify(value.StartAt)} names no state`);
    }
    for (const [stateName, state] of Object.entries(this.states)) {
      this.state(stateName, state);
    }
  }

  private state(name: string, state: unknown): void {
    if (!isObject(state)) this.failState(name, 'is not a JSON object');
    const type = state.Type;
    if (type === 'Map' || type === 'Parallel') {
      this.failState(name, `is a ${type} state, which the runner does not support (it runs Task, Choice, Wait, Pass, Succeed and Fail states)`);
    }
    if (typeof type !== 'string' || !(type in ALLOWED_FIELDS)) {
      this.failState(name, `has Type ${JSON.stringify(type)}, which the runner does not support (it runs Task, Choice, Wait, Pass, Succeed and Fail states)`);
    }
    const allowed = ALLOWED_FIELDS[type as State['Type']];
    for (const field of Object.keys(state)) {
      if (!allowed.includes(field)) {
        this.failState(name, `has the field ${field}, which the runner does not support in a ${type} state${REFUSED_FIELDS[field] ? ` (${REFUSED_FIELDS[field]})` : ''}`);
      }
    }
    for (const field of ['InputPath', 'OutputPath', 'ResultPath'] as const) {
      const path = state[field];
      if (path !== undefined && path !== null && (typeof path !== 'string' || !isSupportedPath(path))) {
        this.failState(name, `has ${field} ${JSON.stringify(path)}, not a path the runner supports ($, $.a.b, $.a[0])`);
      }
    }
    if (type !== 'Choice' && type !== 'Succeed' && type !== 'Fail') this.transition(name, state);
    switch (type) {
      case 'Task': return this.task(name, state);
      case 'Pass': return this.payloadTemplates(name, state, ['Parameters']);
      case 'Wait': return this.wait(name, state);
      case 'Choice': return this.choice(name, state);
      case 'Fail': return this.failStateFields(name, state);
      default: return;
    }
  }

  /** "A state MUST have either Next or End: true" for the non-terminal types (spec, Transitions). */
  private transition(name: string, state: Record<string, unknown>): void {
    if (state.End !== undefined && state.End !== true) this.failState(name, 'has End other than true');
    if ((state.Next === undefined) === (state.End === undefined)) this.failState(name, 'must have exactly one of Next and End: true');
    if (state.Next !== undefined) this.target(name, state.Next, 'Next');
  }

  private target(name: string, next: unknown, field: string): void {
    if (typeof next !== 'string' || !(next in this.states)) this.failState(name, `has ${field} ${JSON.stringify(next)}, which names no state`);
  }

  private task(name: string, state: Record<string, unknown>): void {
    const resource = typeof state.Resource === 'string' ? lambdaResource(state.Resource) : undefined;
    if (!resource) {
      this.failState(name, `has Resource ${JSON.stringify(state.Resource)}, which the runner does not support `
        + '(it runs Lambda functions: a function ARN or arn:aws:states:::lambda:invoke)');
    }
    this.payloadTemplates(name, state, ['Parameters', 'ResultSelector']);
    if (resource.kind === 'invoke') {
      const parameters = state.Parameters;
      if (!isObject(parameters)) this.failState(name, 'calls lambda:invoke without Parameters');
      const members = Object.keys(parameters).map((key) => key.replace(/\.\$$/, ''));
      const unknown = members.filter((member) => !INVOKE_PARAMETERS.has(member));
      if (unknown.length > 0) this.failState(name, `passes lambda:invoke the parameter(s) ${unknown.join(', ')}, which the runner does not support`);
      if (!members.includes('FunctionName')) this.failState(name, 'calls lambda:invoke without a FunctionName');
      if (parameters.InvocationType !== undefined && parameters.InvocationType !== 'RequestResponse') {
        this.failState(name, `calls lambda:invoke with InvocationType ${JSON.stringify(parameters.InvocationType)}; the runner only runs RequestResponse`);
      }
      if ('InvocationType.$' in parameters) this.failState(name, 'takes lambda:invoke\'s InvocationType from a path, which the runner does not support');
    }
    this.retriers(name, state.Retry);
    this.catchers(name, state.Catch);
  }

  private retriers(name: string, retry: unknown): void {
    if (retry === undefined) return;
    if (!Array.isArray(retry)) this.failState(name, 'has a Retry that is not an array');
    retry.forEach((retrier: unknown, index) => {
      const where = `Retry[${index}]`;
      if (!isObject(retrier)) this.failState(name, `has a ${where} that is not an object`);
      this.errorEquals(name, where, retrier.ErrorEquals, index === retry.length - 1);
      for (const field of Object.keys(retrier)) {
        if (!['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment'].includes(field)) {
          this.failState(name, `has the field ${field} in ${where}, which the runner does not support`);
        }
      }
      // Constraints from https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-retrying-after-an-error
      if (retrier.IntervalSeconds !== undefined && !(isNonNegativeInteger(retrier.IntervalSeconds) && retrier.IntervalSeconds >= 1)) {
        this.failState(name, `has ${where}.IntervalSeconds ${JSON.stringify(retrier.IntervalSeconds)}, not a positive integer`);
      }
      if (retrier.MaxAttempts !== undefined && !isNonNegativeInteger(retrier.MaxAttempts)) {
        this.failState(name, `has ${where}.MaxAttempts ${JSON.stringify(retrier.MaxAttempts)}, not a non-negative integer`);
      }
      if (retrier.BackoffRate !== undefined && !(typeof retrier.BackoffRate === 'number' && retrier.BackoffRate >= 1)) {
        this.failState(name, `has ${where}.BackoffRate ${JSON.stringify(retrier.BackoffRate)}, not a number ≥ 1.0`);
      }
      if (retrier.MaxDelaySeconds !== undefined && !(isNonNegativeInteger(retrier.MaxDelaySeconds) && retrier.MaxDelaySeconds >= 1)) {
        this.failState(name, `has ${where}.MaxDelaySeconds ${JSON.stringify(retrier.MaxDelaySeconds)}, not a positive integer`);
      }
      if (retrier.JitterStrategy !== undefined && retrier.JitterStrategy !== 'FULL' && retrier.JitterStrategy !== 'NONE') {
        this.failState(name, `has ${where}.JitterStrategy ${JSON.stringify(retrier.JitterStrategy)}, not FULL or NONE`);
      }
    });
  }

  private catchers(name: string, catchers: unknown): void {
    if (catchers === undefined) return;
    if (!Array.isArray(catchers)) this.failState(name, 'has a Catch that is not an array');
    catchers.forEach((catcher: unknown, index) => {
      const where = `Catch[${index}]`;
      if (!isObject(catcher)) this.failState(name, `has a ${where} that is not an object`);
      this.errorEquals(name, where, catcher.ErrorEquals, index === catchers.length - 1);
      for (const field of Object.keys(catcher)) {
        if (!['ErrorEquals', 'Next', 'ResultPath', 'Comment'].includes(field)) {
          this.failState(name, `has the field ${field} in ${where}, which the runner does not support`);
        }
      }
      this.target(name, catcher.Next, `${where}.Next`);
      const path = catcher.ResultPath;
      if (path !== undefined && path !== null && (typeof path !== 'string' || !isSupportedPath(path))) {
        this.failState(name, `has ${where}.ResultPath ${JSON.stringify(path)}, not a path the runner supports`);
      }
    });
  }

  /** "States.ALL ... MUST appear alone in its ErrorEquals array and MUST appear in the last Retrier/Catcher" (spec, Retrying after error). */
  private errorEquals(name: string, where: string, errorEquals: unknown, last: boolean): void {
    if (!Array.isArray(errorEquals) || errorEquals.length === 0 || errorEquals.some((error) => typeof error !== 'string')) {
      this.failState(name, `has a ${where}.ErrorEquals that is not a non-empty array of error names`);
    }
    if (errorEquals.includes(STATES_ALL) && (errorEquals.length > 1 || !last)) {
      this.failState(name, `has States.ALL in ${where}.ErrorEquals, which must be alone and in the last ${where.replace(/\[.*$/, '')} entry`);
    }
  }

  /** Parameters / ResultSelector: `.$` members must be paths; intrinsic functions are refused. */
  private payloadTemplates(name: string, state: Record<string, unknown>, fields: readonly string[]): void {
    for (const field of fields) {
      if (state[field] !== undefined) this.payloadTemplate(name, field, state[field]);
    }
  }

  private payloadTemplate(name: string, where: string, template: unknown): void {
    if (Array.isArray(template)) {
      template.forEach((item, index) => this.payloadTemplate(name, `${where}[${index}]`, item));
    } else if (isObject(template)) {
      for (const [key, value] of Object.entries(template)) {
        if (!key.endsWith('.$')) {
          this.payloadTemplate(name, `${where}.${key}`, value);
        } else if (typeof value !== 'string' || !isSupportedPath(value, true)) {
          const intrinsic = typeof value === 'string' && /^States\.\w+\(/.test(value);
          this.failState(name, `has ${where}.${key} = ${JSON.stringify(value)}: `
            + (intrinsic ? 'intrinsic functions are not supported by the runner' : 'not a path the runner supports ($, $.a.b, $.a[0], $$.Execution.Name)'));
        }
      }
    }
  }

  /** Exactly one of Seconds, SecondsPath, Timestamp, TimestampPath (https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html). */
  private wait(name: string, state: Record<string, unknown>): void {
    const given = ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'].filter((field) => state[field] !== undefined);
    if (given.length !== 1) this.failState(name, 'must have exactly one of Seconds, SecondsPath, Timestamp and TimestampPath');
    if (state.Seconds !== undefined && !(isNonNegativeInteger(state.Seconds) && state.Seconds <= MAX_WAIT_SECONDS)) {
      this.failState(name, `has Seconds ${JSON.stringify(state.Seconds)}, not an integer from 0 to ${MAX_WAIT_SECONDS}`);
    }
    if (state.Timestamp !== undefined && (typeof state.Timestamp !== 'string' || Number.isNaN(Date.parse(state.Timestamp)))) {
      this.failState(name, `has Timestamp ${JSON.stringify(state.Timestamp)}, not an ISO 8601 timestamp`);
    }
    for (const field of ['SecondsPath', 'TimestampPath']) {
      const path = state[field];
      if (path !== undefined && (typeof path !== 'string' || !isSupportedPath(path))) {
        this.failState(name, `has ${field} ${JSON.stringify(path)}, not a path the runner supports`);
      }
    }
  }

  private choice(name: string, state: Record<string, unknown>): void {
    if (!Array.isArray(state.Choices) || state.Choices.length === 0) this.failState(name, 'has no Choices');
    state.Choices.forEach((rule: unknown, index: number) => this.choiceRule(name, `Choices[${index}]`, rule, true));
    if (state.Default !== undefined) this.target(name, state.Default, 'Default');
  }

  private choiceRule(name: string, where: string, rule: unknown, topLevel: boolean): void {
    if (!isObject(rule)) this.failState(name, `has a ${where} that is not an object`);
    if (topLevel) {
      this.target(name, rule.Next, `${where}.Next`);
    } else if (rule.Next !== undefined) {
      this.failState(name, `has a Next in the nested rule ${where}`);
    }
    const operators = Object.keys(rule).filter((key) => !['Variable', 'Next', 'Comment'].includes(key));
    if (operators.length !== 1) {
      this.failState(name, `has ${where} with ${operators.length === 0 ? 'no' : 'several'} operators (${operators.join(', ')}); a rule has exactly one`);
    }
    const operator = operators[0];
    const operand = rule[operator];
    if (operator === 'And' || operator === 'Or') {
      if (!Array.isArray(operand) || operand.length === 0) this.failState(name, `has ${where}.${operator} that is not a non-empty array of rules`);
      if (rule.Variable !== undefined) this.failState(name, `has a Variable on the ${operator} rule ${where}`);
      operand.forEach((inner: unknown, index: number) => this.choiceRule(name, `${where}.${operator}[${index}]`, inner, false));
      return;
    }
    if (operator === 'Not') {
      if (rule.Variable !== undefined) this.failState(name, `has a Variable on the Not rule ${where}`);
      this.choiceRule(name, `${where}.Not`, operand, false);
      return;
    }
    const base = operator.endsWith('Path') ? operator.slice(0, -'Path'.length) : operator;
    const type = (CHOICE_TYPE_TESTS as readonly string[]).includes(operator) ? 'boolean' : CHOICE_OPERATORS[base];
    if (type === undefined || (base !== operator && (CHOICE_TYPE_TESTS as readonly string[]).includes(base))) {
      this.failState(name, `has the Choice operator ${operator} in ${where}, which the runner does not support `
        + `(it evaluates ${[...Object.keys(CHOICE_OPERATORS), ...CHOICE_TYPE_TESTS].join(', ')}, the comparisons' ...Path forms, And, Or and Not)`);
    }
    if (typeof rule.Variable !== 'string' || !isSupportedPath(rule.Variable)) {
      this.failState(name, `has ${where}.Variable ${JSON.stringify(rule.Variable)}, not a path the runner supports`);
    }
    if (base !== operator) {
      if (typeof operand !== 'string' || !isSupportedPath(operand)) this.failState(name, `has ${where}.${operator} ${JSON.stringify(operand)}, not a path`);
    } else if (typeof operand !== type) {
      this.failState(name, `has ${where}.${operator} ${JSON.stringify(operand)}, not a ${type}`);
    }
  }

  private failStateFields(name: string, state: Record<string, unknown>): void {
    if (state.Error !== undefined && state.ErrorPath !== undefined) this.failState(name, 'has both Error and ErrorPath');
    if (state.Cause !== undefined && state.CausePath !== undefined) this.failState(name, 'has both Cause and CausePath');
    for (const field of ['ErrorPath', 'CausePath']) {
      const path = state[field];
      if (path !== undefined && (typeof path !== 'string' || !isSupportedPath(path))) {
        this.failState(name, `has ${field} ${JSON.stringify(path)}, not a path the runner supports (intrinsic functions are not)`);
      }
    }
  }

  private failState(state: string, message: string): never {
    throw new DefinitionError(`The runner cannot run ${this.machine}: state '${state}' ${message}`);
  }

  private fail(message: string): never {
    throw new DefinitionError(`The runner cannot run ${this.machine}: ${message}`);
  }
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
