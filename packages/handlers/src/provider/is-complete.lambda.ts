// The isComplete function of the library's custom resource provider: the
// task of the stack's poller state machine, which invokes it with either an
// operation to check and answer (Kind COMPLETION_EVENT_KIND,
// ../framework/relay.ts) or a long wait's check (Kind POLLER_EVENT_KIND);
// and the onEvent function's on-failure destination, which Lambda invokes
// with the record of a request whose onEvent invocations all failed
// (../framework/failed-invocation.ts).
import { COMPLETION_EVENT_KIND, CompletionState, POLLER_LOGICAL_ID_ENV } from 'cdk-cleanrooms-ml/lib/contracts/provider';
import { POLLER_EVENT_KIND, PollerState } from 'cdk-cleanrooms-ml/lib/contracts/wait';
import { RESOURCE_HANDLERS } from './resource-handlers';
import { sendResponse } from '../framework/cloudformation-response';
import { dispatchIsComplete, findCreatedResource } from '../framework/dispatch';
import type { IsCompleteEvent } from '../framework/events';
import { answerFailedInvocation, FailedInvocationRecord, isFailedInvocationRecord } from '../framework/failed-invocation';
import { Logger } from '../framework/logger';
import { pollerExecutionsFromEnvironment } from '../framework/poller-executions';
import { checkCompletion } from '../framework/relay';
import { clientFromEnvironment, clockFromEnvironment, InvocationContext, loggerFor, runtimeFor, workTimeLeftMs } from '../framework/runtime';
import { checkAndSignal } from '../wait/poller';
import { stackSignalsFromEnvironment } from '../wait/stack-signals';

export function handler(event: CompletionState, context?: InvocationContext): Promise<CompletionState>;
export function handler(event: PollerState, context?: InvocationContext): Promise<PollerState>;
export function handler(event: FailedInvocationRecord, context?: InvocationContext): Promise<void>;
export function handler(
  event: CompletionState | PollerState | FailedInvocationRecord,
  context?: InvocationContext,
): Promise<CompletionState | PollerState | void> {
  if (isFailedInvocationRecord(event)) {
    return answerFailedRequest(event, context);
  }
  if (event.Kind === POLLER_EVENT_KIND) {
    return checkAndSignal(event, {
      client: clientFromEnvironment(),
      stack: stackSignalsFromEnvironment(),
      log: new Logger({ handler: 'trainingPoller', resourceArn: event.ResourceArn }, []),
      now: clockFromEnvironment(),
    });
  }
  if (event.Kind === COMPLETION_EVENT_KIND) {
    const request = event.Request as unknown as IsCompleteEvent;
    const runtime = runtimeFor(request, 'isComplete', context);
    return checkCompletion(event, (check) => dispatchIsComplete(check, RESOURCE_HANDLERS, runtime), {
      respond: sendResponse,
      now: runtime.now,
      log: runtime.log,
    });
  }
  return Promise.reject(new Error(`isComplete: unknown event kind ${JSON.stringify((event as { Kind?: unknown }).Kind)}`));
}

/**
 * The record of a request onEvent never completed. The poller's ARN cannot be
 * in this function's environment (the poller's definition names the
 * function), so its logical id is, and CloudFormation gives the ARN. A
 * Create's handler looks for what an attempt made with a client that retries
 * within this invocation, and the lookup stops in time to answer.
 */
function answerFailedRequest(record: FailedInvocationRecord, context: InvocationContext | undefined): Promise<void> {
  const request = record.requestPayload;
  const stack = stackSignalsFromEnvironment();
  const executions = pollerExecutionsFromEnvironment(process.env, () => {
    const logicalId = process.env[POLLER_LOGICAL_ID_ENV];
    return logicalId ? stack.physicalResourceId(request.StackId, logicalId) : Promise.reject(new Error(`the function has no ${POLLER_LOGICAL_ID_ENV}`));
  });
  return answerFailedInvocation(record, executions, {
    respond: sendResponse,
    now: clockFromEnvironment(),
    log: loggerFor(request, 'isComplete'),
    // The clients are made only for a lookup, so that one that cannot be made is a failed lookup, and the request is answered.
    findCreatedResource: async (created) => findCreatedResource(created, RESOURCE_HANDLERS, runtimeFor(created, 'isComplete', context, true)),
    lookupTimeMs: workTimeLeftMs(context),
  });
}
