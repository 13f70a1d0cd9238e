import { CustomResource, Duration, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { checkRequired, DURATION } from './input-types';
import { CleanRoomsMlProvider, Tokenized } from './provider';
import { validationError } from './validation';
import {
  MAX_CHAINED_TIMEOUT_SECONDS,
  MAX_CUSTOM_RESOURCE_SECONDS,
  MIN_TIMEOUT_SECONDS,
  TIMEOUT_MARGIN_SECONDS,
  WAIT_WINDOW_SECONDS,
} from '../../contracts/framework';
import { WAIT_RESOURCE_TYPE, WaitProperties, WaitResourceKind } from '../../contracts/wait';

// Waits longer than CloudFormation's hour per custom resource.
//
// CloudFormation waits at most one hour for a custom resource (ServiceTimeout
// ≤ 3,600 s, and the Provider framework's totalTimeout at most as long), but
// an audience model "can take up to 24 hours to train". A construct whose
// `timeout` is longer than an hour gets a chain of `Custom::CleanRoomsMLWait`
// resources after its own: its resource completes at the end of its window
// with the model still training, and each link then waits one more window on
// the same provider (its waiter is a Step Functions state machine with Wait
// states: nothing sleeps in a Lambda function). What needs the model ACTIVE
// reads its attributes from the last link, so CloudFormation creates it only
// once the model is ACTIVE, in the same deployment.
//
// Why not AWS::CloudFormation::WaitCondition (with a poller in Step
// Functions signalling it)? A WaitCondition waits at most 12 hours (Timeout
// ≤ 43,200 s), so it would need a chain too; it cannot be updated, and each
// update that must wait again needs a new WaitConditionHandle (a new logical
// id), which an update that replaces the model cannot get without churn; it
// is signalled through a presigned S3 URL by a poller whose execution would
// have to be started, stopped on rollback and given its own permissions.
// Wait resources are ordinary custom resources: updatable (a replaced model
// changes the ARN they carry, so CloudFormation sends them an Update that
// waits again, and an update that keeps the model sends them nothing), no
// presigned URL, no execution to clean up, no permission beyond the Get the
// provider already has; a failed training fails the link with the service's
// statusDetails as its reason, and every link's completion is a stack event,
// so the wait shows its progress once per window.
//
// The cost: one resource per window (58 minutes) past the first. 24 hours
// is 24 wait resources, 72 hours (the most accepted) 74, against
// CloudFormation's 500 resources per stack.

/** How a construct's timeout is spread over its own resource and the wait resources after it. */
export interface WaitPlan {
  /** The construct's timeout in seconds (a token when unresolved). */
  readonly timeoutSeconds: number;
  /**
   * `TimeoutSeconds` of the construct's own resource: the whole timeout when
   * one custom resource can wait that long, else the most one can.
   */
  readonly resourceTimeoutSeconds: number;
  /** The window of each wait resource in seconds, in chain order; empty when none is needed. */
  readonly linkWindowSeconds: readonly number[];
}

/**
 * The wait resources a timeout needs. The whole wait ends
 * TIMEOUT_MARGIN_SECONDS before the timeout, as a single resource's does:
 * the construct's resource waits WAIT_WINDOW_SECONDS, then full windows, and
 * the last link what remains. A token timeout (unknown at synthesis) gets
 * no chain.
 */
export function planWait(timeoutSeconds: number): WaitPlan {
  if (Token.isUnresolved(timeoutSeconds) || timeoutSeconds <= MAX_CUSTOM_RESOURCE_SECONDS) {
    return { timeoutSeconds, resourceTimeoutSeconds: timeoutSeconds, linkWindowSeconds: [] };
  }
  const remaining = timeoutSeconds - TIMEOUT_MARGIN_SECONDS - WAIT_WINDOW_SECONDS;
  const links = Math.ceil(remaining / WAIT_WINDOW_SECONDS);
  const linkWindowSeconds = Array.from({ length: links }, (_, index) =>
    (index < links - 1 ? WAIT_WINDOW_SECONDS : remaining - (links - 1) * WAIT_WINDOW_SECONDS));
  return { timeoutSeconds, resourceTimeoutSeconds: MAX_CUSTOM_RESOURCE_SECONDS, linkWindowSeconds };
}

/**
 * Checks the `timeout` of a construct whose wait may continue across wait
 * resources (whole seconds, 5 minutes to 72 hours) and returns it in
 * seconds. A token passes.
 */
export function chainedTimeoutSeconds(scope: IConstruct, timeout: Duration): number {
  checkRequired(scope, 'timeout', timeout, DURATION);
  const seconds = timeout.toSeconds({ integral: false });
  if (Token.isUnresolved(seconds)) {
    return timeout.toSeconds();
  }
  if (!Number.isInteger(seconds)) {
    throw validationError(scope, 'timeout', 'be a whole number of seconds', timeout.toHumanString());
  }
  if (seconds < MIN_TIMEOUT_SECONDS || seconds > MAX_CHAINED_TIMEOUT_SECONDS) {
    throw validationError(
      scope,
      'timeout',
      `be between ${MIN_TIMEOUT_SECONDS / 60} minutes and ${MAX_CHAINED_TIMEOUT_SECONDS / 3600} hours (each hour of waiting past the first `
      + 'adds a wait resource to the stack, and a stack holds at most 500 resources)',
      timeout.toHumanString(),
    );
  }
  return seconds;
}

/** What `addWaitChain` needs. */
export interface WaitChainOptions {
  readonly kind: WaitResourceKind;
  /** The construct's own custom resource, whose wait the chain continues. */
  readonly waited: CustomResource;
  /** The attribute of `waited` holding its ARN. */
  readonly arnAttribute: string;
  readonly plan: WaitPlan;
  /** Construct id of link i: `<idPrefix><i>`, e.g. `TrainingWait1`. */
  readonly idPrefix: string;
  /** Properties only the last link carries: those of the attributes the app reads of it. */
  readonly lastLinkProperties?: Tokenized<Pick<WaitProperties, 'RelevanceScoreSizes'>>;
}

/**
 * Adds the plan's wait resources under `scope`, each depending on the one
 * before (the first on `waited`, through its ARN). Children of the construct, so a
 * dependency on the construct waits for the last of them.
 *
 * @returns the last link, whose attributes are those of the ACTIVE
 * resource; undefined when the plan has no link
 */
export function addWaitChain(scope: Construct, options: WaitChainOptions): CustomResource | undefined {
  const provider = CleanRoomsMlProvider.of(scope);
  const windows = options.plan.linkWindowSeconds;
  let previous: CustomResource = options.waited;
  windows.forEach((windowSeconds, index) => {
    const link = index + 1;
    const last = link === windows.length;
    const resource = provider.customResource<WaitProperties>(scope, `${options.idPrefix}${link}`, {
      resourceType: WAIT_RESOURCE_TYPE,
      // The whole timeout (for the last link's message), not this link's window.
      common: { TimeoutSeconds: options.plan.timeoutSeconds },
      properties: {
        ResourceKind: options.kind,
        // A replaced resource changes this, so every link waits again.
        ResourceArn: options.waited.getAttString(options.arnAttribute),
        Link: link,
        Links: windows.length,
        WindowSeconds: windowSeconds,
        ...(last ? options.lastLinkProperties : {}),
      },
    });
    // The first link's ResourceArn (a GetAtt of `waited`) already orders it
    // after `waited`; a DependsOn on it too would be redundant (cfn-lint W3005).
    if (previous !== options.waited) {
      resource.node.addDependency(previous);
    }
    previous = resource;
  });
  return windows.length > 0 ? previous : undefined;
}
