/**
 * The whole dispatcher: a map from custom resource type to handler class,
 * and the two entry points the Provider framework calls. They log the
 * request (identifiers only), run the handler, and turn any error into one
 * sentence naming the resource and the cause. A third asks the handler for
 * what an unanswered Create made (../framework/failed-invocation.ts).
 */
import { errorForCloudFormation, failureReason, describeCause, ResourceFailure } from './errors';
import type { CustomResourceEvent, IsCompleteEvent, IsCompleteResponse, OnEventResponse } from './events';
import type { CustomResourceHandler, HandlerRuntime, ResourceHandlerClass } from './resource-handler';
import { runtimeFor } from './runtime';

/** Custom resource type (`Custom::…`) → the class that handles it. */
export type ResourceHandlerMap = Readonly<Record<string, ResourceHandlerClass>>;

/** onEvent: starts a Create, Update or Delete. */
export async function dispatchOnEvent(
  event: CustomResourceEvent,
  handlers: ResourceHandlerMap,
  runtime: HandlerRuntime = runtimeFor(event, 'onEvent'),
): Promise<OnEventResponse> {
  runtime.log.info('onEvent started');
  try {
    const response = await handlerFor(event, handlers, runtime).onEvent();
    runtime.log.info('onEvent finished', {
      answeredPhysicalResourceId: response.PhysicalResourceId,
      replaced: event.RequestType === 'Update' && response.PhysicalResourceId !== event.PhysicalResourceId,
    });
    return response;
  } catch (err) {
    throw fail(event, err, runtime, 'onEvent');
  }
}

/** isComplete: checks the operation onEvent started. */
export async function dispatchIsComplete(
  event: IsCompleteEvent,
  handlers: ResourceHandlerMap,
  runtime: HandlerRuntime = runtimeFor(event, 'isComplete'),
): Promise<IsCompleteResponse> {
  try {
    const response = await handlerFor(event, handlers, runtime).isComplete();
    if (response.IsComplete) {
      runtime.log.info('isComplete finished', { attributes: Object.keys(response.Data ?? {}) });
    }
    return response;
  } catch (err) {
    throw fail(event, err, runtime, 'isComplete');
  }
}

/**
 * The resource an attempt of a Create made, for a Create no attempt
 * answered (see `ResourceHandler.findCreatedResource`): its physical id, or
 * `undefined`. A failed lookup is thrown as it is: the caller decides what
 * it means.
 */
export async function findCreatedResource(
  event: CustomResourceEvent,
  handlers: ResourceHandlerMap,
  runtime: HandlerRuntime = runtimeFor(event, 'isComplete'),
): Promise<string | undefined> {
  return handlerFor(event, handlers, runtime).findCreatedResource();
}

function handlerFor(event: CustomResourceEvent, handlers: ResourceHandlerMap, runtime: HandlerRuntime): CustomResourceHandler {
  const Handler = Object.prototype.hasOwnProperty.call(handlers, event.ResourceType) ? handlers[event.ResourceType] : undefined;
  if (!Handler) {
    throw new ResourceFailure(`this provider does not handle the resource type ${JSON.stringify(event.ResourceType)} (it handles ${Object.keys(handlers).join(', ')})`);
  }
  return new Handler(runtime, event);
}

/** Logs the failure with its stack, and returns the error for the framework: the reason and nothing else. */
function fail(event: CustomResourceEvent, err: unknown, runtime: HandlerRuntime, handler: string): Error {
  const reason = failureReason(event, err, (text) => runtime.log.scrub(text));
  runtime.log.error(`${handler} failed`, {
    reason,
    cause: describeCause(err),
    stack: err instanceof Error ? err.stack : undefined,
  });
  return errorForCloudFormation(reason);
}
