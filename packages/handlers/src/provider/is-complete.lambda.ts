// The isComplete function of the library's custom resource provider: the
// task of the stack's poller state machine, which invokes it with either an
// operation to check and answer (Kind COMPLETION_EVENT_KIND,
// ../framework/relay.ts) or a long wait's check (Kind POLLER_EVENT_KIND).
import { COMPLETION_EVENT_KIND, CompletionState } from 'cdk-cleanrooms-ml/lib/contracts/provider';
import { POLLER_EVENT_KIND, PollerState } from 'cdk-cleanrooms-ml/lib/contracts/wait';
import { RESOURCE_HANDLERS } from './resource-handlers';
import { sendResponse } from '../framework/cloudformation-response';
import { dispatchIsComplete } from '../framework/dispatch';
import type { IsCompleteEvent } from '../framework/events';
import { Logger } from '../framework/logger';
import { checkCompletion } from '../framework/relay';
import { clientFromEnvironment, clockFromEnvironment, InvocationContext, runtimeFor } from '../framework/runtime';
import { checkAndSignal } from '../wait/poller';
import { stackSignalsFromEnvironment } from '../wait/stack-signals';

export function handler(event: CompletionState, context?: InvocationContext): Promise<CompletionState>;
export function handler(event: PollerState, context?: InvocationContext): Promise<PollerState>;
export function handler(event: CompletionState | PollerState, context?: InvocationContext): Promise<CompletionState | PollerState> {
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
