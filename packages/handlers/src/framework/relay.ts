/**
 * The provider's side of the custom resource contract (see
 * cdk-cleanrooms-ml/lib/contracts/provider.ts): what happens between
 * CloudFormation's request and its answer, around the handlers' onEvent and
 * isComplete.
 *
 * - relayRequest (the onEvent function, which CloudFormation invokes): runs
 *   onEvent; a failure is answered FAILED at once; otherwise the request,
 *   with onEvent's answer, goes to a completion execution of the stack's
 *   poller.
 * - checkCompletion (the isComplete function, the poller's Task): runs
 *   isComplete; answers SUCCESS once it is complete, FAILED when it fails or
 *   when the provider's deadline passes; otherwise asks to be called again.
 * - a request whose onEvent invocations all failed is answered by the
 *   isComplete function too, as onEvent's on-failure destination
 *   (./failed-invocation.ts, with the helpers exported here).
 *
 * A Create that fails before the resource has an id is answered with
 * CREATE_FAILED_PHYSICAL_ID, and the rollback's Delete of that id is
 * answered SUCCESS without running the handler: nothing was created. Every
 * other failure keeps the resource's id, so the rollback deletes what exists.
 */
import {
  COMPLETION_DEADLINE_SECONDS,
  COMPLETION_EVENT_KIND,
  COMPLETION_INTERVAL_SECONDS,
  CompletionState,
  CREATE_FAILED_PHYSICAL_ID,
} from 'cdk-cleanrooms-ml/lib/contracts/provider';
import { MAX_RESPONSE_BYTES, ResponseRefused, ResponseSender, responseTo } from './cloudformation-response';
import { failureReason, ResourceFailure } from './errors';
import type { CustomResourceEvent, IsCompleteEvent, IsCompleteResponse, OnEventResponse } from './events';
import type { Logger } from './logger';

/** Starts completion executions of the stack's poller. */
export interface CompletionExecutions {
  /** The same name while that execution runs (a request Lambda delivered again) is not an error. */
  start(name: string, input: CompletionState): Promise<void>;
  /** Whether an execution of that name exists (started by an earlier delivery of the same request). */
  exists(name: string): Promise<boolean>;
}

/**
 * The id aws-cdk-lib's Provider framework gave a resource whose Create failed
 * before it had one, in stacks deployed by releases built on it: a rollback
 * or a delete that an upgrade resumes may still send a Delete of it.
 */
const FRAMEWORK_CREATE_FAILED_PHYSICAL_ID = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

export interface RelayDependencies {
  readonly respond: ResponseSender;
  readonly now: () => number;
  readonly log: Logger;
}

/** onEvent's side: runs `onEvent` and answers a failure, or hands the operation to a completion execution. */
export async function relayRequest(
  request: CustomResourceEvent,
  onEvent: (request: CustomResourceEvent) => Promise<OnEventResponse>,
  executions: CompletionExecutions,
  deps: RelayDependencies,
): Promise<void> {
  // Lambda may deliver an asynchronous event more than once
  // (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html): a request whose execution exists is
  // being answered by it, and running onEvent again could answer it differently.
  if (await answeredOrLeftToItsExecution(request, executions, deps, 'The request is already being completed: a repeated delivery')) return;
  const name = completionExecutionName(request);
  let started: OnEventResponse;
  try {
    started = await onEvent(request);
  } catch (err) {
    // dispatchOnEvent has logged it and made the reason.
    await answer(request, deps, { Status: 'FAILED', Reason: reasonOf(request, err, deps), PhysicalResourceId: failedRequestPhysicalId(request) });
    return;
  }
  const state: CompletionState = {
    Kind: COMPLETION_EVENT_KIND,
    Request: { ...request, ...started },
    DeadlineMs: deps.now() + COMPLETION_DEADLINE_SECONDS * 1000,
  };
  try {
    await executions.start(name, state);
  } catch (err) {
    // Nothing would answer: fail now, with the resource's id, so a rollback deletes what onEvent made.
    const reason = reasonOf(request, new ResourceFailure(`the operation started, but checking it could not (${causeOf(err)})`), deps);
    deps.log.error('Could not start the completion execution', { reason });
    await answer(request, deps, { Status: 'FAILED', Reason: reason, PhysicalResourceId: started.PhysicalResourceId });
  }
}

/** isComplete's side: one check of the operation, answered once it is over. */
export async function checkCompletion(
  state: CompletionState,
  isComplete: (event: IsCompleteEvent) => Promise<IsCompleteResponse>,
  deps: RelayDependencies,
): Promise<CompletionState> {
  const request = state.Request as unknown as IsCompleteEvent;
  const physicalResourceId = String(request.PhysicalResourceId);
  if (deps.now() > state.DeadlineMs) {
    const minutes = Math.round(COMPLETION_DEADLINE_SECONDS / 60);
    const reason = reasonOf(request, new ResourceFailure(`the operation did not complete within ${minutes} minutes`), deps);
    await answer(request, deps, { Status: 'FAILED', Reason: reason, PhysicalResourceId: physicalResourceId });
    return done(state);
  }
  let result: IsCompleteResponse;
  try {
    result = await isComplete(request);
  } catch (err) {
    await answer(request, deps, { Status: 'FAILED', Reason: reasonOf(request, err, deps), PhysicalResourceId: physicalResourceId });
    return done(state);
  }
  if (!result.IsComplete) {
    return { ...state, Done: false, WaitSeconds: COMPLETION_INTERVAL_SECONDS };
  }
  await answer(request, deps, { Status: 'SUCCESS', PhysicalResourceId: physicalResourceId, Data: { ...request.Data, ...result.Data } });
  return done(state);
}

/**
 * What onEvent and its on-failure destination both settle before running
 * anything: a Delete of a resource whose Create failed is answered here
 * (answeredDeleteOfFailedCreate), and a request whose completion execution
 * exists is left to it (logged as `leftToExecution`). If the existence check
 * itself fails, the request is handled as if none existed: answering is the
 * better risk than CloudFormation's hour. Whether the request needs nothing more.
 */
export async function answeredOrLeftToItsExecution(
  request: CustomResourceEvent,
  executions: Pick<CompletionExecutions, 'exists'>,
  deps: RelayDependencies,
  leftToExecution: string,
  details: Record<string, unknown> = {},
): Promise<boolean> {
  if (await answeredDeleteOfFailedCreate(request, deps)) return true;
  if (!(await executions.exists(completionExecutionName(request)).catch(() => false))) return false;
  deps.log.info(leftToExecution, details);
  return true;
}

/**
 * A Delete of a resource whose Create failed (the library's CREATE_FAILED id,
 * or the Provider framework's) is answered SUCCESS without the handler:
 * nothing was created. Whether it was one (and is answered).
 */
async function answeredDeleteOfFailedCreate(request: CustomResourceEvent, deps: RelayDependencies): Promise<boolean> {
  const failedCreate = [CREATE_FAILED_PHYSICAL_ID, FRAMEWORK_CREATE_FAILED_PHYSICAL_ID].find((id) => id === request.PhysicalResourceId);
  if (request.RequestType !== 'Delete' || !failedCreate) return false;
  deps.log.info('Delete of a resource whose Create failed: nothing to delete');
  await answer(request, deps, { Status: 'SUCCESS', PhysicalResourceId: failedCreate });
  return true;
}

/** The id of a FAILED answer to a request that did not get as far as onEvent's answer: the resource's, or CREATE_FAILED for a Create. */
export function failedRequestPhysicalId(request: CustomResourceEvent): string {
  return request.PhysicalResourceId ?? CREATE_FAILED_PHYSICAL_ID;
}

/**
 * The completion execution of one request: named after its resource and
 * RequestId (letters, digits, - and _, at most 80 characters), so a request
 * Lambda delivers again finds the execution it started.
 */
export function completionExecutionName(request: Pick<CustomResourceEvent, 'LogicalResourceId' | 'RequestId'>): string {
  const clean = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '-');
  return `${clean(request.LogicalResourceId).slice(0, 40)}-${clean(request.RequestId).slice(0, 39)}`;
}

/** The final state: the answer is sent, the loop ends; the request (and its ResponseURL) is not carried into the output. */
function done(state: CompletionState): CompletionState {
  return { Kind: state.Kind, Request: {}, DeadlineMs: state.DeadlineMs, Done: true };
}

/**
 * Sends the answer. One that would pass CloudFormation's 4,096 bytes becomes
 * a FAILED answer saying so; one the response URL refuses (4xx) is logged and
 * not retried (no retry can change it); other failures are errors, so Lambda
 * or the state machine tries again.
 */
export async function answer(
  request: CustomResourceEvent,
  deps: RelayDependencies,
  response: Parameters<typeof responseTo>[1],
): Promise<void> {
  let full = responseTo(request, response);
  const bytes = Buffer.byteLength(JSON.stringify(full), 'utf8');
  if (bytes > MAX_RESPONSE_BYTES) {
    const reason = reasonOf(request, new ResourceFailure(`the answer would be ${bytes} bytes, over CloudFormation's ${MAX_RESPONSE_BYTES}`), deps);
    full = responseTo(request, { Status: 'FAILED', Reason: reason, PhysicalResourceId: response.PhysicalResourceId });
  }
  try {
    await deps.respond(request.ResponseURL, full);
  } catch (err) {
    if (!(err instanceof ResponseRefused)) throw err;
    deps.log.error('CloudFormation\'s response URL refused the answer', { status: full.Status, statusCode: err.statusCode });
    return;
  }
  deps.log.info(`Answered ${full.Status}`, full.Status === 'FAILED' ? { reason: full.Reason } : {});
}

/** The reason of an error dispatch made (already one sentence naming the resource), or one made here, secrets scrubbed. */
export function reasonOf(request: CustomResourceEvent, err: unknown, deps: Pick<RelayDependencies, 'log'>): string {
  const scrub = (text: string) => deps.log.scrub(text);
  if (err instanceof ResourceFailure) return failureReason(request, err, scrub);
  return err instanceof Error ? scrub(err.message) : failureReason(request, err, scrub);
}

function causeOf(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
