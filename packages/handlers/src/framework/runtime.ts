/**
 * The runtime the Lambda entry points give every handler: a Clean Rooms ML
 * client configured from the environment (kept across invocations of a warm
 * function, for its kept-alive connections), a logger bound to the request,
 * and the clock.
 */
import { HANDLER_TIMEOUT_SECONDS, RETRY_MARGIN_SECONDS } from 'cdk-cleanrooms-ml/lib/contracts/framework';
import { CleanRoomsMlClient } from 'cdk-cleanrooms-ml-local/lib/client/client';
import { LOCAL_TIME_SCALE_ENV } from 'cdk-cleanrooms-ml-local/lib/runner/handler-environment';
import type { CustomResourceEvent } from './events';
import { Logger, secretsOf } from './logger';
import { PollerExecutions, pollerExecutionsFromEnvironment } from './poller-executions';
import type { HandlerRuntime } from './resource-handler';

let cached: { readonly key: string; readonly client: CleanRoomsMlClient } | undefined;

/**
 * A client for the function's region and endpoint (`AWS_ENDPOINT_URL_CLEANROOMSML`
 * points it at the local emulator). `AWS_MAX_ATTEMPTS`, as in the AWS SDKs,
 * bounds the attempts per call.
 */
export function clientFromEnvironment(env: NodeJS.ProcessEnv = process.env): CleanRoomsMlClient {
  const maxAttempts = Number(env.AWS_MAX_ATTEMPTS);
  const options = {
    maxAttempts: Number.isInteger(maxAttempts) && maxAttempts > 0 ? maxAttempts : undefined,
    sleep: retrySleepFromEnvironment(env),
    now: clockFromEnvironment(env),
  };
  // The client reads region and endpoint from the environment; a change of either (tests) needs a new client.
  const key = JSON.stringify([
    env.AWS_REGION, env.AWS_DEFAULT_REGION, env.AWS_ENDPOINT_URL_CLEANROOMSML, env.AWS_ENDPOINT_URL, options.maxAttempts, localTimeScale(env),
  ]);
  if (cached?.key !== key) {
    cached?.client.destroy();
    cached = { key, client: new CleanRoomsMlClient(options) };
  }
  return cached.client;
}

/** The logger for one request: its identifiers on every line, its secrets scrubbed. */
export function loggerFor(event: CustomResourceEvent, handler: 'onEvent' | 'isComplete'): Logger {
  return new Logger(
    {
      handler,
      requestType: event.RequestType,
      resourceType: event.ResourceType,
      logicalResourceId: event.LogicalResourceId,
      physicalResourceId: event.PhysicalResourceId,
      requestId: event.RequestId,
    },
    secretsOf(event.ResponseURL),
  );
}

/**
 * The handlers' clock: `Date.now`, or, under the local deploy runner
 * (LOCAL_TIME_SCALE_ENV), CloudFormation time as the runner scales it, so
 * that deadlines and wait windows end where its scaled waiter expects them.
 * The scaled time is a function of the wall clock alone: onEvent and
 * isComplete, separate bundles, agree on it.
 */
export function clockFromEnvironment(env: NodeJS.ProcessEnv = process.env): () => number {
  const scale = localTimeScale(env);
  return scale === 1 ? Date.now : () => Date.now() / scale;
}

/**
 * A time another service reports (epoch milliseconds by the wall clock, such
 * as CloudFormation's LastUpdatedTimestamp) on the handlers' clock: the same
 * under the local deploy runner, whose services stamp wall-clock times, as
 * the handlers' scaled now (clockFromEnvironment), so the two can be
 * subtracted.
 */
export function serviceTimeFromEnvironment(env: NodeJS.ProcessEnv = process.env): (epochMs: number) => number {
  const scale = localTimeScale(env);
  return scale === 1 ? (epochMs) => epochMs : (epochMs) => epochMs / scale;
}

/**
 * How the API clients wait between attempts: under the local deploy runner,
 * their backoff is CloudFormation time too, scaled like the handlers' clock
 * (a throttled call is retried within the runner's scaled deadlines, not
 * after a second of real time per retry). `undefined` (the clients' own
 * real-time wait) in a deployed function.
 */
export function retrySleepFromEnvironment(env: NodeJS.ProcessEnv = process.env): ((ms: number) => Promise<void>) | undefined {
  const scale = localTimeScale(env);
  if (scale === 1) return undefined;
  return (ms) => new Promise((resolveWait) => setTimeout(resolveWait, ms * scale));
}

/** LOCAL_TIME_SCALE_ENV when it is a positive number, else 1 (real time). */
function localTimeScale(env: NodeJS.ProcessEnv): number {
  const scale = Number(env[LOCAL_TIME_SCALE_ENV]);
  return Number.isFinite(scale) && scale > 0 ? scale : 1;
}

/** What the runtime needs of Lambda's context object. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/**
 * Until when onEvent retries throttling, 5xx and network failures (by the
 * handlers' clock): the invocation's remaining time less
 * RETRY_MARGIN_SECONDS for answering, and at most the function's timeout
 * less that margin (under the local runner the remaining time is real time,
 * many times longer by the handlers' scaled clock). isComplete needs no such
 * budget: it answers "not yet" and is asked again.
 */
export function onEventRetryDeadline(now: number, context: InvocationContext | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const margin = RETRY_MARGIN_SECONDS * 1000;
  const budget = HANDLER_TIMEOUT_SECONDS * 1000 - margin;
  const remaining = context ? context.getRemainingTimeInMillis() / localTimeScale(env) - margin : budget;
  return now + Math.max(0, Math.min(budget, remaining));
}

/**
 * How long, in real milliseconds, an invocation may still work before it
 * must answer: its remaining Lambda time less RETRY_MARGIN_SECONDS for the
 * answer (the margin by the handlers' clock, so scaled under the local
 * runner, whose Lambda time is real time); without a context, the
 * function's timeout less the margin.
 */
export function workTimeLeftMs(context: InvocationContext | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const scale = localTimeScale(env);
  const remaining = context ? context.getRemainingTimeInMillis() : HANDLER_TIMEOUT_SECONDS * 1000 * scale;
  return Math.max(0, remaining - RETRY_MARGIN_SECONDS * 1000 * scale);
}

/**
 * A client retrying until onEvent's retry deadline; under the local runner,
 * for the same budget counted in waits (the runner's scaled clock would
 * charge each local request's real latency thousands of times over).
 */
function onEventClient(
  client: CleanRoomsMlClient,
  now: () => number,
  context: InvocationContext | undefined,
  env: NodeJS.ProcessEnv = process.env,
): CleanRoomsMlClient {
  const start = now();
  const deadline = onEventRetryDeadline(start, context, env);
  return localTimeScale(env) === 1 ? client.retryingUntil(deadline) : client.retryingWithin(deadline - start);
}

/**
 * The runtime of one invocation. onEvent's client retries transient
 * failures within its Lambda time (onEventRetryDeadline); isComplete's makes
 * the configured attempts and answers "not yet" after them, unless
 * `retryWithinInvocation` (isComplete answering a request itself, as
 * onEvent's on-failure destination, which is asked only once).
 */
export function runtimeFor(
  event: CustomResourceEvent,
  handler: 'onEvent' | 'isComplete',
  context?: InvocationContext,
  retryWithinInvocation: boolean = handler === 'onEvent',
): HandlerRuntime & { readonly executions: PollerExecutions } {
  const now = clockFromEnvironment();
  const client = clientFromEnvironment();
  return {
    client: retryWithinInvocation ? onEventClient(client, now, context) : client,
    log: loggerFor(event, handler),
    now,
    sleep: retrySleepFromEnvironment(),
    executions: pollerExecutionsFromEnvironment(),
  };
}
