// The isComplete function of the library's custom resource provider, which
// also runs the training poller's checks (its state machine invokes it with
// a PollerState, Kind POLLER_EVENT_KIND).
import { POLLER_EVENT_KIND, PollerState } from 'cdk-cleanrooms-ml/lib/contracts/wait';
import { RESOURCE_HANDLERS } from './resource-handlers';
import { dispatchIsComplete } from '../framework/dispatch';
import type { IsCompleteEvent, IsCompleteResponse } from '../framework/events';
import { Logger } from '../framework/logger';
import { clientFromEnvironment, clockFromEnvironment, InvocationContext, runtimeFor } from '../framework/runtime';
import { checkAndSignal } from '../wait/poller';
import { stackSignalsFromEnvironment } from '../wait/stack-signals';

export function handler(event: IsCompleteEvent, context?: InvocationContext): Promise<IsCompleteResponse>;
export function handler(event: PollerState, context?: InvocationContext): Promise<PollerState>;
export function handler(event: IsCompleteEvent | PollerState, context?: InvocationContext): Promise<IsCompleteResponse | PollerState> {
  if ((event as PollerState).Kind === POLLER_EVENT_KIND) {
    const state = event as PollerState;
    return checkAndSignal(state, {
      client: clientFromEnvironment(),
      stack: stackSignalsFromEnvironment(),
      log: new Logger({ handler: 'trainingPoller', resourceArn: state.ResourceArn }, []),
      now: clockFromEnvironment(),
    });
  }
  return dispatchIsComplete(event as IsCompleteEvent, RESOURCE_HANDLERS, runtimeFor(event as IsCompleteEvent, 'isComplete', context));
}
