/**
 * A request whose onEvent invocations all failed: Lambda runs a failed
 * asynchronous invocation twice more
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html),
 * then sends a record of it to the function's on-failure destination, the
 * isComplete function
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 * Without an answer from here, CloudFormation would wait for its
 * ServiceTimeout (an hour) and then fail the resource saying it "did not
 * receive a response".
 *
 * The answer is the relay's own for a request that failed before onEvent
 * answered (./relay.ts): FAILED, under the resource's id, or the library's
 * CREATE_FAILED id for a Create, so a rollback deletes what exists and
 * nothing else; a Delete of a CREATE_FAILED id is answered SUCCESS. A
 * request whose completion execution exists is left to that execution: an
 * attempt started it before its environment died, and it answers.
 *
 * A Create's first attempt may have made the resource before its
 * environment died (the later attempts then adopt it, and die too). Its id
 * never reached CloudFormation, so before answering, the request's handler
 * looks for it the way a replayed Create adopts it: by the name the request
 * gives it and this request's creation token
 * (ResourceHandler.findCreatedResource). Found, the FAILED answer carries its
 * ARN, as the relay's does when it cannot start a completion execution, so
 * the rollback's Delete names it and the ordinary Delete removes it
 * (and with it whatever holds on to what it uses: a configured model left
 * behind keeps its audience model from being deleted). That CloudFormation
 * sends a Delete, with the PhysicalResourceId of the FAILED response, for a
 * custom resource whose Create failed is what aws-cdk's Provider framework
 * is built on ("When a CREATE operation fails, CloudFormation will
 * automatically issue a DELETE operation with the PhysicalResourceId
 * submitted by the FAILED response",
 * https://github.com/aws/aws-cdk/pull/5525); AWS's CloudFormation
 * documentation does not say it in so many words: it asks that the
 * PhysicalResourceId "must be identical for all responses for the same
 * resource" (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html).
 * Not found, made by another request, of a type whose Delete removes
 * nothing, or when the lookup fails or runs out of the function's time:
 * the CREATE_FAILED id as before, and the reason says which.
 */
import { describeCause, ResourceFailure } from './errors';
import type { CustomResourceEvent } from './events';
import { answer, answeredOrLeftToItsExecution, CompletionExecutions, failedRequestPhysicalId, reasonOf, RelayDependencies } from './relay';

/**
 * The record Lambda sends an on-failure destination
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html):
 * the fields the provider reads.
 */
export interface FailedInvocationRecord {
  readonly version?: string;
  readonly timestamp?: string;
  readonly requestContext: {
    readonly requestId?: string;
    readonly functionArn?: string;
    /** Every attempt failed, or the event waited in Lambda's queue past its maximum age. */
    readonly condition: 'RetriesExhausted' | 'EventAgeExceeded';
    readonly approximateInvokeCount?: number;
  };
  /** The event the function was invoked with: CloudFormation's request. */
  readonly requestPayload: CustomResourceEvent;
  readonly responseContext?: { readonly statusCode?: number; readonly executedVersion?: string; readonly functionError?: string };
  /**
   * The last attempt's error, as the runtime reports it. After a crash only an
   * errorMessage ("Process exited before completing request", in AWS's
   * example); absent when there is no response at all.
   */
  readonly responsePayload?: { readonly errorType?: string; readonly errorMessage?: string } | null;
}

const CONDITIONS: ReadonlySet<string> = new Set(['RetriesExhausted', 'EventAgeExceeded']);

/** Whether `event` is an on-failure record of a CloudFormation request (anything else is not answered here). */
export function isFailedInvocationRecord(event: unknown): event is FailedInvocationRecord {
  const record = event as Partial<FailedInvocationRecord> | null | undefined;
  const request = record?.requestPayload as Partial<CustomResourceEvent> | undefined;
  return typeof record === 'object' && record !== null
    && typeof record.requestContext === 'object' && record.requestContext !== null
    && CONDITIONS.has(String(record.requestContext.condition))
    && typeof request === 'object' && request !== null
    && typeof request.RequestType === 'string'
    && typeof request.ResponseURL === 'string'
    && typeof request.RequestId === 'string'
    && typeof request.LogicalResourceId === 'string'
    && typeof request.StackId === 'string';
}

/** What answering a failed invocation needs besides the relay's dependencies. */
export interface FailedInvocationDependencies extends RelayDependencies {
  /**
   * The physical id of the resource an attempt of a Create made, if any
   * (the request's handler's `findCreatedResource`); called for a Create only.
   * @default nothing is looked for
   */
  readonly findCreatedResource?: (request: CustomResourceEvent) => Promise<string | undefined>;
  /**
   * Real milliseconds the lookup may take: past them, the answer goes out
   * without it, within the function's Lambda time.
   * @default no limit
   */
  readonly lookupTimeMs?: number;
}

/** Answers the request of a failed invocation, unless its completion execution exists and will. */
export async function answerFailedInvocation(
  record: FailedInvocationRecord,
  executions: Pick<CompletionExecutions, 'exists'>,
  deps: FailedInvocationDependencies,
): Promise<void> {
  const request = record.requestPayload;
  const { condition } = record.requestContext;
  if (await answeredOrLeftToItsExecution(request, executions, deps, 'The request\'s completion execution exists and answers it', { condition })) return;
  const created = request.RequestType === 'Create' ? await lookForCreated(request, deps) : undefined;
  const cause = created === undefined ? whatHappened(record) : `${whatHappened(record)}; ${created.outcome}`;
  const reason = reasonOf(request, new ResourceFailure(cause), deps);
  deps.log.error('The provider\'s request function never completed the request', { condition, reason });
  await answer(request, deps, { Status: 'FAILED', Reason: reason, PhysicalResourceId: created?.physicalResourceId ?? failedRequestPhysicalId(request) });
}

/** What the lookup of a Create's resource found, and how the reason says it. */
interface CreatedLookup {
  readonly physicalResourceId?: string;
  readonly outcome: string;
}

/**
 * Asks the request's handler for the resource an attempt made, within
 * `lookupTimeMs`. Never throws: a lookup that fails or runs out of time
 * answers under the CREATE_FAILED id, as before there was a lookup.
 */
async function lookForCreated(request: CustomResourceEvent, deps: FailedInvocationDependencies): Promise<CreatedLookup | undefined> {
  if (deps.findCreatedResource === undefined) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const outOfTime = new Promise<never>((_, reject) => {
    if (deps.lookupTimeMs !== undefined) {
      timer = setTimeout(() => reject(new Error('the lookup ran out of the function\'s time')), deps.lookupTimeMs);
    }
  });
  try {
    const found = await Promise.race([deps.findCreatedResource(request), outOfTime]);
    if (found === undefined) {
      return { outcome: 'nothing this request created was found for the rollback to delete' };
    }
    deps.log.info('An attempt of the request created the resource; the FAILED answer names it, so the rollback deletes it', { physicalResourceId: found });
    return { physicalResourceId: found, outcome: `an attempt had created ${found}, which the rollback deletes` };
  } catch (err) {
    deps.log.warn('Could not look for the resource an attempt of the request created', { cause: describeCause(err) });
    return { outcome: `whether an attempt created the resource could not be checked (${describeCause(err)}), so the rollback deletes nothing` };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The cause, for the stack's events: what Lambda reports, scrubbed by
 * `reasonOf` like every reason (the error message is the onEvent
 * function's; its own errors carry no seed secrets, and the ResponseURL and
 * credentials are removed again). The stack trace is left out.
 */
function whatHappened(record: FailedInvocationRecord): string {
  const { condition, approximateInvokeCount: count } = record.requestContext;
  const error = record.responsePayload ?? undefined;
  const detail = [error?.errorType, error?.errorMessage].filter((part) => typeof part === 'string' && part !== '').join(': ');
  const cause = detail === '' ? '' : `: ${detail}`;
  if (condition === 'EventAgeExceeded') {
    return `the provider's request function did not run the request before Lambda's maximum event age passed (EventAgeExceeded)${cause}`;
  }
  const attempts = typeof count === 'number' && count > 0 ? `${count} ${count === 1 ? 'time' : 'times'}` : 'on every attempt';
  return `the provider's request function failed ${attempts} (RetriesExhausted)${cause}`;
}
