// The onEvent function of the library's custom resource provider.
import { RESOURCE_HANDLERS } from './resource-handlers';
import { dispatchOnEvent } from '../framework/dispatch';
import type { CustomResourceEvent, OnEventResponse } from '../framework/events';
import { InvocationContext, runtimeFor } from '../framework/runtime';

export function handler(event: CustomResourceEvent, context?: InvocationContext): Promise<OnEventResponse> {
  return dispatchOnEvent(event, RESOURCE_HANDLERS, runtimeFor(event, 'onEvent', context));
}
