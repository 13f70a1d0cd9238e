/**
 * The training poller's executions (Step Functions), which the handler of a
 * resource with a long wait starts and stops (see
 * cdk-cleanrooms-ml/lib/contracts/wait.ts), through the AWS SDK for
 * JavaScript v3 (`@aws-sdk/client-sfn`), which the Lambda Node.js runtime
 * provides (runtime-sdk.ts). The endpoint can be overridden with
 * AWS_ENDPOINT_URL_SFN (the local deploy runner's).
 */
import { createHash } from 'node:crypto';
import type * as StepFunctionsSdk from '@aws-sdk/client-sfn';
import type { CompletionState } from 'cdk-cleanrooms-ml/lib/contracts/provider';
import { POLLER_ARN_ENV, POLLER_EVENT_KIND, PollerState, WaitConditionsPlan, WaitResourceKind } from 'cdk-cleanrooms-ml/lib/contracts/wait';
import { ResourceFailure } from './errors';
import { integer, object, PropertyParser, stringList } from './properties';
import { lazyClient, runtimeSdk } from './runtime-sdk';
import { sdkClientOptionsFromEnvironment } from './sdk-retry';

/** The `WaitConditions` common property. */
export const waitConditionsPlan: PropertyParser<WaitConditionsPlan> = object<WaitConditionsPlan>({
  LogicalIds: stringList,
  Signals: integer,
  WindowSeconds: integer,
  IntervalSeconds: integer,
});

/** What a handler asks of the poller (the stack's state machine, which the implementation knows). */
export interface PollerExecutions {
  /**
   * Starts an execution. The same name and input while it runs is the same
   * execution (a replayed request); a name already used by a closed one
   * is not an error (a rollback that returns to an earlier plan).
   */
  start(name: string, input: PollerState | CompletionState): Promise<void>;
  /** Stops an execution; one that does not exist, or has ended, is not an error. */
  stop(name: string): Promise<void>;
  /** Whether an execution of that name exists, running or closed (names stay taken for 90 days). */
  exists(name: string): Promise<boolean>;
}

/**
 * The execution that follows `resourceArn` with `plan`: named after the
 * resource's id and a digest of the plan's wait conditions, so that each
 * resource and plan gets its own (names are unique per state machine for
 * 90 days: facts in notes/wait-facts.md) and a replayed request finds the same.
 */
export function pollerExecution(kind: WaitResourceKind, resourceArn: string, stackId: string, plan: WaitConditionsPlan): {
  readonly name: string;
  readonly input: PollerState;
} {
  const resourceId = resourceArn.slice(resourceArn.lastIndexOf('/') + 1).replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 60);
  const digest = createHash('sha256').update(`${resourceArn}\n${plan.LogicalIds.join(',')}`).digest('hex').slice(0, 16);
  return {
    name: `${resourceId}-${digest}`,
    input: { Kind: POLLER_EVENT_KIND, ResourceKind: kind, ResourceArn: resourceArn, StackId: stackId, ...plan },
  };
}

/** An execution's ARN: arn:<partition>:states:<region>:<account>:stateMachine:<name> → …:execution:<name>:<execution name>. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/**
 * The poller's executions through the Step Functions client of the
 * function's environment, on the state machine POLLER_ARN_ENV names, or
 * that `locate` finds (once, when first needed) for a function that cannot
 * hold its ARN.
 */
export function pollerExecutionsFromEnvironment(env: NodeJS.ProcessEnv = process.env, locate?: () => Promise<string>): PollerExecutions {
  const sfn = lazyClient(() => new (loadSdk().SFN)(sdkClientOptionsFromEnvironment(env)));
  let located: Promise<string> | undefined;
  const stateMachineArn = async (): Promise<string> => {
    if (locate) {
      located ??= locate();
      return located;
    }
    const arn = env[POLLER_ARN_ENV];
    if (!arn) throw new ResourceFailure(`the function has no ${POLLER_ARN_ENV}: the stack has no training poller`);
    return arn;
  };
  return {
    async start(name, input) {
      try {
        await sfn().startExecution({ stateMachineArn: await stateMachineArn(), name, input: JSON.stringify(input) });
      } catch (err) {
        // Only a closed execution of the same name: the plan it followed is done.
        if ((err as Error | undefined)?.name === 'ExecutionAlreadyExists') return;
        throw err;
      }
    },
    async stop(name) {
      try {
        await sfn().stopExecution({ executionArn: executionArnOf(await stateMachineArn(), name), cause: 'The resource it waited for is being deleted' });
      } catch (err) {
        if ((err as Error | undefined)?.name === 'ExecutionDoesNotExist') return;
        throw err;
      }
    },
    async exists(name) {
      try {
        await sfn().describeExecution({ executionArn: executionArnOf(await stateMachineArn(), name) });
        return true;
      } catch (err) {
        if ((err as Error | undefined)?.name === 'ExecutionDoesNotExist') return false;
        throw err;
      }
    },
  };
}

/** Loaded when a poller execution is started or stopped: other requests' cold starts do not pay for it. */
const loadSdk = runtimeSdk('@aws-sdk/client-sfn', () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
  require('@aws-sdk/client-sfn') as typeof StepFunctionsSdk);
