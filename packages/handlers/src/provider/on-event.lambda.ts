// The onEvent function of the library's custom resource provider: every
// custom resource's ServiceToken. CloudFormation invokes it with the request;
// it starts the operation and hands it to the stack's poller, or answers a
// failure (../framework/relay.ts).
import { RESOURCE_HANDLERS } from './resource-handlers';
import { sendResponse } from '../framework/cloudformation-response';
import { dispatchOnEvent } from '../framework/dispatch';
import type { CustomResourceEvent } from '../framework/events';
import { relayRequest } from '../framework/relay';
import { InvocationContext, runtimeFor } from '../framework/runtime';

export async function handler(event: CustomResourceEvent, context?: InvocationContext): Promise<void> {
  const runtime = runtimeFor(event, 'onEvent', context);
  await relayRequest(event, (request) => dispatchOnEvent(request, RESOURCE_HANDLERS, runtime), runtime.executions, {
    respond: sendResponse,
    now: runtime.now,
    log: runtime.log,
  });
}
