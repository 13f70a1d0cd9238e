/**
 * What the training poller asks of CloudFormation: a wait condition's status
 * (DescribeStackResource) and a SUCCESS signal to it (SignalResource),
 * through the AWS SDK for JavaScript v3 (`@aws-sdk/client-cloudformation`),
 * which the Lambda Node.js runtime provides
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html). The
 * endpoint can be overridden with AWS_ENDPOINT_URL_CLOUDFORMATION (the local
 * deploy runner's).
 */
import type * as CloudFormationSdk from '@aws-sdk/client-cloudformation';
import { ResourceFailure } from '../framework/errors';
import { sdkClientOptionsFromEnvironment } from '../framework/sdk-retry';

/**
 * A wait condition as the poller sees it: its status, or `NOT_STARTED`
 * when CloudFormation does not know it yet (it waits for the one before), or
 * `STACK_GONE` when the stack no longer exists.
 */
export type WaitConditionStatus = string;
export const NOT_STARTED = 'NOT_STARTED';
export const STACK_GONE = 'STACK_GONE';

export interface StackSignals {
  status(stackId: string, logicalId: string): Promise<WaitConditionStatus>;
  signal(stackId: string, logicalId: string, uniqueId: string): Promise<void>;
}

/** The stack's wait conditions through the CloudFormation client of the function's environment. */
export function stackSignalsFromEnvironment(env: NodeJS.ProcessEnv = process.env): StackSignals {
  let client: CloudFormationSdk.CloudFormation | undefined;
  const cloudFormation = (): CloudFormationSdk.CloudFormation => {
    client ??= new (loadSdk().CloudFormation)(sdkClientOptionsFromEnvironment(env));
    return client;
  };
  return {
    async status(stackId, logicalId) {
      try {
        const { StackResourceDetail: detail } = await cloudFormation().describeStackResource({ StackName: stackId, LogicalResourceId: logicalId });
        return detail?.ResourceStatus ?? NOT_STARTED;
      } catch (err) {
        // Both are ValidationErrors: "Stack with id X does not exist", "Resource X does not exist for stack Y"
        // (the latter for a resource CloudFormation has not started is the likeliest reading; AWS does not document it).
        const message = (err as Error | undefined)?.message ?? '';
        if (/^Stack with id .* does not exist/.test(message)) return STACK_GONE;
        if (/^Resource .* does not exist for stack/.test(message)) return NOT_STARTED;
        throw err;
      }
    },
    async signal(stackId, logicalId, uniqueId) {
      await cloudFormation().signalResource({ StackName: stackId, LogicalResourceId: logicalId, UniqueId: uniqueId, Status: 'SUCCESS' });
    },
  };
}

/** Loaded by the poller only. */
function loadSdk(): typeof CloudFormationSdk {
  try {
    // A literal: esbuild keeps it as it is, a require of an external package.
    // A devDependency: functions get it from the Lambda runtime, not from this package.
    // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
    return require('@aws-sdk/client-cloudformation') as typeof CloudFormationSdk;
  } catch (err) {
    if ((err as NodeJS.ErrnoException | undefined)?.code !== 'MODULE_NOT_FOUND') throw err;
    throw new ResourceFailure('@aws-sdk/client-cloudformation cannot be loaded (the Lambda Node.js runtime provides it; elsewhere it must be installed)');
  }
}
