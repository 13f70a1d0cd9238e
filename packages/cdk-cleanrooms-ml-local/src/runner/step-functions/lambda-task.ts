/**
 * A Task state's call of a Lambda function, in either of the two forms Step
 * Functions offers (https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html):
 *
 * - the function's ARN as the Resource: the state's effective input is the
 *   payload and the function's result the state's result;
 * - `arn:aws:states:::lambda:invoke` (the optimized integration): the
 *   Parameters give FunctionName (and Qualifier) and Payload, and the result
 *   is the Invoke response, `{ ExecutedVersion, Payload, SdkHttpMetadata,
 *   SdkResponseMetadata, StatusCode }`, as that page shows.
 *
 * A function error becomes the state's error, named by the function's
 * errorType and with the function's error payload as the cause (Step
 * Functions reports "Lambda errors as Lambda.ErrorName" for the service's own
 * errors and the function's errorType for the function's, and "Unhandled
 * errors ... as Lambda.Unknown":
 * https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
 */
import { randomUUID } from 'node:crypto';
import type { LambdaResource } from './definition';
import { runtimeError, StatesError } from './errors';
import type { HistoryCounter } from './history';
import { interruptible, Interrupted } from './interruptible';
import type { JsonValue } from './json-path';

/** Runs a function (ARN or name, possibly with a :qualifier) with a payload; rejects with its error. */
export type InvokeFunction = (functionArn: string, payload: unknown) => Promise<unknown>;

export async function runLambdaTask(
  resource: LambdaResource,
  parameters: JsonValue,
  invokeFunction: InvokeFunction,
  history: HistoryCounter,
  signal: AbortSignal,
): Promise<JsonValue> {
  const call = (target: string, payload: JsonValue, failedEvent: string): Promise<JsonValue> =>
    callFunction(invokeFunction, target, payload, { history, signal, failedEvent });
  if (resource.kind === 'function') {
    history.record('LambdaFunctionScheduled', 'LambdaFunctionStarted');
    const result = await call(resource.functionArn, parameters, 'LambdaFunctionFailed');
    history.record('LambdaFunctionSucceeded');
    return result;
  }
  const { FunctionName: functionName, Qualifier: qualifier, Payload: payload } = parameters as Record<string, JsonValue>;
  if (typeof functionName !== 'string' || functionName === '') {
    throw runtimeError(`lambda:invoke needs a FunctionName string, got ${JSON.stringify(functionName)}`);
  }
  if (qualifier !== undefined && typeof qualifier !== 'string') {
    throw runtimeError(`lambda:invoke needs a Qualifier string, got ${JSON.stringify(qualifier)}`);
  }
  const target = qualifier ? `${functionName}:${qualifier}` : functionName;
  history.record('TaskScheduled', 'TaskStarted');
  // AWS does not document the event a function receives when Parameters has no Payload; the runner passes {}.
  const result = await call(target, payload === undefined ? {} : payload, 'TaskFailed');
  history.record('TaskSucceeded');
  return {
    ExecutedVersion: qualifier ?? '$LATEST',
    Payload: result,
    SdkHttpMetadata: { HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: randomUUID() },
    StatusCode: 200,
  };
}

interface CallContext {
  readonly history: HistoryCounter;
  readonly signal: AbortSignal;
  readonly failedEvent: string;
}

/** One invocation; a stop interrupts the wait for it (the function's own outcome is then ignored). */
async function callFunction(invokeFunction: InvokeFunction, target: string, payload: JsonValue, context: CallContext): Promise<JsonValue> {
  let result: unknown;
  try {
    result = await interruptible(Promise.resolve().then(() => invokeFunction(target, payload)), context.signal);
  } catch (error) {
    if (error instanceof Interrupted) throw error;
    context.history.record(context.failedEvent);
    throw lambdaError(error);
  }
  // A function's result travels as JSON: undefined arrives as null, a Date as its ISO string.
  return result === undefined ? null : JSON.parse(JSON.stringify(result)) as JsonValue;
}

/**
 * The function's error as the state's error: its errorType (or name), else
 * Lambda.Unknown; the cause is its error payload as the Lambda runtime writes
 * it (`{"errorType", "errorMessage", "trace"}`).
 */
export function lambdaError(error: unknown): StatesError {
  if (error instanceof StatesError) return error;
  const fields = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const errorType = typeof fields.errorType === 'string' ? fields.errorType
    : typeof fields.name === 'string' && fields.name !== '' ? fields.name
      : 'Lambda.Unknown';
  const errorMessage = typeof fields.errorMessage === 'string' ? fields.errorMessage
    : typeof fields.message === 'string' ? fields.message
      : typeof error === 'string' ? error : '';
  const trace = Array.isArray(fields.trace) ? fields.trace : undefined;
  return new StatesError(errorType, JSON.stringify({ errorType, errorMessage, ...(trace ? { trace } : {}) }));
}
