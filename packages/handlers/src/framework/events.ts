/**
 * The requests the aws-cdk-lib Provider framework hands to the onEvent and
 * isComplete functions, and what they answer. (Written out here rather than
 * taken from @types/aws-lambda: the runtime needs only these fields.)
 */
import type { AttributeData } from 'cdk-cleanrooms-ml/lib/contracts/framework';

export type RequestType = 'Create' | 'Update' | 'Delete';

/** A CloudFormation custom resource request, as the framework forwards it. */
export interface CustomResourceEvent {
  readonly RequestType: RequestType;
  /** A pre-signed S3 URL: a secret. Never logged, never part of an error. */
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly ResourceType: string;
  readonly LogicalResourceId: string;
  /** Absent on Create. */
  readonly PhysicalResourceId?: string;
  /** Every leaf value a string, whatever the template said (numbers, booleans). */
  readonly ResourceProperties: Readonly<Record<string, unknown>>;
  /** Update only. */
  readonly OldResourceProperties?: Readonly<Record<string, unknown>>;
  readonly ServiceToken?: string;
}

/**
 * What onEvent hands to isComplete besides the physical id: identifiers the
 * service returned, when the operation started, its deadline. String values
 * only, kept small (the framework carries it through a Step Functions state).
 */
export interface OperationState {
  readonly [key: string]: string;
}

/** onEvent's answer. The framework merges it into the event isComplete gets. */
export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: AttributeData;
  readonly Operation?: OperationState;
}

/** What isComplete receives: the original request plus onEvent's answer. */
export interface IsCompleteEvent extends CustomResourceEvent {
  readonly Data?: AttributeData;
  readonly Operation?: OperationState;
}

/** isComplete's answer. `Data` only with `IsComplete: true` (the framework rejects it otherwise). */
export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  readonly Data?: AttributeData;
}
