/**
 * How the library's custom resource provider answers CloudFormation, shared
 * by the construct that builds it and the handlers that run it (constants
 * and types only).
 *
 * CloudFormation invokes the onEvent function (every custom resource's
 * ServiceToken) asynchronously with a request whose ResponseURL takes the
 * answer ("CloudFormation invokes your Lambda function asynchronously with an
 * event that includes a callback URL",
 * https://docs.aws.amazon.com/lambda/latest/dg/services-cloudformation.html).
 * onEvent starts the operation, then hands the request to an execution of
 * the stack's poller state machine, which asks the isComplete function every
 * COMPLETION_INTERVAL_SECONDS until the operation is done; isComplete then
 * PUTs the answer. An operation that fails at once is answered by onEvent.
 */

/** `Kind` of a completion execution's input, which the isComplete function recognizes. */
export const COMPLETION_EVENT_KIND = 'CleanRoomsMlCompletion';

/** Seconds between two isComplete checks of one operation. */
export const COMPLETION_INTERVAL_SECONDS = 30;

/**
 * How long after onEvent's answer the provider gives up on an operation and
 * answers FAILED itself: a little under CloudFormation's hour (a custom
 * resource's ServiceTimeout is at most 3,600 s), so its own failure arrives
 * first. Each resource's own, shorter `timeout` is enforced by its handler.
 */
export const COMPLETION_DEADLINE_SECONDS = 3540;

/**
 * The physical id of a resource whose Create failed before it had one. The
 * rollback's Delete of it is answered SUCCESS without calling the handler:
 * nothing was created.
 */
export const CREATE_FAILED_PHYSICAL_ID = 'CleanRoomsML::CREATE_FAILED';

/**
 * The isComplete function's environment variable holding the logical id of
 * the stack's poller state machine. The function cannot hold the machine's
 * ARN (the machine's definition names the function), so, answering a request
 * whose onEvent invocations all failed, it asks CloudFormation for it
 * (DescribeStackResource) to see whether the request's completion execution exists.
 */
export const POLLER_LOGICAL_ID_ENV = 'CLEANROOMS_ML_POLLER_LOGICAL_ID';

/**
 * A completion execution's state: its input, and what each check returns
 * for the next one (the poller loops: check → Done? → wait WaitSeconds → check).
 */
export interface CompletionState {
  readonly Kind: typeof COMPLETION_EVENT_KIND;
  /**
   * The CloudFormation request with onEvent's answer merged in
   * (PhysicalResourceId, Data, Operation). Its ResponseURL is a secret: never
   * logged.
   */
  readonly Request: Record<string, unknown>;
  /** When the provider answers "timed out" (epoch milliseconds by the handlers' clock). */
  readonly DeadlineMs: number;
  /** Whether the answer has been sent (the loop ends). */
  readonly Done?: boolean;
  /** Seconds to wait before the next check. */
  readonly WaitSeconds?: number;
}
