/**
 * What the training poller asks of CloudFormation: a wait condition's status
 * (DescribeStackResource), a SUCCESS signal to it (SignalResource) and the
 * stack's status (DescribeStacks); and what isComplete asks to find the
 * poller (a resource's physical id, DescribeStackResource),
 * through the AWS SDK for JavaScript v3 (`@aws-sdk/client-cloudformation`),
 * which the Lambda Node.js runtime provides (framework/runtime-sdk.ts). The
 * endpoint can be overridden with AWS_ENDPOINT_URL_CLOUDFORMATION (the local
 * deploy runner's).
 */
import type * as CloudFormationSdk from '@aws-sdk/client-cloudformation';
import { serviceTimeFromEnvironment } from '../framework/runtime';
import { lazyClient, runtimeSdk } from '../framework/runtime-sdk';
import { sdkClientOptionsFromEnvironment } from '../framework/sdk-retry';

/**
 * A wait condition's status as the poller sees it: CloudFormation's, or
 * `NOT_STARTED` when CloudFormation does not know it yet (it waits for the
 * one before), or `STACK_GONE` when the stack no longer exists.
 */
export type WaitConditionStatus = string;
export const NOT_STARTED = 'NOT_STARTED';
export const STACK_GONE = 'STACK_GONE';

/** A wait condition as DescribeStackResource shows it. */
export interface WaitConditionView {
  readonly status: WaitConditionStatus;
  /**
   * When CloudFormation last changed its status (StackResourceDetail's
   * LastUpdatedTimestamp, "Time the status was updated",
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackResourceDetail.html),
   * on the handlers' clock (epoch milliseconds). For a wait condition first
   * seen CREATE_IN_PROGRESS, before any signal, the time CloudFormation
   * started it. Undefined when CloudFormation does not know it.
   */
  readonly updatedAt?: number;
}

export interface StackSignals {
  waitCondition(stackId: string, logicalId: string): Promise<WaitConditionView>;
  signal(stackId: string, logicalId: string, uniqueId: string): Promise<void>;
  /** The stack's StackStatus (DescribeStacks), or `STACK_GONE` when CloudFormation no longer knows it. */
  stackStatus(stackId: string): Promise<string>;
}

/** What isComplete asks of CloudFormation to find the poller. */
export interface StackResources {
  /** A resource's physical id (DescribeStackResource); an error when CloudFormation has none. */
  physicalResourceId(stackId: string, logicalId: string): Promise<string>;
}

/** The stack's wait conditions through the CloudFormation client of the function's environment. */
export function stackSignalsFromEnvironment(env: NodeJS.ProcessEnv = process.env): StackSignals & StackResources {
  const cloudFormation = lazyClient(() => new (loadSdk().CloudFormation)(sdkClientOptionsFromEnvironment(env)));
  const serviceTime = serviceTimeFromEnvironment(env);
  return {
    async waitCondition(stackId, logicalId) {
      try {
        const { StackResourceDetail: detail } = await cloudFormation().describeStackResource({ StackName: stackId, LogicalResourceId: logicalId });
        if (!detail?.ResourceStatus) return { status: NOT_STARTED };
        const updatedAt = detail.LastUpdatedTimestamp?.getTime();
        return { status: detail.ResourceStatus, updatedAt: updatedAt === undefined || Number.isNaN(updatedAt) ? undefined : serviceTime(updatedAt) };
      } catch (err) {
        // Both are ValidationErrors: "Stack with id X does not exist", "Resource X does not exist for stack Y"
        // (the latter for a resource CloudFormation has not started is the likeliest reading; AWS does not document it).
        const message = (err as Error | undefined)?.message ?? '';
        if (/^Stack with id .* does not exist/.test(message)) return { status: STACK_GONE };
        if (/^Resource .* does not exist for stack/.test(message)) return { status: NOT_STARTED };
        throw err;
      }
    },
    async signal(stackId, logicalId, uniqueId) {
      await cloudFormation().signalResource({ StackName: stackId, LogicalResourceId: logicalId, UniqueId: uniqueId, Status: 'SUCCESS' });
    },
    async stackStatus(stackId) {
      try {
        // By its id (an ARN), a deleted stack is still described, as DELETE_COMPLETE ("Deleted stacks: You must specify
        // the unique stack ID", https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html).
        const { Stacks: stacks } = await cloudFormation().describeStacks({ StackName: stackId });
        return stacks?.[0]?.StackStatus ?? STACK_GONE;
      } catch (err) {
        // "If the stack doesn't exist, a ValidationError is returned" (same page): "Stack with id X does not exist".
        if (/^Stack with id .* does not exist/.test((err as Error | undefined)?.message ?? '')) return STACK_GONE;
        throw err;
      }
    },
    async physicalResourceId(stackId, logicalId) {
      const { StackResourceDetail: detail } = await cloudFormation().describeStackResource({ StackName: stackId, LogicalResourceId: logicalId });
      if (!detail?.PhysicalResourceId) throw new Error(`CloudFormation has no physical id for ${logicalId}`);
      return detail.PhysicalResourceId;
    },
  };
}

/** Loaded by the poller only (and by isComplete answering a request onEvent never completed). */
const loadSdk = runtimeSdk('@aws-sdk/client-cloudformation', () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
  require('@aws-sdk/client-cloudformation') as typeof CloudFormationSdk);
