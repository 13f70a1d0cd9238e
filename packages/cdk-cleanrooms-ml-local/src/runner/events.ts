/**
 * What a deployment reports while it runs: CloudFormation-style stack events
 * (the stack itself is a resource of type AWS::CloudFormation::Stack, as in
 * DescribeStackEvents) and progress notes during long waits.
 */

export type ResourceStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_COMPLETE'
  | 'CREATE_FAILED'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_COMPLETE'
  | 'UPDATE_FAILED'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_COMPLETE'
  | 'DELETE_FAILED'
  | 'DELETE_SKIPPED';

export type StackStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_COMPLETE'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_COMPLETE'
  | 'ROLLBACK_FAILED'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'UPDATE_COMPLETE'
  | 'UPDATE_ROLLBACK_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_COMPLETE'
  | 'UPDATE_ROLLBACK_FAILED'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_COMPLETE'
  | 'DELETE_FAILED';

export const STACK_RESOURCE_TYPE = 'AWS::CloudFormation::Stack';

/** One stack event, as DescribeStackEvents would list it. */
export interface StackEvent {
  readonly kind: 'event';
  readonly timestamp: string;
  /** Milliseconds since the operation (deploy or destroy) began. */
  readonly elapsedMs: number;
  readonly stackName: string;
  readonly logicalResourceId: string;
  readonly resourceType: string;
  readonly resourceStatus: ResourceStatus | StackStatus;
  readonly physicalResourceId?: string;
  readonly resourceStatusReason?: string;
}

/** A note that a resource is still being waited for (isComplete polling). */
export interface ProgressEvent {
  readonly kind: 'progress';
  readonly timestamp: string;
  readonly elapsedMs: number;
  readonly stackName: string;
  readonly logicalResourceId: string;
  readonly resourceType: string;
  readonly message: string;
}

export type DeploymentEvent = StackEvent | ProgressEvent;

/** One line of a Lambda function's output while the runner ran it. */
export interface FunctionLogEntry {
  readonly timestamp: string;
  readonly functionName: string;
  readonly requestId: string;
  readonly level: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG' | 'TRACE';
  readonly message: string;
}

/**
 * `12:00:01 | 1.2s | CREATE_IN_PROGRESS | Custom::CleanRoomsMLAudienceModel | Model`,
 * plus ` | <reason>` (its first line) when there is one.
 */
export function formatEvent(event: DeploymentEvent): string {
  const clock = new Date(event.timestamp).toTimeString().slice(0, 8);
  const elapsed = formatDuration(event.elapsedMs);
  if (event.kind === 'progress') {
    return `${clock} | ${elapsed} | ... | ${event.resourceType} | ${event.logicalResourceId} | ${event.message}`;
  }
  const reason = event.resourceStatusReason ? ` | ${firstLine(event.resourceStatusReason)}` : '';
  return `${clock} | ${elapsed} | ${event.resourceStatus} | ${event.resourceType} | ${event.logicalResourceId}${reason}`;
}

export function formatDuration(milliseconds: number): string {
  return milliseconds < 60_000
    ? `${(milliseconds / 1000).toFixed(1)}s`
    : `${Math.floor(milliseconds / 60_000)}m${Math.round((milliseconds % 60_000) / 1000)}s`;
}

/** The first non-empty line of a reason (the framework appends log group and stack lines). */
export function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? text;
}
