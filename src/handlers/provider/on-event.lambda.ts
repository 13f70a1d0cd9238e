// The onEvent function of the library's custom resource provider.
import { RESOURCE_HANDLERS } from './resource-handlers';
import { dispatchOnEvent } from '../framework/dispatch';
import type { CustomResourceEvent, OnEventResponse } from '../framework/events';

export function handler(event: CustomResourceEvent): Promise<OnEventResponse> {
  return dispatchOnEvent(event, RESOURCE_HANDLERS);
}
