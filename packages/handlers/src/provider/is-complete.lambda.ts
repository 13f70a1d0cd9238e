// The isComplete function of the library's custom resource provider.
import { RESOURCE_HANDLERS } from './resource-handlers';
import { dispatchIsComplete } from '../framework/dispatch';
import type { IsCompleteEvent, IsCompleteResponse } from '../framework/events';
import { InvocationContext, runtimeFor } from '../framework/runtime';

export function handler(event: IsCompleteEvent, context?: InvocationContext): Promise<IsCompleteResponse> {
  return dispatchIsComplete(event, RESOURCE_HANDLERS, runtimeFor(event, 'isComplete', context));
}
