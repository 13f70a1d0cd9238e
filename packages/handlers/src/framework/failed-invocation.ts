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
 */
import { ResourceFailure } from './errors';
import type { CustomResourceEvent } from './events';
import {
  answer,
  answeredDeleteOfFailedCreate,
  CompletionExecutions,
  completionExecutionName,
  failedRequestPhysicalId,
  reasonOf,
  RelayDependencies,
} from './relay';

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

/** Answers the request of a failed invocation, unless its completion execution exists and will. */
export async function answerFailedInvocation(
  record: FailedInvocationRecord,
  executions: Pick<CompletionExecutions, 'exists'>,
  deps: RelayDependencies,
): Promise<void> {
  const request = record.requestPayload;
  if (await answeredDeleteOfFailedCreate(request, deps)) return;
  // As the relay does on a repeated delivery: if the check itself fails, answering is the better risk than an hour's wait.
  if (await executions.exists(completionExecutionName(request)).catch(() => false)) {
    deps.log.info('The request\'s completion execution exists and answers it', { condition: record.requestContext.condition });
    return;
  }
  const reason = reasonOf(request, new ResourceFailure(whatHappened(record)), deps);
  deps.log.error('The provider\'s request function never completed the request', { condition: record.requestContext.condition, reason });
  await answer(request, deps, { Status: 'FAILED', Reason: reason, PhysicalResourceId: failedRequestPhysicalId(request) });
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
