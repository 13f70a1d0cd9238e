/**
 * The aws-cdk-lib custom-resources Provider framework, replayed in-process
 * (aws-cdk-lib/custom-resources/lib/provider-framework/runtime/framework.js
 * and cfn-response.js, and the waiter state machine of waiter-state-machine.js):
 *
 * - a Delete whose physical id is the CREATE_FAILED marker is answered
 *   SUCCESS without calling the user's handler;
 * - the user's onEvent gets the CloudFormation request; its result is merged
 *   into the request (`{...request, ...result}`), the physical id defaulting
 *   to the RequestId on Create and to the request's on Update/Delete; a
 *   changed physical id on Delete is an error;
 * - any error (the function threw, timed out, ...) answers FAILED with the
 *   framework's message (`<errorMessage>\n\nLogs: /aws/lambda/<function>\n`
 *   and the trace); a failed Create without a physical id gets the
 *   CREATE_FAILED marker so the rollback Delete is answered by the framework;
 * - with an isComplete function, the waiter calls it at once and then every
 *   queryInterval, up to MaxAttempts retries: `IsComplete: false` retries
 *   (with `Data` it fails: "Data" is not allowed if "IsComplete" is "False"),
 *   a throw fails at once, `IsComplete: true` answers SUCCESS with the result
 *   merged over the onEvent result and Data merged key by key; when the
 *   retries run out, onTimeout answers FAILED "Operation timed out" (with the
 *   physical id onEvent returned, so CloudFormation's rollback deletes it);
 * - an onEvent attempt whose environment died without an answer (the
 *   runner's `crashAfterCreate` fault) is run again with the same request,
 *   as AWS delivers it again: CloudFormation invokes the framework's onEvent
 *   asynchronously, and Lambda runs a failed asynchronous invocation twice
 *   more, one minute and then two minutes later (its default retry policy);
 *   the framework's own Invoke of the handler is also sent again when the
 *   Invoke call fails (outbound.js). After the last retry the event is
 *   dropped: CloudFormation gets no response. (A handler crash that Lambda
 *   does report to the framework, as a Runtime.ExitError FunctionError, is
 *   an ordinary error: FAILED at once.)
 */
import { readInvocation } from './lambda';
import type { InvokeResult, LambdaFunctionSpec } from './lambda';

export const CREATE_FAILED_PHYSICAL_ID_MARKER = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';
export const MISSING_PHYSICAL_ID_MARKER = 'AWSCDK::CustomResourceProviderFramework::MISSING_PHYSICAL_ID';

/** Environment variables of the framework's onEvent function (runtime/consts.js). */
export const USER_ON_EVENT_FUNCTION_ARN_ENV = 'USER_ON_EVENT_FUNCTION_ARN';
export const USER_IS_COMPLETE_FUNCTION_ARN_ENV = 'USER_IS_COMPLETE_FUNCTION_ARN';
export const WAITER_STATE_MACHINE_ARN_ENV = 'WAITER_STATE_MACHINE_ARN';

/** The Provider's defaults (provider-framework/util.js): 5 s interval, 30 min in all. */
export const DEFAULT_QUERY_INTERVAL_SECONDS = 5;
export const DEFAULT_TOTAL_TIMEOUT_SECONDS = 30 * 60;

/** Lambda's waits before retrying a failed asynchronous invocation (default MaximumRetryAttempts 2). */
export const ASYNC_INVOCATION_RETRY_DELAYS_SECONDS: readonly number[] = [60, 120];

export type RequestType = 'Create' | 'Update' | 'Delete';

/** The request CloudFormation sends a custom resource's ServiceToken. */
export interface CloudFormationRequest {
  readonly RequestType: RequestType;
  readonly ServiceToken: string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

/** What the framework PUTs to the ResponseURL (cfn-response.js submitResponse). */
export interface CloudFormationResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly PhysicalResourceId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho?: boolean;
  readonly Data?: Record<string, unknown>;
}

/** A Provider's user functions and its waiter's schedule. */
export interface ProviderFunctions {
  readonly onEvent: LambdaFunctionSpec;
  readonly isComplete?: LambdaFunctionSpec;
  /** The waiter's IntervalSeconds. */
  readonly queryIntervalSeconds: number;
  /** The waiter's MaxAttempts: retries after the first isComplete call (totalTimeout / queryInterval). */
  readonly maxAttempts: number;
}

export interface FrameworkOptions {
  readonly invoke: (spec: LambdaFunctionSpec, event: unknown) => Promise<InvokeResult>;
  /** Real time = framework time × timeScale. */
  readonly timeScale: number;
  /** Called before each isComplete call after the first. */
  readonly onPoll?: (attempt: number, maxAttempts: number) => void;
  /**
   * How long CloudFormation waits for the response (the resource's
   * ServiceTimeout), in framework time: the waiter's pauses count unscaled,
   * the functions' own run time as it is.
   */
  readonly serviceTimeoutSeconds?: number;
}

/** `response`: what CloudFormation received; `noResponse`: nothing came before the deadline. */
export type FrameworkOutcome = { readonly response: CloudFormationResponse } | { readonly noResponse: true };

type FrameworkEvent = Record<string, any>;

/** Handles one CloudFormation request the way a deployed Provider would. */
export async function runProviderFramework(
  functions: ProviderFunctions,
  request: CloudFormationRequest,
  options: FrameworkOptions,
): Promise<FrameworkOutcome> {
  let frameworkMs = 0;
  const pastDeadline = (): boolean => options.serviceTimeoutSeconds !== undefined && frameworkMs > options.serviceTimeoutSeconds * 1000;
  const invoke = async (spec: LambdaFunctionSpec, event: FrameworkEvent): Promise<any> => {
    const started = Date.now();
    try {
      return await invokeUserFunction(options, spec, event);
    } finally {
      frameworkMs += Date.now() - started;
    }
  };
  const cfnRequest: FrameworkEvent = JSON.parse(JSON.stringify(request));

  // framework.onEvent, wrapped in safeHandler
  if (cfnRequest.RequestType === 'Delete' && cfnRequest.PhysicalResourceId === CREATE_FAILED_PHYSICAL_ID_MARKER) {
    return { response: submitResponse('SUCCESS', cfnRequest) };
  }
  let resourceEvent: FrameworkEvent;
  try {
    cfnRequest.ResourceProperties = cfnRequest.ResourceProperties || {};
    let onEventResult: any;
    for (let retry = 0; ; retry++) {
      try {
        onEventResult = await invoke(functions.onEvent, cfnRequest);
        break;
      } catch (error) {
        if (!(error instanceof LostInvocation)) throw error;
        const delaySeconds = ASYNC_INVOCATION_RETRY_DELAYS_SECONDS[retry];
        if (delaySeconds === undefined) return { noResponse: true };
        await sleep(delaySeconds * 1000 * options.timeScale);
        frameworkMs += delaySeconds * 1000;
        if (pastDeadline()) return { noResponse: true };
      }
    }
    if (pastDeadline()) return { noResponse: true };
    resourceEvent = createResponseEvent(cfnRequest, onEventResult);
    if (!functions.isComplete) {
      return { response: submitResponse('SUCCESS', resourceEvent, { noEcho: resourceEvent.NoEcho }) };
    }
  } catch (error) {
    if (pastDeadline()) return { noResponse: true };
    if (!cfnRequest.PhysicalResourceId && cfnRequest.RequestType === 'Create') {
      cfnRequest.PhysicalResourceId = CREATE_FAILED_PHYSICAL_ID_MARKER;
    }
    return { response: submitResponse('FAILED', cfnRequest, { reason: reasonOf(error) }) };
  }

  // The waiter state machine: framework.isComplete at once, then every IntervalSeconds, MaxAttempts retries.
  const intervalMs = functions.queryIntervalSeconds * 1000;
  for (let attempt = 0; attempt <= functions.maxAttempts; attempt++) {
    if (attempt > 0) {
      options.onPoll?.(attempt, functions.maxAttempts);
      await sleep(intervalMs * options.timeScale);
      frameworkMs += intervalMs;
    }
    if (pastDeadline()) return { noResponse: true };
    // framework.isComplete, wrapped in safeHandler (which turns every error but Retry into FAILED)
    try {
      const isCompleteResult = await invoke(functions.isComplete!, resourceEvent);
      if (pastDeadline()) return { noResponse: true };
      if (!isCompleteResult.IsComplete) {
        if (isCompleteResult.Data && Object.keys(isCompleteResult.Data).length > 0) {
          throw new Error('"Data" is not allowed if "IsComplete" is "False"');
        }
        continue;
      }
      const response = { ...resourceEvent, ...isCompleteResult, Data: { ...resourceEvent.Data, ...isCompleteResult.Data } };
      return { response: submitResponse('SUCCESS', response, { noEcho: resourceEvent.NoEcho }) };
    } catch (error) {
      return { response: submitResponse('FAILED', resourceEvent, { reason: reasonOf(error) }) };
    }
  }
  // framework.onTimeout
  return { response: submitResponse('FAILED', resourceEvent, { reason: 'Operation timed out' }) };
}

/** An invocation whose environment died: no answer came back (see the runner's `crashAfterCreate`). */
class LostInvocation extends Error {}

/** The framework's invokeUserFunction and parseJsonPayload (framework.js): an empty payload is {}. */
async function invokeUserFunction(options: FrameworkOptions, spec: LambdaFunctionSpec, event: FrameworkEvent): Promise<any> {
  const outcome = readInvocation(await options.invoke(spec, JSON.parse(JSON.stringify(event))));
  switch (outcome.kind) {
    case 'crashed':
      throw new LostInvocation(`${spec.functionName} died without answering`);
    case 'malformed':
      throw new Error(`return values from user-handlers must be JSON objects. got: "${outcome.payload}"`);
    case 'failed': {
      const functionName = spec.functionArn.split(':').pop();
      const message = [outcome.error.errorMessage || 'error', '', `Logs: /aws/lambda/${functionName}`, ''].join('\n');
      const error = new Error(message);
      error.stack = outcome.error.trace ? [message, ...outcome.error.trace.slice(1)].join('\n') : message;
      throw error;
    }
    case 'returned':
      return outcome.value === undefined ? {} : outcome.value;
  }
}

function createResponseEvent(cfnRequest: FrameworkEvent, onEventResult: any): FrameworkEvent {
  onEventResult = onEventResult || {};
  const physicalResourceId = onEventResult.PhysicalResourceId || defaultPhysicalResourceId(cfnRequest);
  if (cfnRequest.RequestType === 'Delete' && physicalResourceId !== cfnRequest.PhysicalResourceId) {
    throw new Error(`DELETE: cannot change the physical resource ID from "${cfnRequest.PhysicalResourceId}" to "${onEventResult.PhysicalResourceId}" during deletion`);
  }
  return { ...cfnRequest, ...onEventResult, PhysicalResourceId: physicalResourceId };
}

function defaultPhysicalResourceId(request: FrameworkEvent): string {
  switch (request.RequestType) {
    case 'Create':
      return request.RequestId;
    case 'Update':
    case 'Delete':
      return request.PhysicalResourceId;
    default:
      throw new Error(`Invalid "RequestType" in request "${JSON.stringify(request)}"`);
  }
}

function submitResponse(status: 'SUCCESS' | 'FAILED', event: FrameworkEvent, options: { readonly reason?: string; readonly noEcho?: boolean } = {}): CloudFormationResponse {
  return {
    Status: status,
    Reason: options.reason || status,
    StackId: event.StackId,
    RequestId: event.RequestId,
    PhysicalResourceId: event.PhysicalResourceId || MISSING_PHYSICAL_ID_MARKER,
    LogicalResourceId: event.LogicalResourceId,
    NoEcho: options.noEcho,
    Data: event.Data,
  };
}

/** The framework reports `e.stack` (includeStackTraces); for its own errors the message is what matters. */
function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    return error.stack?.startsWith(error.message) ? error.stack : error.message;
  }
  return String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
